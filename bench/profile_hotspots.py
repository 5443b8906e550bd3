"""Where the time goes: pyinstrument profiles of the pipeline and of the API's hot path.

* ``pipeline``: ``run_link`` on a synthetic population (``dtsen-hub synth``), whole run
  profiled; the slowest stage is read off the report.
* ``api``: the hub's GraphQL app (auth and audit on, as deployed) driven in process over
  ASGI by ``personByNik`` with household and enrolments, the most frequent call, on the
  embedded store; the profiler sees the resolvers, the store and the auth middleware.

Reports (HTML and text) go to ``bench/results/profiles/``.

Example:
    $ .venv/bin/python -m bench.profile_hotspots pipeline --people 8000
    $ .venv/bin/python -m bench.profile_hotspots api --records 20000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "profiles"


def _save(profiler: Profiler, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (OUT / f"{name}.txt").write_text(text, encoding="utf-8")
    return OUT / f"{name}.txt"


def profile_pipeline(people: int, work: Path) -> Path:
    from graph import open_store
    from hub.pipeline import run_link

    data = work / f"synth-{people}"
    if not (data / "sources.toml").exists():
        cli = str(Path(sys.executable).parent / "dtsen-hub")
        subprocess.run([cli, "synth", str(data), "--people", str(people), "--seed", "7"], check=True,
                       stdout=subprocess.DEVNULL)
    out = work / f"link-{people}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    store = open_store(str(out / "graph.sqlite"))
    profiler = Profiler(interval=0.005)
    try:
        profiler.start()
        result = run_link(data / "sources.toml", out, store, seed=7)
        profiler.stop()
    finally:
        store.close()
    path = _save(profiler, f"pipeline-{result.summary.get('records')}")
    note = f"{result.timings}\nload {os.getloadavg()}\n"
    path.with_suffix(".timings.txt").write_text(note, encoding="utf-8")
    return path


async def _drive(app: object, token: str, niks: list[str], requests: int) -> int:
    import httpx

    from bench.api_bench import QUERY

    errors = 0
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "health_insurance"}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as http:
        for i in range(requests):
            body = {"query": QUERY, "variables": {"nik": niks[i % len(niks)]}}
            resp = await http.post("/graphql", json=body)
            errors += resp.status_code != 200 or bool(resp.json().get("errors"))
    return errors


def profile_api(records: int, requests: int, work: Path) -> Path:
    from authlib.integrations.httpx_client import OAuth2Client

    from auth import close_auth, open_auth
    from bench.api_bench import prepare, server

    data, store, niks = prepare("embedded", records, work, None)
    parts = open_auth(data, issuer="http://127.0.0.1", audience="dtsen-hub")
    client, secret = parts.clients.add(f"profile-{int(time.time())}", "health_ministry")
    close_auth(parts)
    # A token from a real server on loopback (same data dir, so the same signing keys).
    with server("graphql_app", data, store, 1) as base, OAuth2Client(client.client_id, str(secret)) as oauth:
        token = oauth.fetch_token(f"{base}/oauth/token", grant_type="client_credentials")["access_token"]
        issuer = base
    os.environ.update({"DTSEN_DATA_DIR": str(data), "DTSEN_STORE": store, "DTSEN_GRAPHQL_RATE": "0",
                       "DTSEN_ISSUER": issuer, "DTSEN_REQUIRE_PURPOSE": "false"})
    from bench._api_apps import graphql_app

    app = graphql_app()
    random.Random(3).shuffle(niks)
    asyncio.run(_drive(app, token, niks, 50))                   # warm caches, connections, the schema
    profiler = Profiler(interval=0.0005, async_mode="enabled")
    profiler.start()
    started = time.perf_counter()
    errors = asyncio.run(_drive(app, token, niks, requests))
    seconds = time.perf_counter() - started
    profiler.stop()
    if errors:
        raise SystemExit(f"{errors} of {requests} requests failed")
    path = _save(profiler, f"api-personByNik-{records}")
    path.with_suffix(".timings.txt").write_text(
        f"{requests} requests in {seconds:.2f}s = {1000 * seconds / requests:.2f} ms each (profiled, one "
        f"in-process client)\nload {os.getloadavg()}\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("pipeline")
    p.add_argument("--people", type=int, default=8000)
    a = sub.add_parser("api")
    a.add_argument("--records", type=int, default=20_000)
    a.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "profile")
    args = parser.parse_args()
    path = (profile_pipeline(args.people, args.work) if args.what == "pipeline"
            else profile_api(args.records, args.requests, args.work))
    print(f"wrote {path}")  # a script's output


if __name__ == "__main__":
    main()
