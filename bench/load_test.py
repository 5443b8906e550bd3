"""API load test: a realistic mix of GraphQL calls from 50 and 200 concurrent clients, both stores.

A regional government (Pemkot Bandung, region ``3273``, the hub's full auth and audit on)
asks, in proportion: ``personByNik`` with household and enrolments (40%), ``household``
(20%), ``findPersons`` through the real-time matcher (15%), ``regionStats`` (15%) and
``submitProposal`` for a new family (10%). The generator is bounded: each phase stops at
``--requests`` requests or ``--seconds`` seconds, whichever comes first; everything is on
loopback. An answer counts as an error unless it is HTTP 200 with no GraphQL errors and
the data present. After each phase every accepted proposal id is read back from the
store: none may be missing.

Data: ``tests/graph/_synth.py``'s publication (``--records``), with the matcher files
(a model trained on those records and the linked snapshot) written as a linkage run
leaves them. Results go to ``bench/results/load_test.json``.

Example:
    $ .venv/bin/python -m bench.load_test --records 20000 --seconds 30 --requests 6000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from authlib.integrations.httpx_client import OAuth2Client

from auth import close_auth, open_auth
from bench._load import connect, exchange, json_post
from bench.api_bench import server
from bench.store_bench import neo4j_server, open_fresh
from graph import Visibility, open_store
from tests.api._matcher import write_matcher_files
from tests.graph._synth import synthetic_publication

ROOT = Path(__file__).resolve().parents[1]
REGION = "3273"
PERSON = ("query($nik: String!) { personByNik(nik: $nik) { id fullName nik "
          "household { id kk members { role person { id fullName } } } "
          "enrolments { program { name } dataset { name agency } } } }")
HOUSEHOLD = "query($id: ID!) { household(id: $id) { id kk members { role person { id fullName } } } }"
FIND = ("query($identity: IdentityInput!) { findPersons(identity: $identity, first: 5) { probability "
        "person { id fullName } } }")
STATS = ("query($code: String!) { regionStats(code: $code) { code level persons { count suppressed } "
         "households { count suppressed } programs { program persons { count suppressed } } } }")
SUBMIT = ("mutation($input: ProposalInput!) { submitProposal(input: $input) { proposalId status "
          "members { outcome personId } } }")
#: (name, share of requests, GraphQL field that must be present in the answer)
MIX = (("personByNik", 40, "personByNik"), ("household", 20, "household"), ("findPersons", 15, "findPersons"),
       ("regionStats", 15, "regionStats"), ("submitProposal", 10, "submitProposal"))


def prepare(kind: str, records: int, work: Path, uri: str | None) -> tuple[Path, str, dict[str, list[Any]]]:
    """Publish the data and write the matcher files; returns data dir, store location and samples."""
    data = work / kind
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    pub = synthetic_publication(records, "L")
    store = open_fresh(kind, data / "store", uri)
    try:
        store.publish(pub)
    finally:
        store.close()
    write_matcher_files(pub, data)
    rnd = random.Random(7)
    mine = [p for p in pub.persons if (p.village_code or "").startswith(REGION) and p.nik]
    homes = [h.household_id for h in pub.households if (h.village_code or "").startswith(REGION)]
    districts = sorted({p.village_code[:6] for p in mine if p.village_code})
    samples = {"persons": rnd.sample(mine, min(1000, len(mine))),
               "households": rnd.sample(homes, min(1000, len(homes))), "regions": [REGION, *districts[:20]]}
    location = uri if kind == "neo4j" else str(data / "store" / "graph.sqlite")
    return data, location, samples  # type: ignore[return-value]


def _bodies(samples: dict[str, list[Any]]) -> dict[str, itertools.cycle[dict[str, Any]]]:
    persons, serial = samples["persons"], itertools.count()
    return {
        "personByNik": itertools.cycle([{"query": PERSON, "variables": {"nik": p.nik}} for p in persons]),
        "household": itertools.cycle([{"query": HOUSEHOLD, "variables": {"id": h}}
                                      for h in samples["households"]]),
        "findPersons": itertools.cycle([{"query": FIND, "variables": {"identity": {
            "fullName": p.full_name, "birthDate": p.birth_date.isoformat() if p.birth_date else None}}}
            for p in persons]),
        "regionStats": itertools.cycle([{"query": STATS, "variables": {"code": c}}
                                        for c in samples["regions"]]),
        "submitProposal": (  # a new family each time, so every proposal is a distinct row
            {"query": SUBMIT, "variables": {"input": {"villageCode": f"{REGION}010001", "members": [
                {"fullName": f"WARGA BEBAN {n}", "relationship": "head", "sex": "L",
                 "birthDate": f"19{60 + n % 40}-0{1 + n % 9}-1{n % 10}"}]}}} for n in serial),
    }


async def _phase(base: str, token: str, samples: dict[str, list[Any]], clients: int, seconds: float,
                 budget: int) -> dict[str, Any]:
    """``clients`` keep-alive connections sending the mix back to back until the deadline or budget.

    The client is raw HTTP/1.1 on asyncio streams (``bench._load``), so on 2 shared cores the
    generator takes as little CPU from the servers as it can; answers are parsed and checked."""
    bodies = _bodies(samples)
    plan = [name for name, share, _ in MIX for _ in range(share)]
    random.Random(clients).shuffle(plan)
    order = itertools.cycle(plan)
    field = {name: f for name, _, f in MIX}
    lat: dict[str, list[float]] = {name: [] for name, _, _ in MIX}
    errors: dict[str, int] = {name: 0 for name, _, _ in MIX}
    proposals: list[str] = []
    first_error: dict[str, str] = {}
    issued = itertools.count()
    deadline = time.perf_counter() + seconds
    url = f"{base}/graphql"
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "regional_planning"}

    async def client() -> None:
        reader, writer = await connect(url)
        try:
            while time.perf_counter() < deadline and next(issued) < budget:
                name = next(order)
                request = json_post(url, headers, next(bodies[name]))
                start = time.perf_counter()
                try:
                    status_ok, raw = await exchange(reader, writer, request)
                    answer = json.loads(raw)
                    ok = status_ok and not answer.get("errors") and answer["data"][field[name]] is not None
                except (OSError, asyncio.IncompleteReadError, ValueError, KeyError, TypeError) as exc:
                    ok, answer = False, {"errors": [repr(exc)]}
                    writer.close()
                    reader, writer = await connect(url)
                lat[name].append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors[name] += 1
                    first_error.setdefault(name, str(answer.get("errors") or answer)[:300])
                elif name == "submitProposal":
                    proposals.append(answer["data"]["submitProposal"]["proposalId"])
        finally:
            writer.close()

    started = time.perf_counter()
    cpu = time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    every = [x for xs in lat.values() for x in xs]
    per_query = {n: {"requests": len(xs), "errors": errors[n], **_percentiles(xs)} for n, xs in lat.items()}
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(every),
            "errors": sum(errors.values()), "req_per_s": round(len(every) / elapsed, 1),
            **_percentiles(every), "generator_cpu_share": round((time.process_time() - cpu) / elapsed, 3),
            "per_query": per_query, "first_error": first_error, "proposal_ids": proposals}


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [0.0]
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


def _lost(store_location: str, ids: list[str]) -> int:
    store = open_store(store_location)
    try:
        everything = Visibility.everything()
        return sum(1 for pid in ids if store.get_proposal(pid, everything) is None)
    finally:
        store.close()


def run_store(kind: str, uri: str | None, args: argparse.Namespace) -> dict[str, Any]:
    data, location, samples = prepare(kind, args.records, args.work, uri)
    parts = open_auth(data, issuer="http://127.0.0.1", audience="dtsen-hub")
    client, secret = parts.clients.add(f"pemkot-load-{int(time.time())}", "regional_government",
                                       regions=[REGION])
    close_auth(parts)
    phases = []
    with server("graphql_app", data, location, args.workers) as base:
        with OAuth2Client(client.client_id, str(secret)) as oauth:
            token = oauth.fetch_token(f"{base}/oauth/token", grant_type="client_credentials")["access_token"]
        asyncio.run(_phase(base, token, samples, 10, 3.0, 300))                           # warm up
        for clients in args.clients:
            phase = asyncio.run(_phase(base, token, samples, clients, args.seconds, args.requests))
            ids = phase.pop("proposal_ids")
            phase["proposals_accepted"] = len(ids)
            phase["proposals_missing_from_store"] = _lost(location, ids)
            phase["load_average_1m"] = round(os.getloadavg()[0], 2)
            print(kind, json.dumps({k: v for k, v in phase.items() if k != "per_query"}), flush=True)
            phases.append(phase)
    return {"store": kind, "records": args.records, "workers": args.workers, "phases": phases,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--stores", nargs="+", default=["embedded", "neo4j"], choices=["embedded", "neo4j"])
    parser.add_argument("--clients", nargs="+", type=int, default=[50, 200])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=6000, help="request budget per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load_test.json")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "load")
    args = parser.parse_args()
    results = []
    for kind in args.stores:
        with ExitStack() as stack:
            uri = stack.enter_context(neo4j_server(args.work / "neo4j-server")) if kind == "neo4j" else None
            results.append(run_store(kind, uri, args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "load_test", "mix_percent": {n: s for n, s, _ in MIX}, "client": "regional_government "
        "(region 3273), bearer token, audit on", "machine": {"cpus": len(os.sched_getaffinity(0)),
        "note": "shared 2-core machine; generator, server workers and Neo4j share the cores"},
        "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
