"""In-process cost of one ``personByNik`` request, per server variant: what each optimisation pays.

The three apps of ``bench/_api_apps.py`` (GraphQL with auth and audit, GraphQL open, bare
Starlette) are called directly over ASGI, without sockets or a load generator, one request
at a time, so the figure is the server's own work. CPU time (``time.process_time``) is
reported beside wall time because a loaded machine stretches wall time but not CPU time.
Variants are interleaved over several rounds and the cheapest round of each is reported,
since other load only ever adds time. Auth files and the audit log go to a fresh temporary
directory; the store is read only.

With ``--instructions`` each variant runs instead in its own process under valgrind's
callgrind, counted only around the measured requests (the audit writer thread's commits
included), and the figure is machine instructions per request. Unlike any timing on this
shared two-core machine, whose speed drifts by a third from minute to minute, two runs agree
to within 0.1%: what to compare an old and a new tree by. It misses the kernel's share (socket
and disk I/O) and, in a short run, the audit log's batched indexing. Needs ``valgrind``.

Example:
    $ .venv/bin/python -m bench.api_cost --store bench/work/api/embedded/store/graph.sqlite \\
          --niks bench/work/api/embedded/published-1000000.json --rounds 5
    $ .venv/bin/python -m bench.api_cost --store ... --niks ... --instructions \\
          --out bench/results/api_instructions.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.api_bench import QUERY

ISSUER = "http://127.0.0.1:1"
Send = Callable[[dict[str, Any]], Any]


async def _call(app: Any, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]],
                body: bytes) -> tuple[int, bytes]:
    """One HTTP request through the ASGI app; returns status and body."""
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
             "state": {}}
    await app(scope, receive, send)
    return status, b"".join(chunks)


async def _drive(app: Any, variant: str, token: str | None, niks: list[str], n: int) -> dict[str, float]:
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    if token:
        headers += [(b"authorization", f"Bearer {token}".encode()), (b"x-purpose", b"health_insurance")]
    wall: list[float] = []
    cpu_start = time.process_time()
    start = time.perf_counter()
    for i in range(n):
        nik = niks[i % len(niks)]
        t = time.perf_counter()
        if variant == "bare":
            status, body = await _call(app, "GET", "/person", f"nik={nik}", headers, b"")
        else:
            payload = json.dumps({"query": QUERY, "variables": {"nik": nik}}).encode()
            status, body = await _call(app, "POST", "/graphql", "",
                                       [*headers, (b"content-length", str(len(payload)).encode())], payload)
        wall.append((time.perf_counter() - t) * 1000)
        answer = json.loads(body)
        if status != 200 or answer.get("errors") or answer["data"]["personByNik"] is None:
            raise SystemExit(f"{variant}: request {i} failed: {status} {body[:300]!r}")
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {"requests": n, "wall_ms": round(1000 * seconds / n, 3), "cpu_ms": round(1000 * cpu / n, 3),
            "median_ms": round(statistics.median(wall), 3)}


def _apps(store: str, data: Path) -> tuple[dict[str, Any], str, Callable[[], None]]:
    from auth import TokenIssuer, close_auth, open_auth

    os.environ.update({"DTSEN_DATA_DIR": str(data), "DTSEN_STORE": store, "DTSEN_GRAPHQL_RATE": "0",
                       "DTSEN_ISSUER": ISSUER, "DTSEN_REQUIRE_PURPOSE": "false"})
    parts = open_auth(data, issuer=ISSUER, audience="dtsen-hub")
    client, _ = parts.clients.add("cost", "health_ministry")
    token = TokenIssuer(parts.keys, issuer=ISSUER, audience="dtsen-hub").issue(client)["access_token"]
    close_auth(parts)
    from bench._api_apps import bare_app, graphql_app, graphql_open_app

    apps = {"graphql": graphql_app(), "graphql_open": graphql_open_app(), "bare": bare_app()}

    def close() -> None:
        apps["graphql"].state.audit.close()

    return apps, token, close


def _counted(store: str, niks: list[str], variant: str, requests: int) -> None:
    """The ``--child`` side of ``--instructions``: warm up, then count ``requests`` requests only."""
    with tempfile.TemporaryDirectory() as tmp:
        apps, token, close = _apps(store, Path(tmp))
        tok = token if variant == "graphql" else None
        try:
            asyncio.run(_drive(apps[variant], variant, tok, niks[-200:], 200))
            subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True,
                           capture_output=True)
            asyncio.run(_drive(apps[variant], variant, tok, niks[:requests], requests))
            time.sleep(0.5)         # the audit writer commits what the requests queued (50 ms delay)
            subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True,
                           capture_output=True)
        finally:
            close()


def _instructions(args: argparse.Namespace) -> dict[str, Any]:
    """Instructions per request of each variant, each in its own process under callgrind."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("--instructions needs valgrind (e.g. apt-get install valgrind)")
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in args.variants:
            out = Path(tmp) / f"{variant}.callgrind"
            started = time.perf_counter()
            subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                            f"--callgrind-out-file={out}", sys.executable, "-m", "bench.api_cost",
                            "--store", args.store, "--niks", str(args.niks), "--child", variant,
                            "--requests", str(args.requests)],
                           check=True, capture_output=True)
            # "totals:" sums the counted parts; "summary:" can be 0 when counting starts late.
            total = max(int(line.split()[1]) for line in out.read_text().splitlines()
                        if line.startswith(("summary:", "totals:")))
            rows[variant] = {"requests": args.requests,
                             "instructions_per_request": round(total / args.requests),
                             "minutes": round((time.perf_counter() - started) / 60, 1)}
            print(variant, json.dumps(rows[variant]), flush=True)
    cost = {v: row["instructions_per_request"] for v, row in rows.items()}
    ratios = {}
    if {"graphql", "bare"} <= cost.keys():
        ratios["graphql_vs_bare"] = round(cost["bare"] / cost["graphql"], 3)
    if {"graphql", "graphql_open"} <= cost.keys():
        ratios["auth_audit_overhead"] = round(cost["graphql"] / cost["graphql_open"], 3)
    return {"variants": rows, **ratios}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="the embedded store (graph.sqlite)")
    parser.add_argument("--niks", type=Path, required=True, help="JSON list of NIKs in that store")
    parser.add_argument("--requests", type=int, default=300, help="per round")
    parser.add_argument("--rounds", type=int, default=5, help="variants interleaved; the best round counts")
    parser.add_argument("--variants", nargs="+", default=["bare", "graphql_open", "graphql"])
    parser.add_argument("--label", default="")
    parser.add_argument("--out", type=Path, default=None, help="append the result as one JSON line")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per request under callgrind instead of timing")
    parser.add_argument("--child", choices=["bare", "graphql_open", "graphql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    niks = json.loads(args.niks.read_text())
    random.Random(3).shuffle(niks)
    if args.child:
        _counted(args.store, niks, args.child, args.requests)
        return
    if args.instructions:
        _emit(args, {"label": args.label, "mode": "instructions (callgrind)", **_instructions(args),
                     "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        return
    with tempfile.TemporaryDirectory() as tmp:
        apps, token, close = _apps(args.store, Path(tmp))
        try:
            rounds: dict[str, list[dict[str, float]]] = {v: [] for v in args.variants}
            for variant in args.variants:
                tok = token if variant == "graphql" else None
                asyncio.run(_drive(apps[variant], variant, tok, niks[-200:], 200))    # warm up
            for r in range(args.rounds):
                for variant in args.variants:
                    tok = token if variant == "graphql" else None
                    sample = niks[r * args.requests:(r + 1) * args.requests] or niks
                    rounds[variant].append(asyncio.run(_drive(apps[variant], variant, tok, sample,
                                                              args.requests)))
            # A loaded machine only ever adds time: the least a round took is the closest to the cost.
            rows = {v: min(rs, key=lambda row: row["cpu_ms"]) for v, rs in rounds.items()}
        finally:
            close()
    _emit(args, {"label": args.label, "variants": rows, "load_avg": [round(x, 2) for x in os.getloadavg()],
                 "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def _emit(args: argparse.Namespace, result: dict[str, Any]) -> None:
    print(json.dumps(result))  # a script's output
    if args.out:
        with args.out.open("a") as f:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
