"""One raw source row to a canonical record or a quarantine row; the per-dataset state it needs."""

from __future__ import annotations

import json
from typing import Any

from linkage._readers import RawRow
from linkage.canonical import QuarantineReason, record_key
from linkage.sources import Dataset
from linkage.standardise import canonicalise

__all__ = ["MAX_CELL", "RowBuilder"]

#: A mapped cell longer than this is not a value but a broken export (a whole file in one cell...).
MAX_CELL = 1000

#: ``json.dumps(obj, ensure_ascii=False)``, with the encoder built once: ``dumps`` builds a new
#: one on every call that passes an option, twice per record (1.5 s of 8 s of intake at 100k).
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class RowBuilder:
    """Turns a dataset's raw rows into records, remembering source ids to catch duplicates."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._seen: dict[str, int] = {}
        self._single = {f: cs[0] for f, cs in dataset.fields.items() if len(cs) == 1}
        self._joined = {f: cs for f, cs in dataset.fields.items() if len(cs) > 1}
        self._mapped = dataset.columns

    def _quarantine(self, raw: RawRow, reason: QuarantineReason, detail: str,
                    source_id: str | None) -> tuple[bool, tuple[Any, ...]]:
        where = f"{self.dataset.path.name} row {raw.number}"
        return False, (self.dataset.name, raw.number, source_id, reason.value, f"{where}: {detail}",
                       json.dumps(raw.values, default=_text, ensure_ascii=False))

    def build(self, raw: RawRow) -> tuple[bool, tuple[Any, ...]]:
        """(True, record row) or (False, quarantine row), values in the tables' column order."""
        ds = self.dataset
        values = raw.values
        sid = _text(values.get(ds.id)).strip() if raw.problem is None else None
        if raw.problem is not None:
            return self._quarantine(raw, QuarantineReason.UNPARSEABLE_ROW, raw.problem, sid)
        if not sid:
            return self._quarantine(raw, QuarantineReason.MISSING_SOURCE_ID,
                                    f"no value in id column {ds.id!r}", None)
        for column in self._mapped:
            cell = values.get(column)
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                detail = f"column {column!r} holds {len(cell)} characters (limit {MAX_CELL})"
                return self._quarantine(raw, QuarantineReason.CELL_TOO_LONG, detail, sid)
        first = self._seen.setdefault(sid, raw.number)
        if first != raw.number:
            return self._quarantine(raw, QuarantineReason.DUPLICATE_SOURCE_ID,
                                    f"source id {sid!r} already on row {first}", sid)
        fields: dict[str, object] = {f: values.get(c) for f, c in self._single.items()}
        for f, cols in self._joined.items():
            fields[f] = " ".join(t for c in cols if (t := _text(values.get(c)).strip()))
        std, flags = canonicalise(fields, date_format=ds.date_format)
        if std["nik"] is None and std["full_name"] is None:
            return self._quarantine(raw, QuarantineReason.NO_NAME_NO_NIK,
                                    "neither a 16-digit NIK nor a name", sid)
        attributes = _to_json({a: (_text(values.get(c)).strip() or None) for a, c in ds.attributes.items()})
        original = _to_json({f: _text(v) for f, v in fields.items()})
        return True, (record_key(ds.name, sid), ds.name, sid, raw.number, ds.agency, ds.program, ds.reference,
                      *std.values(), attributes, original, [f.value for f in flags])
