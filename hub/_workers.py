"""Several uvicorn worker processes, each with its own listening socket on the same port.

``uvicorn --workers N`` shares one listening socket between its workers, and asyncio accepts
every pending connection at once: when keep-alive clients connect together (a connection
pool, a proxy, the benchmark), whichever worker wakes first takes most or all of them and
keeps them for their lifetime, while the others idle. Measured on the 1M-record benchmark with
2 workers and 50 clients: splits from 25/25 to 50/0 from one run to the next, and throughput
from 786 down to 378 req/s (one core) with it.

On Linux, each worker here gets its own ``SO_REUSEPORT`` socket instead, and the kernel
spreads new connections over the sockets by a hash of their addresses, whatever the workers
are doing. The parent keeps every socket open, so a worker that dies is replaced on the same
socket and the connections queued on it wait for the replacement instead of being lost.
Elsewhere (no ``SO_REUSEPORT`` load balancing) uvicorn's own supervisor is used.

Example:
    >>> config = uvicorn.Config("hub._cli_serve:app_from_environment", factory=True)  # doctest: +SKIP
    >>> serve_workers(config, workers=2)                                              # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import signal
import socket
import sys
import threading
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

__all__ = ["serve_workers"]

_SPAWN = multiprocessing.get_context("spawn")


def serve_workers(config: uvicorn.Config, workers: int) -> None:
    """Serve ``config`` (an import string app) in ``workers`` processes until SIGINT or SIGTERM."""
    if workers <= 1:
        _tune_gc()
        uvicorn.Server(config).run()
        return
    if not sys.platform.startswith("linux") or config.uds or config.fd is not None:
        Multiprocess(config, [config.bind_socket()]).run()
        return
    sockets = [_listening_socket(config.host, config.port, config.backlog)]
    port = sockets[0].getsockname()[1]  # the one a port 0 was given
    sockets += [_listening_socket(config.host, port, config.backlog) for _ in range(workers - 1)]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    processes = [_start(config, sock) for sock in sockets]
    try:
        while not stop.wait(0.5):
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                process.join()
                if process.exitcode == STARTUP_FAILURE:
                    # The app cannot start (bad settings, unreadable store): it would fail again.
                    stop.set()
                    break
                processes[i] = _start(config, sockets[i])
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join()
        for sock in sockets:
            sock.close()
    if any(p.exitcode == STARTUP_FAILURE for p in processes):
        sys.exit(STARTUP_FAILURE)


def _tune_gc() -> None:
    """Collect garbage less often in a serving process.

    One GraphQL request allocates thousands of short-lived objects, so with CPython's default
    threshold (700) the collector ran several times per request, scanning the long-lived
    schema and caches each time it reached the older generations. Freezing what exists at
    start-up and raising the thresholds gave 15-20% more GraphQL requests per second (1M-record
    benchmark, 2 workers: 757 -> 908-937 req/s with auth and audit). Garbage is still
    collected; a young generation of 50,000 objects is a few MB.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket that shares its port with the other workers' sockets.

    The protocol is given explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    connections whose socket says ``IPPROTO_TCP``, and a socket made with protocol 0 passes 0
    on to every connection it accepts. uvicorn writes a response's head and body separately, so
    with Nagle on, the body waited for the client's delayed ACK of the head: 44 ms on every
    keep-alive request, which capped 50 clients at 1,100 req/s with the cores half idle.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _start(config: uvicorn.Config, sock: socket.socket) -> BaseProcess:
    process = _SPAWN.Process(target=_worker, args=(config, sock), daemon=False)
    process.start()
    return process


def _worker(config: uvicorn.Config, sock: socket.socket) -> None:
    """One worker process: its own event loop and app, serving ``sock``."""
    config.configure_logging()
    _tune_gc()
    with contextlib.suppress(KeyboardInterrupt):    # Ctrl-C reaches the workers too: no traceback
        uvicorn.Server(config).run(sockets=[sock])
