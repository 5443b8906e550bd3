"""Store benchmark: publish throughput and the person read, on both stores.

Measures, per store and size (synthetic data from ``tests/graph/_synth.py``):

* publish throughput: graph elements (nodes + relationships) per second of a
  full ``publish`` into an empty store;
* latency of "person by NIK with household, members and enrolments" under a
  regional government's access (regions ``32``, no health/education/linkage):
  ``get_person_by_nik`` -> ``get_households`` -> ``members_of_households`` ->
  ``enrolments_of_persons``, one composite call as a resolver would make it.
  Half the NIKs asked are outside the region, so the filter does real work.

Results are merged into ``bench/results/store.json`` by (store, records).
Neo4j is the server at ``NEO4J_URI`` (with NEO4J_USER / NEO4J_PASSWORD) or,
without it, the test harness of ``tests/neo4j`` started here with a 4 GB heap and a 2 GB
page cache (``NEO4J_TEST_HEAP`` / ``NEO4J_TEST_PAGECACHE_MB`` override them).

Example:
    $ .venv/bin/python -m bench.store_bench --sizes 100000 --stores embedded
    $ .venv/bin/python -m bench.store_bench --sizes 100000 1000000 --stores neo4j
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from graph import FieldGroup, GraphStore, Publication, Visibility, open_store
from tests.graph._synth import synthetic_publication

ROOT = Path(__file__).resolve().parents[1]
REGIONAL = Visibility(("32",), frozenset({FieldGroup.IDENTITY, FieldGroup.NIK, FieldGroup.CONTACT,
                                          FieldGroup.HOUSEHOLD, FieldGroup.WELFARE, FieldGroup.PROGRAM}))
TARGETS = {"neo4j_publish_elements_per_second": 50_000, "embedded_read_p99_ms": 5.0,
           "neo4j_read_p99_ms": 15.0}


def graph_size(pub: Publication) -> tuple[int, int]:
    """(nodes, relationships) the publication becomes in the graph model of the README."""
    regions = {c[:n] for x in (*pub.persons, *pub.households, *pub.records) if x.village_code
               for c in [x.village_code] for n in (2, 4, 6, 10)}
    programs = {d.program for d in pub.datasets if d.program} | {r.program for r in pub.records if r.program}
    nodes = (len(pub.records) + len(pub.persons) + len(pub.households) + len(pub.datasets) + len(programs)
             + len(regions) + len(pub.review_items) + 1)
    rels = (2 * len(pub.records)                                            # OF, FROM
            + sum(1 for p in pub.persons if p.household_id)                 # MEMBER_OF
            + sum(1 for r in pub.records if r.program)                      # ENROLLED_IN
            + sum(1 for h in pub.households if h.village_code)              # IN
            + sum(1 for c in regions if len(c) > 2)                         # PART_OF
            + len(pub.matches))                                             # MATCHES
    return nodes, rels


def person_read(store: GraphStore, nik: str) -> bool:
    person = store.get_person_by_nik(nik, REGIONAL)
    if person is None:
        return False
    ids = [person.person_id]
    if person.household_id:
        store.get_households([person.household_id], REGIONAL)
        members = store.members_of_households([person.household_id], REGIONAL)
        ids += [m.person.person_id for m in members.get(person.household_id, [])]
    store.enrolments_of_persons(ids, REGIONAL)
    return True


def measure_reads(store: GraphStore, pub: Publication, queries: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    niks = [p.nik for p in rng.sample(pub.persons, min(queries, len(pub.persons))) if p.nik]
    for nik in niks[:100]:                      # warm caches and query plans
        person_read(store, nik)
    times, found = [], 0
    for nik in niks:
        start = time.perf_counter()
        found += person_read(store, nik)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"queries": len(times), "found_in_region": found, "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 3),
            "mean_ms": round(statistics.fmean(times), 3)}


def _drain(stream: Any) -> None:
    """Keep reading the server's stdout so it never blocks on a full pipe."""
    for _ in stream:
        pass


