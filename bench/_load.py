"""A small HTTP/1.1 keep-alive load generator on asyncio streams (cheap per request, so the
server, not the client, is what gets measured)."""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["LoadResult", "run_load"]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies_ms) or [0.0]
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 1),
                "req_per_s": round(self.requests / self.seconds, 1), "p50_ms": round(pick(0.50), 2),
                "p99_ms": round(pick(0.99), 2), "mean_ms": round(statistics.fmean(ordered), 2)}


async def _client(url: str, make: Callable[[], bytes], deadline: float, out: list[float],
                  errors: list[int], check: Callable[[bytes], bool]) -> None:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(make())
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            body = await reader.readexactly(length)
            out.append((time.perf_counter() - start) * 1000)
            if not head.startswith(b"HTTP/1.1 200") or not check(body):
                errors.append(1)
    finally:
        writer.close()


def request_maker(url: str, method: str, headers: dict[str, str], bodies: list[dict[str, object]] | None,
                  paths: list[str] | None) -> Callable[[], bytes]:
    """A function returning the next request's bytes, cycling through bodies or paths."""
    host = urlsplit(url).netloc
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    if bodies is not None:
        encoded = [json.dumps(b).encode() for b in bodies]
        path = urlsplit(url).path
        cycle = itertools.cycle([f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Type: "
                                 f"application/json\r\nContent-Length: {len(b)}\r\n\r\n".encode() + b
                                 for b in encoded])
    else:
        cycle = itertools.cycle([f"{method} {p} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
                                 for p in paths or []])
    return lambda: next(cycle)


async def _run(url: str, make: Callable[[], bytes], clients: int, seconds: float,
               check: Callable[[bytes], bool]) -> LoadResult:
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(_client(url, make, deadline, latencies, errors, check) for _ in range(clients)))
    return LoadResult(len(latencies), len(errors), time.perf_counter() - start, latencies)


def run_load(url: str, make: Callable[[], bytes], *, clients: int, seconds: float,
             check: Callable[[bytes], bool] = lambda body: True) -> LoadResult:
    """``clients`` connections, each sending requests back to back for ``seconds``."""
    return asyncio.run(_run(url, make, clients, seconds, check))
