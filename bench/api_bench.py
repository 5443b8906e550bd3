"""API benchmark: ``personByNik`` with household and enrolments under load, on both stores.

For each store (synthetic data from ``tests/graph/_synth.py``, default 1M records) three
servers run side by side, each with ``--workers`` uvicorn processes, and are loaded in turn by
``--clients`` keep-alive connections, ``--seconds`` each in all:

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

The closed-loop time and the paced time are each split into ``--rounds`` rounds, and each round
loads the three servers one after another, in a rotating order. This machine's speed drifts by
a third from one minute to the next; one 60 s run per variant, one variant after the other,
compared a fast minute with a slow one (session 5: the open variant once measured slower than
the audited one). Each variant's row adds up its rounds, lists each round's rate (and paced
p99), and gives the CPU its server processes used per request (from ``/proc``), which other
load on the machine barely moves; the ratios are given by throughput (the targets) and by CPU
per request.

Results go to ``bench/results/api.json`` with the targets: GraphQL (auth and audit on) >= 0.5x
bare throughput; p99 <= 50 ms at 50 clients; auth and audit overhead <= 1.3x.

The data is published once: the embedded store is kept under ``--work``, and a Neo4j server
of your own at ``NEO4J_URI`` that still holds the same synthetic run is used as it is (see
:func:`prepare`); without ``NEO4J_URI`` the tests' harness is started empty and published into.

Example:
    $ .venv/bin/python -m bench.api_bench --records 100000 --stores embedded --seconds 20
    $ .venv/bin/python -m bench.api_bench            # 1M records, both stores, 60 s each
    $ NEO4J_TEST_HEAP=4g NEO4J_TEST_PAGECACHE_MB=2048 tests/neo4j/run.sh 17687 /tmp/neo4j &   # kept
    $ NEO4J_URI=bolt://127.0.0.1:17687 .venv/bin/python -m bench.api_bench --stores neo4j
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
from bench._load import LoadResult, request_maker, run_load
from bench.store_bench import neo4j_server, open_fresh
from graph import Visibility, open_store
from tests._server import free_port, wait_until_answering
from tests.graph._synth import synthetic_publication

ROOT = Path(__file__).resolve().parents[1]
QUERY = ("query($nik: String!) { personByNik(nik: $nik) { id fullName nik "
         "household { id kk members { role person { id fullName } } } "
         "enrolments { program { name } dataset { name agency } } } }")
TARGETS = {"graphql_vs_bare_min": 0.5, "p99_ms_max": 50.0, "auth_audit_overhead_max": 1.3}
VARIANTS = ("graphql", "graphql_open", "bare")


def prepare(kind: str, records: int, work: Path, uri: str | None) -> tuple[Path, str, list[str]]:
    """Publish the data unless it is already there; returns data dir, store location and a
    sample of NIKs.

    Reused: the embedded store when its marker file exists; Neo4j when the marker exists and
    the server at ``uri`` still holds this size's synthetic run (``run-B``, ``records`` records):
    a server of your own at ``NEO4J_URI`` (e.g. ``tests/neo4j/run.sh`` left running) saves
    the ten minutes a 1M publish takes. The harness started here is always empty.
    """
    data = work / kind
    marker = data / f"published-{records}.json"
    location = uri if kind == "neo4j" else str(data / "store" / "graph.sqlite")
    assert location is not None
    if marker.exists() and (kind == "embedded" or _holds(location, records)):
        return data, location, json.loads(marker.read_text())
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
    return data, location, niks


def _holds(uri: str, records: int) -> bool:
    """Whether the Neo4j store at ``uri`` currently serves ``synthetic_publication(records, "B")``."""
    store = open_store(uri, user=os.environ.get("NEO4J_USER", "neo4j"),
                       password=os.environ.get("NEO4J_PASSWORD", ""))
    try:
        current = [r.run_id for r in store.linkage_runs(Visibility.everything()) if r.current]
        return current == ["run-B"] and sum(d.records for d in store.datasets()) == records
    finally:
        store.close()


@contextmanager
def server(factory: str, data: Path, store: str, workers: int):  # type: ignore[no-untyped-def]
    """One ``bench._api_apps`` server (see :func:`served`); yields its base URL."""
    with served(factory, data, store, workers) as (base, _):
        yield base


@contextmanager
def served(factory: str, data: Path, store: str, workers: int):  # type: ignore[no-untyped-def]
    """One ``bench._api_apps`` server on a free port; yields (base URL, pid of its supervisor)."""
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
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu_seconds(pid: int) -> float:
    """CPU (user + system) used so far by ``pid`` and every live process under it (Linux ``/proc``)."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except OSError:     # gone meanwhile, or no /proc: counts nothing
            continue
    return total


def _rotated(round_: int) -> tuple[str, ...]:
    """The variants in round ``round_``'s order: each starts one round in turn."""
    shift = round_ % len(VARIANTS)
    return VARIANTS[shift:] + VARIANTS[:shift]


