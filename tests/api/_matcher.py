"""A real matcher for the API tests: a Splink model trained on the test publication's records,
and the linked-records snapshot, written where the server loads them (``DATA_DIR``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from graph import Publication
from linkage.canonical import RECORD_COLUMNS
from linkage.realtime import write_snapshot
from linkage.standardise import canonicalise
from linkage.training import model_dict, prepare_input, train

_TYPES = {"BOOLEAN": pa.bool_(), "DATE": pa.date32(), "BIGINT": pa.int64(),
          "VARCHAR[]": pa.list_(pa.string())}
_RAW = ("nik", "kk", "full_name", "birth_date", "birth_place", "sex", "mother_name", "relationship",
        "address", "village_code", "phone")


def write_matcher_files(pub: Publication, data_dir: Path) -> None:
    """``data_dir/model.json`` and ``data_dir/linked.parquet`` for ``pub``, as a linkage run leaves them."""
    import json

    persons = {p.person_id: p for p in pub.persons}
    rows = []
    for record in pub.records:
        person = persons[record.person_id]
        raw = {k: getattr(record, k) for k in _RAW}
        raw.update(mother_name=raw["mother_name"] or person.mother_name,
                   birth_date=raw["birth_date"] or person.birth_date, sex=raw["sex"] or person.sex)
        values, flags = canonicalise(raw)
        rows.append({**values, "record_key": record.record_key, "dataset": record.dataset,
                     "source_id": record.source_id, "program": record.program,
                     "reference": record.dataset == "dukcapil", "flags": [str(f) for f in flags]})
    schema = pa.schema([(c, _TYPES.get(t, pa.string())) for c, t in RECORD_COLUMNS.items()])
    con = duckdb.connect()
    con.register("_rows", pa.Table.from_pylist([{c: r.get(c) for c in RECORD_COLUMNS} for r in rows],
                                               schema=schema))
    con.execute("CREATE TABLE records AS SELECT * FROM _rows")
    prepare_input(con)
    model = model_dict(train(con, seed=7, max_pairs=1e5))
    con.register("_ids", pa.table({"record_key": [r.record_key for r in pub.records],
                                   "person_id": [r.person_id for r in pub.records],
                                   "household_id": [persons[r.person_id].household_id for r in pub.records]}))
    con.execute("CREATE TABLE record_ids AS SELECT * FROM _ids")
    (data_dir / "model.json").write_text(json.dumps(model))
    write_snapshot(con, data_dir / "linked.parquet")
    con.close()