@contextmanager
def neo4j_server(work: Path) -> Iterator[str]:
    """NEO4J_URI if set, else the tests' harness on a free loopback port (stopped afterwards)."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    subprocess.run([str(ROOT / "tests/neo4j/setup.sh")], check=True, capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A page cache that holds the store, as Neo4j's own memory recommendation sizes it for a
    # server: the tests' 128 MB default makes every read at 100k records go to disk.
    env = {**os.environ, "NEO4J_TEST_HEAP": os.environ.get("NEO4J_TEST_HEAP", "4g"),
           "NEO4J_TEST_PAGECACHE_MB": os.environ.get("NEO4J_TEST_PAGECACHE_MB", "2048")}
    proc = subprocess.Popen([str(ROOT / "tests/neo4j/run.sh"), str(port), str(work / "data"),
                             "--exit-on-stdin-eof"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=(work / "server.log").open("w"), text=True, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("READY "):
                break
        else:
            raise SystemExit(f"the Neo4j harness exited; see {work / 'server.log'}")
        threading.Thread(target=_drain, args=(proc.stdout,), daemon=True).start()
        yield line.split()[1]
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def open_fresh(kind: str, work: Path, uri: str | None) -> GraphStore:
    if kind == "embedded":
        shutil.rmtree(work, ignore_errors=True)
        return open_store(str(work / "graph.sqlite"))
    assert uri is not None
    from neo4j import GraphDatabase

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with GraphDatabase.driver(uri, auth=auth) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return open_store(uri, user=auth[0], password=auth[1])


def run_one(kind: str, records: int, queries: int, work: Path, uri: str | None) -> dict[str, Any]:
    pub = synthetic_publication(records, "B")
    nodes, rels = graph_size(pub)
    store = open_fresh(kind, work / kind, uri)
    load_before = os.getloadavg()[0]
    phases: dict[str, float] = {}
    try:
        start = last = time.perf_counter()

        def progress(phase: str, done: int, total: int) -> None:
            nonlocal last
            now = time.perf_counter()
            phases[phase] = round(phases.get(phase, 0.0) + now - last, 2)
            last = now

        store.publish(pub, progress=progress)
        seconds = time.perf_counter() - start
        phases["switch_and_cleanup"] = round(time.perf_counter() - last, 2)
        reads = measure_reads(store, pub, queries)
    finally:
        store.close()
    return {"store": kind, "records": len(pub.records), "persons": len(pub.persons), "nodes": nodes,
            "relationships": rels, "publish_seconds": round(seconds, 2), "publish_phase_seconds": phases,
            "elements_per_second": round((nodes + rels) / seconds), "person_read": reads,
            "load_average_1m": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--stores", nargs="+", default=["embedded", "neo4j"], choices=["embedded", "neo4j"])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "store.json")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    args = parser.parse_args()
    # Absent optional properties (no death dates in the synthetic data) make Neo4j send a
    # notification per query; the driver logs each one, which would drown the results.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    existing = json.loads(args.out.read_text()) if args.out.exists() else {}
    results = {(r["store"], r["records"]): r for r in existing.get("results", [])}
    for kind in args.stores:
        with ExitStack() as stack:
            uri = stack.enter_context(neo4j_server(args.work / "neo4j-server")) if kind == "neo4j" else None
            for size in args.sizes:
                row = run_one(kind, size, args.queries, args.work, uri)
                results[(kind, row["records"])] = row
                write(args.out, results)
                print(json.dumps(row), flush=True)


def write(out: Path, results: dict[tuple[str, int], dict[str, Any]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
                    "note": "shared 2-core machine; other engineers' tests may be running"},
        "targets": TARGETS,
        "results": sorted(results.values(), key=lambda r: (r["store"], r["records"]))}, indent=2) + "\n")


if __name__ == "__main__":
    main()
