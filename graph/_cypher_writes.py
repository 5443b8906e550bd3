"""The Cypher that writes run-scoped nodes and relationships, one batch of rows at a time.

Two forms of the same writes. :data:`CYPHER` fills a fresh generation during a
publish and only CREATEs; :data:`MERGE_CYPHER` writes into a generation that
already holds nodes (one attached record) and MERGEs.

A fresh generation's relationships find their ends by the ``elementId`` the end's own
CREATE returned, not by its ``(gen, key)``: an element-id lookup is a ``NodeByElementIdSeek``
whatever the planner's statistics say, where the ``(gen, key)`` lookup, even hinted, was
sometimes planned as a range scan of the composite index by ``gen`` alone (one ``gen`` value
covers the whole generation): the MATCHES step then took 300-700 s instead of 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["CONTROL", "CYPHER", "KEYS", "LINKS", "MERGE_CYPHER", "PROPS", "node_properties"]


def _end(var: str, label: str, field: str, *, optional: bool = False) -> str:
    """Bind ``var`` to the ``label`` node whose element id is ``row.field`` (one seek, never a scan).

    The label keeps the lookup apart from the node the statement CREATEs, so the planner
    needs no Eager pass between them (checked with EXPLAIN)."""
    return (f"{'OPTIONAL ' if optional else ''}MATCH ({var}:{label}) "
            f"WHERE elementId({var}) = row.{field} ")


def _if(var: str, create: str) -> str:
    """``create`` for the rows whose OPTIONAL MATCH found ``var``, keeping every row."""
    return f"FOREACH (_ IN CASE WHEN {var} IS NULL THEN [] ELSE [1] END | CREATE {create}) "


#: Where a fresh-generation statement lists the new node's properties; :func:`node_properties`
#: fills it in per batch. Explicit properties, unlike ``SET n += row``, tell the planner which
#: properties the statement writes, so a CREATE next to the lookups needs no Eager pass
#: (which would hold the whole batch in memory between the two).
PROPS = "/*props*/"
#: Row fields that steer a statement and are not properties: ``enrol`` (see
#: ``graph._cypher_publish``) and the element ids of relationship ends (``to_*``, ``from_*``).
CONTROL = frozenset({"enrol", "to_region", "to_household", "to_person", "to_dataset", "to_program",
                     "from_record", "to_record", "from_region"})
_KEY = re.compile(r"[a-z][a-z0-9_]*")


def node_properties(rows: Iterable[dict[str, Any]]) -> str:
    """``, k: row.k`` for every property key the rows carry (rows leave out their nulls)."""
    keys = sorted({k for row in rows for k in row} - CONTROL)
    for key in keys:
        if not _KEY.fullmatch(key):
            raise ValueError(f"property name {key!r} cannot be written into Cypher text (publish rows)")
    return "".join(f", {k}: row.{k}" for k in keys)


#: Node kind -> the row field that is its key within a generation.
KEYS: dict[str, str] = {"datasets": "name", "programs": "name", "regions": "code",
                        "households": "household_id", "persons": "person_id", "records": "record_key",
                        "review_items": "item_id"}


def _node(label: str, kind: str, links: str = "", lookups: str = "") -> str:
    """The key comes back read from the new node: ``RETURN row.key`` made the planner put an
    Eager pass after the CREATE (EXPLAIN), holding the whole batch."""
    return (f"UNWIND $rows AS row {lookups}CREATE (n:{label} {{gen: $gen{PROPS}}}) {links}"
            f"RETURN n.{KEYS[kind]} AS key, elementId(n) AS id")


#: The UNWIND statement that writes one batch of each node kind into a fresh generation,
#: returning ``key, id`` (the new node's element id) per row, in input order. Nodes are
#: CREATEd, not MERGEd: every publish writes a generation nobody else writes to (the
#: publish lock serialises publishers, and a half-written generation a crash left is
#: deleted before the next one starts), a managed transaction retried after a transient
#: error starts from a rolled-back state, and keys are unique within a publication
#: (``check_publication``), so MERGE's lookup found nothing and only cost time; the
#: ``(gen, key)`` constraint still refuses a duplicate.
#:
#: A node and the relationships that hang off it one per row are written by one statement
#: (household+IN, person+MEMBER_OF, record+OF+FROM+ENROLLED_IN), the other end found by
#: the element id in ``row.to_*``. Relationships whose rows may repeat are de-duplicated
#: before they get here (``graph._cypher_publish``): a record row carries ``to_program``
#: on the first record of each (person, program, dataset) only, and ``matches`` holds one
#: row per (left, right) pair.
CYPHER: dict[str, str] = {
    "datasets": _node("Dataset", "datasets"),
    "programs": _node("Program", "programs"),
    "regions": _node("Region", "regions"),
    "households": _node("Household", "households", _if("v", "(n)-[:IN]->(v)"),
                        _end("v", "Region", "to_region", optional=True)),
    "persons": _node("Person", "persons", _if("h", "(n)-[:MEMBER_OF {role: row.role}]->(h)"),
                     _end("h", "Household", "to_household", optional=True)),
    "records": _node("Record", "records",
                     "CREATE (n)-[:OF]->(p), (n)-[:FROM]->(d) "
                     + _if("g", "(p)-[:ENROLLED_IN {dataset: row.dataset}]->(g)"),
                     _end("p", "Person", "to_person") + _end("d", "Dataset", "to_dataset")
                     + _end("g", "Program", "to_program", optional=True)),
    "review_items": _node("ReviewItem", "review_items"),
}

#: Relationship-only statements over ends already written, returning ``count(*) AS created``.
LINKS: dict[str, str] = {
    "part_of": "UNWIND $rows AS row " + _end("n", "Region", "from_region") + _end("up", "Region", "to_region")
               + "CREATE (n)-[:PART_OF]->(up) RETURN count(*) AS created",
    "matches": "UNWIND $rows AS row " + _end("a", "Record", "from_record") + _end("b", "Record", "to_record")
               + "CREATE (a)-[:MATCHES {probability: row.probability, match_weight: row.match_weight, "
               "weights: row.weights, levels: row.levels, run_id: row.run_id}]->(b) "
               "RETURN count(*) AS created",
}


#: The MERGE form of :data:`CYPHER`, for writes into a generation that already holds
#: nodes (attaching one record to the current run): a row whose node exists updates it.
#: Every lookup names the ``(gen, key)`` index: unhinted, the planner picked the ``gen`` index.
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
