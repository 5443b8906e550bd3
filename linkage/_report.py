"""The intake report: per dataset, rows read, accepted, quarantined by reason, flags by kind."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DatasetReport", "IngestReport"]


@dataclass(slots=True)
class DatasetReport:
    """Counts for one dataset; ``rows == accepted + sum(quarantined)`` always."""

    file: str
    encoding: str
    rows: int = 0
    accepted: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "accepted": self.accepted,
                "quarantined": dict(sorted(self.quarantined.items())),
                "flags": dict(sorted(self.flags.items())),
                "file": self.file, "encoding": self.encoding, "notes": list(self.notes)}


@dataclass(slots=True)
class IngestReport:
    """What one intake did, in the JSON shape ``{"datasets": {name: {...}}}`` plus totals."""

    sources: Path
    workspace: Path
    datasets: dict[str, DatasetReport] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(d.rows for d in self.datasets.values())

    @property
    def accepted(self) -> int:
        return sum(d.accepted for d in self.datasets.values())

    @property
    def quarantined(self) -> int:
        return sum(sum(d.quarantined.values()) for d in self.datasets.values())

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: the datasets, and ``rows``/``accepted``/``quarantined`` totals."""
        return {"datasets": {name: d.to_dict() for name, d in self.datasets.items()},
                "rows": self.rows, "accepted": self.accepted, "quarantined": self.quarantined}

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
