"""Serve an ASGI app with a real uvicorn on a free loopback port, in a background thread.

Integration tests talk to the hub over real HTTP with real clients (authlib, gql, a
browser); this is the one helper that starts and stops the server for them.

Example:
    >>> port = free_port()
    >>> with serve_app(create_app(settings), port=port) as base_url:   # doctest: +SKIP
    ...     httpx.get(f"{base_url}/.well-known/jwks.json")
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

__all__ = ["free_port", "serve_app", "wait_until_answering"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_app(app: Any, *, port: int | None = None, startup_timeout: float = 15.0) -> Iterator[str]:
    """Run ``app`` until the block ends; yields its base URL (``http://127.0.0.1:PORT``).

    Pass ``port`` when the app must know its own URL before it starts (e.g. an OAuth issuer).
    The app's lifespan runs, so resources it opens are closed on exit.
    """
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                            access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)


def wait_until_answering(base_url: str, process: subprocess.Popen[Any], *, name: str, timeout: float,
                         poll: float = 0.2) -> None:
    """Return once a server started as ``process`` answers HTTP at ``base_url``; RuntimeError if the
    process exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(f"{base_url}/", timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start") from None
            time.sleep(poll)