def _found(body: bytes) -> bool:
    answer = json.loads(body)
    return not answer.get("errors") and answer["data"]["personByNik"] is not None


@contextmanager
def loaded(variant: str, data: Path, store: str, niks: list[str], secret: tuple[str, str],
           workers: int):  # type: ignore[no-untyped-def]
    """One variant's server, with the request maker its clients use; yields (base, make, pid)."""
    factory = {"graphql": "graphql_app", "graphql_open": "graphql_open_app", "bare": "bare_app"}[variant]
    with served(factory, data, store, workers) as (base, pid):
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
        yield base, make, pid


def measure(data: Path, store: str, niks: list[str], secret: tuple[str, str],
            args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every variant's row: closed-loop rounds in rotating order, then paced rounds likewise."""
    closed: dict[str, list[LoadResult]] = {v: [] for v in VARIANTS}
    cpu = dict.fromkeys(VARIANTS, 0.0)
    loads: dict[str, list[float]] = {v: [] for v in VARIANTS}
    paced: dict[str, list[LoadResult]] = {v: [] for v in VARIANTS}
    with ExitStack() as stack:
        servers = {v: stack.enter_context(loaded(v, data, store, niks, secret, args.workers))
                   for v in VARIANTS}
        for base, make, _ in servers.values():      # warm up
            run_load(base, make, clients=args.clients, seconds=min(5.0, args.seconds), check=_found)
        for r in range(args.rounds):
            for variant in _rotated(r):
                base, make, pid = servers[variant]
                before = tree_cpu_seconds(pid)
                closed[variant].append(run_load(base, make, clients=args.clients,
                                                seconds=args.seconds / args.rounds, check=_found))
                cpu[variant] += tree_cpu_seconds(pid) - before
                # The 1-minute load average: other work on the machine distorts the timings.
                loads[variant].append(round(os.getloadavg()[0], 2))
        for r in range(args.rounds if args.paced_rate else 0):
            for variant in _rotated(r):
                base, make, _ = servers[variant]
                paced[variant].append(run_load(base, make, clients=args.clients, check=_found,
                                               seconds=args.paced_seconds / args.rounds,
                                               rate=args.paced_rate))
    rows = {}
    for variant, results in closed.items():
        whole = LoadResult.combine(results)
        rows[variant] = {**whole.summary(),
                         "rounds_req_per_s": [round(r.requests / r.seconds, 1) for r in results],
                         "server_cpu_ms_per_request": round(1000 * cpu[variant] / max(1, whole.requests), 3),
                         "load_1min": loads[variant]}
        if paced[variant]:
            rows[variant]["paced"] = {"offered_req_per_s": args.paced_rate,
                                      **LoadResult.combine(paced[variant]).summary(),
                                      "rounds_p99_ms": [r.summary()["p99_ms"] for r in paced[variant]],
                                      "load_1min": round(os.getloadavg()[0], 2)}
    return rows


def run_store(kind: str, uri: str | None, args: argparse.Namespace) -> dict[str, Any]:
    data, store, niks = prepare(kind, args.records, args.work, uri)
    parts = open_auth(data, issuer="http://127.0.0.1", audience="dtsen-hub")
    name = f"bench-{int(time.time())}"
    client, secret = parts.clients.add(name, "health_ministry")
    close_auth(parts)
    rows = measure(data, store, niks, (client.client_id, str(secret)), args)
    for variant, row in rows.items():
        print(kind, variant, json.dumps(row), flush=True)
    graphql, open_, bare = rows["graphql"], rows["graphql_open"], rows["bare"]
    per_round = [(g / b, o / g) for g, o, b in zip(graphql["rounds_req_per_s"], open_["rounds_req_per_s"],
                                                   bare["rounds_req_per_s"], strict=True)]
    cost = {v: rows[v]["server_cpu_ms_per_request"] for v in VARIANTS}
    return {"store": kind, "records": args.records, "clients": args.clients, "workers": args.workers,
            "seconds": args.seconds, "rounds": args.rounds, "variants": rows,
            "graphql_vs_bare": round(graphql["req_per_s"] / bare["req_per_s"], 3),
            "auth_audit_overhead": round(open_["req_per_s"] / graphql["req_per_s"], 3),
            "per_round": {"graphql_vs_bare": [round(a, 3) for a, _ in per_round],
                          "auth_audit_overhead": [round(b, 3) for _, b in per_round]},
            "by_server_cpu": {"graphql_vs_bare": round(cost["bare"] / cost["graphql"], 3),
                              "auth_audit_overhead": round(cost["graphql"] / cost["graphql_open"], 3)},
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--stores", nargs="+", default=["embedded", "neo4j"], choices=["embedded", "neo4j"])
    parser.add_argument("--seconds", type=float, default=60.0, help="closed-loop seconds per variant, in all")
    parser.add_argument("--rounds", type=int, default=10, help="split into this many interleaved rounds")
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
