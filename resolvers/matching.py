"""The real-time matcher and intake's standardisation, as resolvers reach them.

The matcher (``linkage.realtime.Matcher``) is loaded on first use from the last linkage
run's files in the data directory (``model.json`` and the ``linked.parquet`` snapshot), in a
worker thread, once per process. Values a caller types are standardised exactly as intake
standardises a source row (``linkage.standardise.canonicalise``), so they score as a batch
run would score them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio.to_thread

from core.errors import ConfigError

__all__ = ["MatcherHolder", "standardise"]


class MatcherHolder:
    """Loads the matcher once, on first use; safe under concurrent first requests."""

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._matcher: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._matcher is None:
                if self.data_dir is None:
                    raise ConfigError("no data directory, so no linkage model to match against",
                                      where="real-time matcher", hint="serve with --data-dir")
                from linkage.realtime import Matcher

                self._matcher = Matcher.open(self.data_dir / "model.json", self.data_dir / "linked.parquet")
            return self._matcher

    async def get(self) -> Any:
        if self._matcher is not None:
            return self._matcher
        return await anyio.to_thread.run_sync(self._load)


def standardise(raw: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    """Canonical values of one typed-in record and intake's flags for it (invalid NIK, ...)."""
    from linkage.standardise import canonicalise

    values, flags = canonicalise(dict(raw))
    return dict(values), [str(f) for f in flags]
