"""The embedded store's schema, its migrations and its connection settings.

Run-scoped tables carry a ``gen`` column: each publish writes a new generation
and one row in ``current`` says which generation readers see. Tables that
outlive runs (runs, lineage, decisions, constraints, proposals) have no ``gen``.
Migrations are a list of DDL steps applied in order at open; ``schema_version``
records how far a file has come, so opening is idempotent and an old file is
upgraded in place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["RUN_TABLES", "connect", "migrate"]

#: Tables holding one generation each (cleaned when a generation is retired).
RUN_TABLES = ("datasets", "programs", "regions", "persons", "households", "records", "matches",
              "review_items")

_V1 = """
CREATE TABLE IF NOT EXISTS current (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL,
    run_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS generations (gen INTEGER PRIMARY KEY, run_id TEXT NOT NULL,
    state TEXT NOT NULL, started_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (gen INTEGER NOT NULL, name TEXT NOT NULL, agency TEXT,
    program TEXT, reference INTEGER NOT NULL, records INTEGER NOT NULL, PRIMARY KEY (gen, name));
CREATE TABLE IF NOT EXISTS programs (gen INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (gen, name));
CREATE TABLE IF NOT EXISTS regions (gen INTEGER NOT NULL, code TEXT NOT NULL, level TEXT NOT NULL,
    parent TEXT, PRIMARY KEY (gen, code));
CREATE TABLE IF NOT EXISTS persons (gen INTEGER NOT NULL, person_id TEXT NOT NULL, household_id TEXT,
    role TEXT, role_rank INTEGER NOT NULL, nik TEXT, nik_masked TEXT, full_name TEXT, birth_date TEXT,
    sex TEXT, birth_place TEXT, mother_name TEXT, address TEXT, phone TEXT, village_code TEXT,
    verification TEXT NOT NULL, death_date TEXT, deceased INTEGER NOT NULL, health TEXT NOT NULL,
    education TEXT NOT NULL, PRIMARY KEY (gen, person_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS persons_nik ON persons (gen, nik);
CREATE INDEX IF NOT EXISTS persons_village ON persons (gen, village_code);
CREATE INDEX IF NOT EXISTS persons_household ON persons (gen, household_id, role_rank, person_id);
CREATE TABLE IF NOT EXISTS households (gen INTEGER NOT NULL, household_id TEXT NOT NULL, kk TEXT,
    kk_masked TEXT, village_code TEXT, address TEXT, welfare_decile INTEGER, welfare TEXT NOT NULL,
    PRIMARY KEY (gen, household_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS households_kk ON households (gen, kk);
CREATE INDEX IF NOT EXISTS households_village ON households (gen, village_code);
CREATE TABLE IF NOT EXISTS records (gen INTEGER NOT NULL, record_key TEXT NOT NULL, dataset TEXT NOT NULL,
    source_id TEXT NOT NULL, person_id TEXT NOT NULL, agency TEXT, program TEXT, nik TEXT, nik_masked TEXT,
    kk TEXT, kk_masked TEXT, full_name TEXT, birth_date TEXT, birth_place TEXT, sex TEXT,
    mother_name TEXT, relationship TEXT, village_code TEXT, death_date TEXT, address TEXT, phone TEXT,
    flags TEXT NOT NULL, attr_welfare TEXT NOT NULL, attr_health TEXT NOT NULL,
    attr_education TEXT NOT NULL, attr_linkage TEXT NOT NULL, orig_identity TEXT NOT NULL,
    orig_nik TEXT NOT NULL, orig_contact TEXT NOT NULL, PRIMARY KEY (gen, record_key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_person ON records (gen, person_id);
CREATE INDEX IF NOT EXISTS records_program ON records (gen, program, person_id) WHERE program IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_source ON records (gen, dataset, source_id);
CREATE TABLE IF NOT EXISTS matches (gen INTEGER NOT NULL, left_key TEXT NOT NULL, right_key TEXT NOT NULL,
    probability REAL NOT NULL, match_weight REAL NOT NULL, weights TEXT NOT NULL, levels TEXT NOT NULL,
    run_id TEXT NOT NULL, PRIMARY KEY (gen, left_key, right_key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS matches_right ON matches (gen, right_key);
CREATE TABLE IF NOT EXISTS review_items (gen INTEGER NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL,
    run_id TEXT NOT NULL, left_key TEXT, right_key TEXT, left_dataset TEXT, right_dataset TEXT,
    person_id TEXT, village_code TEXT, probability REAL, priority REAL NOT NULL, explanation TEXT NOT NULL,
    programs TEXT NOT NULL, PRIMARY KEY (gen, item_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS review_priority ON review_items (gen, priority DESC, item_id);
CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL, threshold REAL NOT NULL, model_json TEXT NOT NULL, summary TEXT NOT NULL,
    published_at TEXT);
CREATE TABLE IF NOT EXISTS lineage (run_id TEXT NOT NULL, kind TEXT NOT NULL, old_id TEXT NOT NULL,
    new_ids TEXT NOT NULL, PRIMARY KEY (run_id, kind, old_id));
CREATE INDEX IF NOT EXISTS lineage_old ON lineage (old_id);
CREATE TABLE IF NOT EXISTS review_decisions (item_id TEXT PRIMARY KEY, decision TEXT NOT NULL,
    note TEXT, steward TEXT NOT NULL, decided_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS constraints (left_key TEXT NOT NULL, right_key TEXT NOT NULL,
    kind TEXT NOT NULL, steward TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL, item_id TEXT,
    PRIMARY KEY (left_key, right_key));
CREATE TABLE IF NOT EXISTS proposals (proposal_id TEXT PRIMARY KEY, client_id TEXT NOT NULL,
    village_code TEXT, submitted_at TEXT NOT NULL, status TEXT NOT NULL, payload TEXT NOT NULL,
    result TEXT NOT NULL);
"""

#: Each entry upgrades a file from version i to i + 1. Append, never edit.
_MIGRATIONS: tuple[str, ...] = (_V1,)


def connect(path: Path) -> sqlite3.Connection:
    """A connection tuned for one writer and many readers.

    WAL lets readers keep reading a consistent snapshot while a publish
    writes; ``synchronous=NORMAL`` is durable against a killed process (the WAL
    is replayed), only the last commits may be lost on power failure, which a
    re-run publish repairs. ``isolation_level=None`` so we issue BEGIN ourselves.
    """
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=60000")
    conn.execute("PRAGMA cache_size=-65536")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to the latest schema; returns the version it is at."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in _MIGRATIONS[version:]:
            for statement in step.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version={len(_MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(_MIGRATIONS)
