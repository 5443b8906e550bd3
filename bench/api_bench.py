"""API benchmark: ``personByNik`` with household and enrolments under load, on both stores.

For each store (synthetic data from ``tests/graph/_synth.py``, default 1M records) three
servers run in turn, each with ``--workers`` uvicorn processes, each loaded by ``--clients``
keep-alive connections for ``--seconds``:

* ``graphql``: the hub as deployed: bearer token validated, scopes enforced, every request
  audited (a health-ministry client);
* ``graphql_open``: the same GraphQL with authorization and audit switched off (see
  ``bench/_api_apps.py``), for the overhead ratio;
* ``bare``: a plain Starlette JSON endpoint doing the same four store reads: the practical limit.

Each server is ``hub._workers.serve_workers`` (as ``dtsen-hub serve`` runs: one SO_REUSEPORT socket
per worker). The generator is ``bench/_load.py`` (raw asyncio HTTP/1.1, about 0.1 of a core at
these rates); each variant's row records the cores it used itself (``generator_cpu``), which
the servers did not have.

Each server is loaded twice: closed loop (every client sends its next request as soon as the
last is answered: the most it can carry, and by Little's law a latency of about clients /
throughput), then paced at ``--paced-rate`` requests/s in all on a fixed schedule, with the
latency counted from when each request was due: what a user sees at that load.

Results go to ``bench/results/api.json`` with the targets: GraphQL (auth and audit on) >= 0.5x
bare throughput; p99 <= 50 ms at 50 clients; auth and audit overhead <= 1.3x.

Example:
    $ .venv/bin/python -m bench.api_bench --records 100000 --stores embedded --seconds 20
    $ .venv/bin/python -m bench.api_bench            # 1M records, both stores, 60 s each
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from authlib.integrations.httpx_client import OAuth2Client

from auth import close_auth, open_auth
from bench._load import request_maker, run_load
from bench.store_bench import neo4j_server, open_fresh
from tests._server import free_port, wait_until_answering
from tests.graph._synth import synthetic_publication

ROOT = Path(__file__).resolve().parents[1]
QUERY = ("query($nik: String!) { personByNik(nik: $nik) { id fullName nik "
         "household { id kk members { role person { id fullName } } } "
         "enrolments { program { name } dataset { name agency } } } }")
TARGETS = {"graphql_vs_bare_min": 0.5, "p99_ms_max": 50.0, "auth_audit_overhead_max": 1.3}
VARIANTS = ("graphql", "graphql_open", "bare")


def prepare(kind: str, records: int, work: Path, uri: str | None) -> tuple[Path, str, list[str]]:
    """Publish the data (reused for the embedded store when already there); returns data dir,
    store location and a sample of NIKs."""
    data = work / kind
    marker = data / f"published-{records}.json"
    if kind == "embedded" and marker.exists():
        return data, str(data / "store" / "graph.sqlite"), json.loads(marker.read_text())
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    pub = synthetic_publication(records, "B")
    store = open_fresh(kind, data / "store", uri)
    try:
        store.publish(pub)
    finally:
        store.close()
    niks = [p.nik for p in random.Random(7).sample(pub.persons, min(2000, len(pub.persons)))]
    marker.write_text(json.dumps(niks))
    return data, uri if kind == "neo4j" else str(data / "store" / "graph.sqlite"), niks  # type: ignore[return-value]


@contextmanager
def server(factory: str, data: Path, store: str, workers: int):  # type: ignore[no-untyped-def]
    port = free_port()
    env = {**os.environ, "DTSEN_DATA_DIR": str(data), "DTSEN_STORE": store, "DTSEN_GRAPHQL_RATE": "0",
           "DTSEN_ISSUER": f"http://127.0.0.1:{port}", "DTSEN_REQUIRE_PURPOSE": "false"}
    # Served as `dtsen-hub serve` serves: one SO_REUSEPORT socket per worker (hub._workers).
    process = subprocess.Popen([sys.executable, "-m", "bench._api_apps", factory, "--port", str(port),
                                "--workers", str(workers)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(base, process, name=factory, timeout=120, poll=0.3)
        except RuntimeError as exc:
            raise SystemExit(str(exc)) from None
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def measure(variant: str, data: Path, store: str, niks: list[str], secret: tuple[str, str],
            args: argparse.Namespace) -> dict[str, Any]:
    factory = {"graphql": "graphql_app", "graphql_open": "graphql_open_app", "bare": "bare_app"}[variant]
    with server(factory, data, store, args.workers) as base:
        headers: dict[str, str] = {}
        if variant == "graphql":
            with OAuth2Client(*secret) as oauth:
                token = oauth.fetch_token(f"{base}/oauth/token", grant_type="client_credentials")
            headers = {"Authorization": f"Bearer {token['access_token']}", "X-Purpose": "health_insurance"}
        if variant == "bare":
            make = request_maker(f"{base}/person", "GET", headers, None, [f"/person?nik={n}" for n in niks])
        else:
            make = request_maker(f"{base}/graphql", "POST", headers,
                                 [{"query": QUERY, "variables": {"nik": n}} for n in niks], None)

        def found(body: bytes) -> bool:
            answer = json.loads(body)
            return not answer.get("errors") and answer["data"]["personByNik"] is not None

        run_load(base, make, clients=args.clients, seconds=min(5.0, args.seconds), check=found)   # warm up
        load_before = os.getloadavg()[0]
        result = run_load(base, make, clients=args.clients, seconds=args.seconds, check=found)
        load_after = os.getloadavg()[0]
        paced = (run_load(base, make, clients=args.clients, seconds=args.paced_seconds, check=found,
                          rate=args.paced_rate) if args.paced_rate else None)
    # The 1-minute load average around the run: other work on the machine distorts the timings.
    row = {**result.summary(), "load_1min": [round(load_before, 2), round(load_after, 2)]}
    if paced is not None:
        row["paced"] = {"offered_req_per_s": args.paced_rate, **paced.summary(),
                        "load_1min": round(os.getloadavg()[0], 2)}
    return row


def run_store(kind: str, uri: str | None, args: argparse.Namespace) -> dict[str, Any]:
    data, store, niks = prepare(kind, args.records, args.work, uri)
    parts = open_auth(data, issuer="http://127.0.0.1", audience="dtsen-hub")
    name = f"bench-{int(time.time())}"
    client, secret = parts.clients.add(name, "health_ministry")
    close_auth(parts)
    rows = {v: measure(v, data, store, niks, (client.client_id, str(secret)), args) for v in VARIANTS}
    for variant, row in rows.items():
        print(kind, variant, json.dumps(row), flush=True)
    graphql, open_, bare = rows["graphql"], rows["graphql_open"], rows["bare"]
    return {"store": kind, "records": args.records, "clients": args.clients, "workers": args.workers,
            "seconds": args.seconds, "variants": rows,
            "graphql_vs_bare": round(graphql["req_per_s"] / bare["req_per_s"], 3),
            "auth_audit_overhead": round(open_["req_per_s"] / graphql["req_per_s"], 3),
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--stores", nargs="+", default=["embedded", "neo4j"], choices=["embedded", "neo4j"])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paced-rate", type=float, default=500.0,
                        help="then the same clients at this many requests/s in all, on a fixed schedule, for "
                             "the latency at a load the server can carry (0: skip)")
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "api")
    args = parser.parse_args()
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    results = {(r["store"], r["records"]): r for r in existing.get("results", [])}
    for kind in args.stores:
        with ExitStack() as stack:
            uri = stack.enter_context(neo4j_server(args.work / "neo4j-server")) if kind == "neo4j" else None
            row = run_store(kind, uri, args)
        results[(kind, row["records"])] = row
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({
            "benchmark": "api", "query": QUERY, "targets": TARGETS,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "note": "shared 2-core machine; the load generator runs on the same cores "
                                "(generator_cpu: the cores it used itself during each variant)"},
            "results": sorted(results.values(), key=lambda r: (r["store"], r["records"]))}, indent=2) + "\n")


if __name__ == "__main__":
    main()
