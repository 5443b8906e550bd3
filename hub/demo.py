"""The demo: everything from a fresh clone, in one call.

Synthesise a population into the data directory, ingest it into the workspace,
and (given a store) link and publish it. Later steps (serve) add themselves to
``run_demo``; each step reports its stage through ``progress`` so the CLI can
show where it is.

Example:
    >>> result = run_demo(Path("dtsen-data"), people=3000, seed=7)     # doctest: +SKIP
    >>> result.report.rows == result.synth.records                      # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from graph import GraphStore
from linkage.intake import IngestReport, Progress, ingest
from linkage.synth import SynthResult, generate

__all__ = ["DEMO_PEOPLE", "DEMO_SEED", "DemoResult", "run_demo"]

DEMO_PEOPLE = 3000
DEMO_SEED = 7


@dataclass(slots=True)
class DemoResult:
    """What the demo produced; ``extra`` holds the results of steps added after ingest."""

    data_dir: Path
    synth: SynthResult
    report: IngestReport
    extra: dict[str, Any] = field(default_factory=dict)


def run_demo(data_dir: Path, *, people: int = DEMO_PEOPLE, seed: int = DEMO_SEED,
             stage: Callable[[str], None] | None = None,
             ingest_progress: Progress | None = None, store: GraphStore | None = None) -> DemoResult:
    """Synthesise ``people`` into ``data_dir/synth`` and ingest them into ``data_dir/workspace.duckdb``.

    With a ``store``, the workspace is then linked and published into it
    (``extra["link"]`` holds the :class:`hub.pipeline.LinkResult`).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    if stage:
        stage("synth")
    synth = generate(data_dir / "synth", people=people, seed=seed)
    if stage:
        stage("ingest")
    report = ingest(synth.sources, data_dir / "workspace.duckdb", progress=ingest_progress)
    result = DemoResult(data_dir, synth, report)
    if store is not None:
        from hub.pipeline import run_link_workspace

        con = duckdb.connect(str(data_dir / "workspace.duckdb"))
        try:
            result.extra["link"] = run_link_workspace(con, data_dir, store, seed=seed, progress=stage)
        finally:
            con.close()
    return result
