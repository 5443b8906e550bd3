"""What writing the audit log costs: raw append rate, and API throughput with and without it.

The API part serves the real app (bearer-token middleware, ES256 validation, client and
revocation look-ups) with uvicorn on loopback, and drives otherwise identical routes with
concurrent httpx clients from a separate process: ``plain`` returns a small JSON answer,
``audited`` also appends an audit entry with ``await AuditLog.arecord`` (group commit),
``audited_sync`` with ``AuditLog.record`` (one transaction per request, on the event
loop). Rounds alternate so background load hits all alike.

Usage:
    .venv/bin/python bench/audit_bench.py [--requests 3000] [--appends 5000]
Writes ``bench/results/audit.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auth import AuditEntry, AuditLog, TokenIssuer, document_hash  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.settings import Settings  # noqa: E402
from tests._server import free_port, serve_app  # noqa: E402

PEOPLE = tuple(f"P{n:07d}" for n in range(20))


def _entry(access: object, n: int) -> AuditEntry:
    return AuditEntry(client_id=getattr(access, "client_id", "anon"), agency=getattr(access, "agency", ""),
                      purpose=getattr(access, "purpose", None), operation="persons",
                      document_hash=document_hash(f"query {{ persons(first: 20) {{ id }} }} #{n % 7}"),
                      fields=("Person.id", "Person.fullName", "Person.nik"), person_ids=PEOPLE,
                      household_ids=PEOPLE[:5])


def bench_appends(path: Path, count: int) -> dict[str, float]:
    log = AuditLog(path)
    start = time.perf_counter()
    for n in range(count):
        log.record(_entry(None, n))
    single = time.perf_counter() - start
    start = time.perf_counter()
    for n in range(0, count, 50):
        log.record_many(_entry(None, n + i) for i in range(50))
    batched = time.perf_counter() - start
    start = time.perf_counter()
    report = log.verify()
    verify = time.perf_counter() - start
    log.close()
    assert report.ok
    return {"appends": count, "single_per_s": round(count / single),
            "single_us": round(single / count * 1e6, 1), "batch50_per_s": round(count / batched),
            "verify_entries": report.entries, "verify_per_s": round(report.entries / verify)}


def _drive_in_process(url: str, token: str, count: int, concurrency: int) -> float:
    """Requests per second, measured by a separate process so the client does not share our GIL."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return float(pool.apply(_drive_sync, (url, token, count, concurrency)))


def _drive_sync(url: str, token: str, count: int, concurrency: int) -> float:
    return asyncio.run(_drive(url, token, count, concurrency))


async def _drive(url: str, token: str, count: int, concurrency: int) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        queue = iter(range(count))

        async def worker() -> None:
            for _ in queue:
                reply = await http.get(url)
                reply.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - start)


def bench_api(data_dir: Path, count: int, concurrency: int, rounds: int) -> dict[str, object]:
    port = free_port()
    settings = Settings(data_dir=data_dir, issuer=f"http://127.0.0.1:{port}")
    app = create_app(settings)
    counter = iter(range(10**9))

    async def plain(request: Request) -> Response:
        return JSONResponse({"persons": list(PEOPLE)})

    async def audited(request: Request) -> Response:
        await request.app.state.audit.arecord(_entry(request.state.access, next(counter)))
        return JSONResponse({"persons": list(PEOPLE)})

    async def audited_sync(request: Request) -> Response:
        request.app.state.audit.record(_entry(request.state.access, next(counter)))
        return JSONResponse({"persons": list(PEOPLE)})

    app.add_route("/plain", plain)
    app.add_route("/audited", audited)
    app.add_route("/audited_sync", audited_sync)
    client, _ = app.state.auth.clients.add("bench", "health_ministry", purposes=["health_insurance"])
    token = TokenIssuer(app.state.auth.keys, issuer=settings.issuer_url,
                        audience=settings.audience).issue(client)["access_token"]
    results: dict[str, list[float]] = {"plain": [], "audited": [], "audited_sync": []}
    with serve_app(app, port=port) as base:
        _drive_in_process(f"{base}/plain", token, 200, concurrency)  # warm-up
        for _ in range(rounds):
            for name in results:
                results[name].append(_drive_in_process(f"{base}/{name}", token, count, concurrency))
        entries = AuditLog(data_dir / "audit.sqlite").verify()
    best = {k: max(v) for k, v in results.items()}
    return {"requests_per_round": count, "concurrency": concurrency, "rounds": rounds,
            "plain_req_per_s": [round(x) for x in results["plain"]],
            "audited_req_per_s": [round(x) for x in results["audited"]],
            "audited_sync_req_per_s": [round(x) for x in results["audited_sync"]],
            "best_plain": round(best["plain"]), "best_audited": round(best["audited"]),
            "audited_over_plain": round(best["audited"] / best["plain"], 3),
            "audited_sync_over_plain": round(best["audited_sync"] / best["plain"], 3),
            "audit_entries_written": entries.entries, "chain_ok": entries.ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--appends", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        appends = bench_appends(Path(tmp) / "raw.sqlite", args.appends)
        api = bench_api(Path(tmp) / "hub", args.requests, args.concurrency, args.rounds)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "note": "shared 2-core machine, other engineers' tests running; "
                       "load driver in its own process"}
    result = {"benchmark": "audit", "machine": machine,
              "entry_shape": {"person_ids": len(PEOPLE), "household_ids": 5, "fields": 3},
              "appends": appends, "api": api,
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    out = ROOT / "bench" / "results" / "audit.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
