"""The Cypher that writes run-scoped nodes and relationships, one batch of rows at a time.

Two forms of the same writes. :data:`CYPHER` fills a fresh generation during a
publish and only CREATEs; :data:`MERGE_CYPHER` writes into a generation that
already holds nodes (one attached record) and MERGEs. Every relationship write
finds its two ends through the ``(gen, key)`` uniqueness index, named by a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["CONTROL", "CYPHER", "MERGE_CYPHER", "PROPS", "node_properties"]


def _link(a: tuple[str, str, str, str], b: tuple[str, str, str, str], tail: str,
          where: str | None = None) -> str:
    """An UNWIND that finds both ends of a relationship by ``(gen, key)``, index hinted, then ``tail``.

    ``a`` and ``b`` are ``(variable, label, key property, row field)``. The hints pin the
    composite uniqueness index: left to itself the planner picked the ``gen`` index, whose
    one value covers the whole generation, and each lookup became a scan.
    """
    parts = ["UNWIND $rows AS row"]
    if where is not None:
        parts.append(f"WITH row WHERE {where}")
    for var, label, key, field in (a, b):
        parts.append(f"MATCH ({var}:{label} {{gen: $gen, {key}: row.{field}}}) "
                     f"USING INDEX {var}:{label}(gen, {key})")
    parts.append(tail)
    return " ".join(parts)


_REC = ("r", "Record", "record_key", "record_key")
_PER = ("p", "Person", "person_id", "person_id")

def _seek(var: str, label: str, key: str, field: str, *, optional: bool = False) -> str:
    """A ``(gen, key)`` lookup of ``row.field``, pinned to the uniqueness index (see :func:`_link`)."""
    return (f"{'OPTIONAL ' if optional else ''}MATCH ({var}:{label} {{gen: $gen, {key}: row.{field}}}) "
            f"USING INDEX {var}:{label}(gen, {key}) ")


#: Where a fresh-generation statement lists the new node's properties; :func:`node_properties`
#: fills it in per batch. Explicit properties, unlike ``SET n += row``, tell the planner which
#: properties the statement writes, so a CREATE next to index lookups needs no Eager pass
#: (which would hold the whole batch in memory between the two).
PROPS = "/*props*/"
#: Row fields that steer a statement and are not properties.
CONTROL = frozenset({"enrol"})
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def node_properties(rows: Iterable[dict[str, Any]]) -> str:
    """``, k: row.k`` for every property key the rows carry (rows leave out their nulls)."""
    keys = sorted({k for row in rows for k in row} - CONTROL)
    for key in keys:
        if not _KEY.fullmatch(key):
            raise ValueError(f"property name {key!r} cannot be written into Cypher text (publish rows)")
    return "".join(f", {k}: row.{k}" for k in keys)


#: The UNWIND statements that write one batch of each kind into a fresh generation, in
#: order, in one transaction. Nodes are CREATEd, not MERGEd: every publish writes a
#: generation nobody else writes to (the publish lock serialises publishers, and a
#: half-written generation a crash left is deleted before the next one starts), a managed
#: transaction retried after a transient error starts from a rolled-back state, and keys are
#: unique within a publication (``check_publication``), so MERGE's lookup found nothing and
#: only cost time; the ``(gen, key)`` constraint still refuses a duplicate.
#:
#: A node and the relationships that hang off it one per row are written by one statement:
#: the new node is already bound, so only the other end is looked up (one index seek per
#: relationship instead of two, and one pass over the batch instead of up to four). The
#: other ends carry labels the statement does not create. Relationships whose rows may
#: repeat are de-duplicated before they get here (``graph._cypher_publish``): a record row's
#: ``enrol`` is true on the first record of each (person, program, dataset) only, and
#: ``matches`` holds one row per (left, right) pair.
CYPHER: dict[str, tuple[str, ...]] = {
    "datasets": (f"UNWIND $rows AS row CREATE (n:Dataset {{gen: $gen{PROPS}}})",),
    "programs": (f"UNWIND $rows AS row CREATE (n:Program {{gen: $gen{PROPS}}})",),
    "regions": (   # parents are earlier rows of the same batch: a second statement links them
        f"UNWIND $rows AS row CREATE (n:Region {{gen: $gen{PROPS}}})",
        _link(("n", "Region", "code", "code"), ("up", "Region", "code", "parent"),
              "CREATE (n)-[:PART_OF]->(up)", where="row.parent IS NOT NULL")),
    "households": (
        "UNWIND $rows AS row " + _seek("v", "Region", "code", "village_code", optional=True)
        + f"CREATE (h:Household {{gen: $gen{PROPS}}}) "
        "WITH h, v WHERE v IS NOT NULL CREATE (h)-[:IN]->(v)",),
    "persons": (
        "UNWIND $rows AS row " + _seek("h", "Household", "household_id", "household_id", optional=True)
        + f"CREATE (p:Person {{gen: $gen{PROPS}}}) "
        "WITH p, h, row WHERE h IS NOT NULL CREATE (p)-[:MEMBER_OF {role: row.role}]->(h)",),
    "records": (
        "UNWIND $rows AS row " + _seek("p", "Person", "person_id", "person_id")
        + _seek("d", "Dataset", "name", "dataset")
        + f"CREATE (r:Record {{gen: $gen{PROPS}}}) CREATE (r)-[:OF]->(p), (r)-[:FROM]->(d) "
        "WITH p, row WHERE row.enrol " + _seek("g", "Program", "name", "program")
        + "CREATE (p)-[:ENROLLED_IN {dataset: row.dataset}]->(g)",),
    "matches": (
        _link(("a", "Record", "record_key", "left_key"), ("b", "Record", "record_key", "right_key"),
              "CREATE (a)-[:MATCHES {probability: row.probability, match_weight: row.match_weight, "
              "weights: row.weights, levels: row.levels, run_id: row.run_id}]->(b)"),),
    "review_items": (f"UNWIND $rows AS row CREATE (n:ReviewItem {{gen: $gen{PROPS}}})",),
}


#: The MERGE form of :data:`CYPHER`, for writes into a generation that already holds
#: nodes (attaching one record to the current run): a row whose node exists updates it.
#: Every lookup names the ``(gen, key)`` index (see :func:`_link`).
MERGE_CYPHER: dict[str, tuple[str, ...]] = {
    "datasets": ("UNWIND $rows AS row MERGE (n:Dataset {gen: $gen, name: row.name}) SET n += row",),
    "programs": ("UNWIND $rows AS row MERGE (n:Program {gen: $gen, name: row.name})",),
    "regions": (
        "UNWIND $rows AS row MERGE (n:Region {gen: $gen, code: row.code}) SET n.level = row.level",
        "UNWIND $rows AS row WITH row WHERE row.parent IS NOT NULL "
        "MATCH (n:Region {gen: $gen, code: row.code}) USING INDEX n:Region(gen, code) "
        "MATCH (up:Region {gen: $gen, code: row.parent}) USING INDEX up:Region(gen, code) "
        "MERGE (n)-[:PART_OF]->(up)"),
    "households": (
        "UNWIND $rows AS row MERGE (h:Household {gen: $gen, household_id: row.household_id}) SET h += row",
        "UNWIND $rows AS row WITH row WHERE row.village_code IS NOT NULL "
        "MATCH (h:Household {gen: $gen, household_id: row.household_id}) "
        "USING INDEX h:Household(gen, household_id) "
        "MATCH (v:Region {gen: $gen, code: row.village_code}) USING INDEX v:Region(gen, code) "
        "MERGE (h)-[:IN]->(v)"),
    "persons": (
        "UNWIND $rows AS row MERGE (p:Person {gen: $gen, person_id: row.person_id}) SET p += row",
        "UNWIND $rows AS row WITH row WHERE row.household_id IS NOT NULL "
        "MATCH (p:Person {gen: $gen, person_id: row.person_id}) USING INDEX p:Person(gen, person_id) "
        "MATCH (h:Household {gen: $gen, household_id: row.household_id}) "
        "USING INDEX h:Household(gen, household_id) "
        "MERGE (p)-[m:MEMBER_OF]->(h) SET m.role = row.role"),
    "records": (
        "UNWIND $rows AS row MERGE (r:Record {gen: $gen, record_key: row.record_key}) SET r += row",
        "UNWIND $rows AS row "
        "MATCH (r:Record {gen: $gen, record_key: row.record_key}) USING INDEX r:Record(gen, record_key) "
        "MATCH (p:Person {gen: $gen, person_id: row.person_id}) USING INDEX p:Person(gen, person_id) "
        "MERGE (r)-[:OF]->(p)",
        "UNWIND $rows AS row "
        "MATCH (r:Record {gen: $gen, record_key: row.record_key}) USING INDEX r:Record(gen, record_key) "
        "MATCH (d:Dataset {gen: $gen, name: row.dataset}) USING INDEX d:Dataset(gen, name) "
        "MERGE (r)-[:FROM]->(d)",
        "UNWIND $rows AS row WITH row WHERE row.program IS NOT NULL "
        "MATCH (p:Person {gen: $gen, person_id: row.person_id}) USING INDEX p:Person(gen, person_id) "
        "MATCH (g:Program {gen: $gen, name: row.program}) USING INDEX g:Program(gen, name) "
        "MERGE (p)-[:ENROLLED_IN {dataset: row.dataset}]->(g)"),
    "matches": (
        "UNWIND $rows AS row "
        "MATCH (a:Record {gen: $gen, record_key: row.left_key}) USING INDEX a:Record(gen, record_key) "
        "MATCH (b:Record {gen: $gen, record_key: row.right_key}) USING INDEX b:Record(gen, record_key) "
        "MERGE (a)-[m:MATCHES]->(b) "
        "SET m.probability = row.probability, m.match_weight = row.match_weight, m.weights = row.weights, "
        "m.levels = row.levels, m.run_id = row.run_id",),
    "review_items": (
        "UNWIND $rows AS row MERGE (n:ReviewItem {gen: $gen, item_id: row.item_id}) SET n += row",),
}
