"""The intake report: per dataset, rows read, accepted, quarantined by reason, flags by kind.

``rows`` is never counted on its own: it is ``accepted`` plus the quarantine
counts, so the report cannot claim a row that went nowhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkage.canonical import Flag, QuarantineReason

__all__ = ["DatasetReport", "IngestReport"]


@dataclass(slots=True)
class DatasetReport:
    """What happened to one dataset's rows."""

    path: str
    encoding: str
    accepted: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.accepted + sum(self.quarantined.values())

    def accept(self, flags: Iterable[Flag]) -> None:
        self.accepted += 1
        self.flags.update(f.value for f in flags)

    def quarantine(self, reason: QuarantineReason) -> None:
        self.quarantined[reason.value] += 1

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "accepted": self.accepted,
                "quarantined": dict(sorted(self.quarantined.items())),
                "flags": dict(sorted(self.flags.items())),
                "path": self.path, "encoding": self.encoding, "warnings": list(self.warnings)}


@dataclass(slots=True)
class IngestReport:
    """The whole ingest; ``to_json()`` is the report file's content."""

    workspace: Path
    datasets: dict[str, DatasetReport] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(d.rows for d in self.datasets.values())

    @property
    def accepted(self) -> int:
        return sum(d.accepted for d in self.datasets.values())

    @property
    def quarantined(self) -> int:
        return self.rows - self.accepted

    def to_json(self) -> dict[str, Any]:
        """``{"datasets": {name: {"rows", "accepted", "quarantined", "flags", ...}}, "rows", ...}``."""
        return {"datasets": {name: d.to_json() for name, d in self.datasets.items()},
                "rows": self.rows, "accepted": self.accepted, "quarantined": self.quarantined,
                "workspace": str(self.workspace)}
