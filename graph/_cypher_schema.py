"""The Neo4j store's schema: uniqueness constraints and indexes, created idempotently at open.

Run-scoped nodes (one generation each) are unique on ``(gen, key)``: a publish
MERGEs on that pair, so writing a batch twice changes nothing, and the
constraint's index is what every lookup by id uses. Nodes that outlive runs
(runs, lineage, decisions, constraints, proposals, the ``Current`` pointer) are
unique on their own key. Neo4j 5 Community syntax only (no node keys, no APOC).
"""

from __future__ import annotations

from neo4j import Driver
from neo4j.exceptions import ClientError

__all__ = ["RUN_LABELS", "ensure_schema"]

#: Run-scoped label -> its key property. Order matters for deletion: leaves first is not
#: needed (DETACH DELETE), but records go before persons so big deletes stay even.
RUN_LABELS: dict[str, str] = {
    "Record": "record_key", "Person": "person_id", "Household": "household_id", "ReviewItem": "item_id",
    "Region": "code", "Program": "name", "Dataset": "name",
}

_GLOBAL_KEYS: dict[str, tuple[str, ...]] = {
    "Current": ("id",), "PublishLock": ("id",), "Generation": ("gen",), "LinkageRun": ("run_id",),
    "Lineage": ("run_id", "kind", "old_id"), "Decision": ("item_id",), "ReviewLock": ("item_id",),
    "LinkConstraint": ("left_key", "right_key"), "Proposal": ("proposal_id",),
}

_INDEXES: dict[str, tuple[str, ...]] = {
    "person_nik": ("Person", "gen", "nik"),
    "person_village": ("Person", "gen", "village_code"),
    "household_kk": ("Household", "gen", "kk"),
    "household_village": ("Household", "gen", "village_code"),
    "record_source": ("Record", "gen", "dataset", "source_id"),
    "review_priority": ("ReviewItem", "gen", "priority"),
    "lineage_old": ("Lineage", "old_id"),
}


def _statements() -> list[str]:
    out: list[str] = []
    for label, key in RUN_LABELS.items():
        out.append(f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) "
                   f"REQUIRE (n.gen, n.{key}) IS UNIQUE")
        out.append(f"CREATE INDEX {label.lower()}_gen IF NOT EXISTS FOR (n:{label}) ON (n.gen)")
    for label, keys in _GLOBAL_KEYS.items():
        props = ", ".join(f"n.{k}" for k in keys)
        out.append(f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) "
                   f"REQUIRE ({props}) IS UNIQUE")
    for name, (label, *props) in _INDEXES.items():
        on = ", ".join(f"n.{p}" for p in props)
        out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON ({on})")
    return out


def ensure_schema(driver: Driver, database: str) -> None:
    """Create every constraint and index that is missing, then wait until they are online.

    Two processes opening the store at once may race on the same rule; the loser's
    "equivalent rule already exists" error is the outcome we wanted anyway.
    """
    for statement in _statements():
        try:
            driver.execute_query(statement, database_=database)
        except ClientError as exc:
            if "EquivalentSchemaRuleAlreadyExists" not in (exc.code or ""):
                raise
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
