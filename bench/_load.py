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

__all__ = ["LoadResult", "connect", "exchange", "json_post", "request_maker", "run_load"]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cpu_seconds: float = 0.0        # the generator's own CPU time (user + system) over the run

    @classmethod
    def combine(cls, results: list[LoadResult]) -> LoadResult:
        """Several runs against the same server as one (rounds of one measurement)."""
        return cls(sum(r.requests for r in results), sum(r.errors for r in results),
                   sum(r.seconds for r in results), [ms for r in results for ms in r.latencies_ms],
                   sum(r.cpu_seconds for r in results))

    def summary(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies_ms) or [0.0]
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 1),
                "req_per_s": round(self.requests / self.seconds, 1), "p50_ms": round(pick(0.50), 2),
                "p99_ms": round(pick(0.99), 2), "mean_ms": round(statistics.fmean(ordered), 2),
                # cores the generator itself used: on a shared machine, taken from the server
                "generator_cpu": round(self.cpu_seconds / self.seconds, 3)}


async def connect(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A keep-alive connection to ``url``'s host and port."""
    parts = urlsplit(url)
    return await asyncio.open_connection(parts.hostname, parts.port)


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   request: bytes) -> tuple[bool, bytes]:
    """Send one request on a keep-alive connection; (status is 200, body) of its answer."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    return head.startswith(b"HTTP/1.1 200"), await reader.readexactly(length)


async def _client(url: str, make: Callable[[], bytes], deadline: float, out: list[float],
                  errors: list[int], check: Callable[[bytes], bool],
                  schedule: itertools.count[float] | None) -> None:
    reader, writer = await connect(url)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            if schedule is not None:
                # Paced: the latency runs from when the request was due, so a server that falls
                # behind is charged for the wait it caused (no coordinated omission).
                due = next(schedule)
                if due >= deadline:
                    break
                if due > start:
                    await asyncio.sleep(due - start)
                start = due
            ok, body = await exchange(reader, writer, make())
            out.append((time.perf_counter() - start) * 1000)
            if not ok or not check(body):
                errors.append(1)
    finally:
        writer.close()


def json_post(url: str, headers: dict[str, str], body: dict[str, object]) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive POST of ``body`` as JSON to ``url``."""
    parts = urlsplit(url)
    data = json.dumps(body).encode()
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}Content-Type: application/json"
            f"\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data


def request_maker(url: str, method: str, headers: dict[str, str], bodies: list[dict[str, object]] | None,
                  paths: list[str] | None) -> Callable[[], bytes]:
    """A function returning the next request's bytes, cycling through bodies or paths."""
    if bodies is not None and method == "POST":
        cycle = itertools.cycle([json_post(url, headers, b) for b in bodies])
    else:
        host = urlsplit(url).netloc
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        cycle = itertools.cycle([f"{method} {p} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
                                 for p in paths or []])
    return lambda: next(cycle)


async def _run(url: str, make: Callable[[], bytes], clients: int, seconds: float,
               check: Callable[[bytes], bool], rate: float | None) -> LoadResult:
    latencies: list[float] = []
    errors: list[int] = []
    cpu = time.process_time()
    start = time.perf_counter()
    deadline = start + seconds
    # Paced: client i is due at start + i/rate, then every clients/rate seconds.
    schedules = [None if rate is None else itertools.count(start + i / rate, clients / rate)
                 for i in range(clients)]
    await asyncio.gather(*(_client(url, make, deadline, latencies, errors, check, schedule)
                           for schedule in schedules))
    return LoadResult(len(latencies), len(errors), time.perf_counter() - start, latencies,
                      time.process_time() - cpu)


def run_load(url: str, make: Callable[[], bytes], *, clients: int, seconds: float,
             check: Callable[[bytes], bool] = lambda body: True, rate: float | None = None) -> LoadResult:
    """``clients`` connections for ``seconds``: each sends requests back to back (closed loop, the
    most the server can answer), or, with ``rate``, all together ``rate`` requests per second on
    a fixed schedule (the latency a user sees at that load)."""
    return asyncio.run(_run(url, make, clients, seconds, check, rate))
