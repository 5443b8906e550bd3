"""The Neo4j store's steward side: review queue and decisions, constraints, proposals,
linkage runs and lineage. Decisions, constraints, proposals, runs and lineage are not
run-scoped (no ``gen``): a new publish never undoes a steward's work."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction

from core.errors import ConflictError, InputError, NotFoundError
from graph._cypher_pinned import run_in
from graph._cypher_read import get_households, get_persons, get_records
from graph._cypher_text import region_filter
from graph._project import load_map, parse_time
from graph.model import FieldGroup, LineageRow, Visibility
from graph.paging import check_first, decode_cursor, encode_cursor
from graph.views import (
    ConstraintKind,
    ConstraintRow,
    LinkageRunView,
    Page,
    ProposalRow,
    ReviewDecision,
    ReviewItemView,
)

__all__ = ["add_constraint", "constraints", "decide_review", "get_proposal", "get_review_item", "lineage",
           "linkage_runs", "review_queue", "save_proposal", "undo_review"]

Tx = ManagedTransaction

_RETURN_ITEM = ("OPTIONAL MATCH (d:Decision {item_id: i.item_id}) "
                "RETURN i {.*} AS item, d {.*} AS decision")


def _item(r: Any) -> ReviewItemView:
    i, d = r["item"], r["decision"] or {}
    final = bool(d) and d["decision"] != ReviewDecision.UNSURE.value     # unsure keeps it open
    return ReviewItemView(
        i["item_id"], i["kind"], i["run_id"], i.get("left_key"), i.get("right_key"), i.get("person_id"),
        i.get("village_code"), i.get("probability"), i["priority"], load_map(i.get("explanation")),
        list(i.get("programs") or []), "decided" if final else "open",
        ReviewDecision(d["decision"]) if d else None, d.get("note"), d.get("steward"),
        parse_time(d.get("decided_at")))


def review_queue(tx: Tx, gen: int, vis: Visibility, region: str | None, dataset: str | None,
                 program: str | None, status: str, first: int, after: str | None) -> Page[ReviewItemView]:
    check_first(first)
    if status not in ("open", "decided"):
        raise InputError(f"review status {status!r} is not 'open' or 'decided'", where="status")
    cursor = decode_cursor(after, (float, str))
    rsql, params = region_filter("i", vis, region)
    if not vis.allows(FieldGroup.REVIEW):
        return Page([], None, False)
    # an "unsure" decision keeps the item open (with its note) for a second look
    exists = "EXISTS { MATCH (d:Decision {item_id: i.item_id}) WHERE d.decision <> 'unsure' }"
    clauses = [rsql, f"NOT {exists}" if status == "open" else exists]
    if dataset is not None:
        clauses.append("(i.left_dataset = $dataset OR i.right_dataset = $dataset)")
        params["dataset"] = dataset
    if program is not None:
        clauses.append("$program IN i.programs")
        params["program"] = program
    if cursor is not None:
        clauses.append("(i.priority < $cp OR (i.priority = $cp AND i.item_id > $ci))")
        params.update(cp=cursor[0], ci=cursor[1])
    rows = tx.run(f"MATCH (i:ReviewItem {{gen: $gen}}) WHERE {' AND '.join(clauses)} "
                  f"WITH i ORDER BY i.priority DESC, i.item_id LIMIT $limit {_RETURN_ITEM}",
                  gen=gen, limit=first + 1, **params).fetch(first + 1)
    items = [_item(r) for r in rows[:first]]
    end = encode_cursor(items[-1].priority, items[-1].item_id) if items else None
    return Page(items, end, len(rows) > first)


def get_review_item(tx: Tx, gen: int, item_id: str, vis: Visibility) -> ReviewItemView | None:
    if not vis.allows(FieldGroup.REVIEW):
        return None
    rsql, params = region_filter("i", vis)
    row = tx.run(f"MATCH (i:ReviewItem {{gen: $gen, item_id: $id}}) WHERE {rsql} {_RETURN_ITEM}",
                 gen=gen, id=item_id, **params).single()
    return _item(row) if row is not None else None


def _now() -> str:
    return datetime.now(UTC).isoformat()


def decide_review(tx: Tx, item_id: str, decision: ReviewDecision, steward: str, note: str | None,
                  vis: Visibility, expected_status: str) -> ReviewItemView:
    """Runs in a write transaction. Writing the item's lock node first takes an exclusive
    lock held to commit, so two stewards deciding at once are serialised: the second one
    reads the first one's decision and gets ConflictError, never a lost update."""
    decision = ReviewDecision(decision)
    tx.run("MERGE (l:ReviewLock {item_id: $id}) SET l.touched = $now", id=item_id, now=_now()).consume()
    current = tx.run("MATCH (c:Current {id: 1}) RETURN c.gen AS gen").single()
    item = get_review_item(tx, current["gen"], item_id, vis) if current is not None else None
    if item is None:
        raise NotFoundError(f"review item {item_id!r} does not exist", where="decide_review")
    if item.status != expected_status:
        raise ConflictError(f"review item {item_id!r} is {item.status}, not {expected_status}",
                            where="decide_review", hint="reload the item: another steward decided it")
    now = _now()
    tx.run("MERGE (d:Decision {item_id: $id}) SET d.decision = $decision, d.note = $note, "
           "d.steward = $steward, d.decided_at = $now", id=item_id, decision=decision.value, note=note,
           steward=steward, now=now).consume()
    if item.left_key and item.right_key and decision != ReviewDecision.UNSURE:
        kind = ConstraintKind.MUST_LINK if decision == ReviewDecision.MATCH else ConstraintKind.CANNOT_LINK
        put_constraint(tx, kind, item.left_key, item.right_key, steward, note, now, item_id)
    return get_review_item(tx, current["gen"], item_id, vis)  # type: ignore[return-value,index]


def undo_review(tx: Tx, item_id: str, steward: str, vis: Visibility) -> ReviewItemView | None:
    """Runs in a write transaction, serialised with decisions by the item's lock node."""
    tx.run("MERGE (l:ReviewLock {item_id: $id}) SET l.touched = $now", id=item_id, now=_now()).consume()
    current = tx.run("MATCH (c:Current {id: 1}) RETURN c.gen AS gen").single()
    gen = current["gen"] if current is not None else None
    decided = tx.run("MATCH (d:Decision {item_id: $id}) RETURN count(d) AS n", id=item_id).single()["n"]
    ruling = tx.run("MATCH (c:LinkConstraint {item_id: $id}) RETURN c.left_key AS l, c.right_key AS r",
                    id=item_id).single()
    item = get_review_item(tx, gen, item_id, vis) if gen is not None else None
    keys = [ruling["l"], ruling["r"]] if ruling is not None else []
    if keys:
        visible = gen is not None and len(run_in(tx, gen, get_records(keys, vis))) == len(keys)
    else:
        visible = item is not None
    visible = visible and vis.allows(FieldGroup.REVIEW)
    if not decided or not visible:
        if not decided and item is not None:
            raise ConflictError(f"review item {item_id!r} is open: there is no decision to undo",
                                where="undo_review", hint="reload the queue: it was undone already")
        raise NotFoundError(f"no decision on review item {item_id!r}", where="undo_review")
    tx.run("MATCH (d:Decision {item_id: $id}) DELETE d", id=item_id).consume()
    tx.run("MATCH (c:LinkConstraint {item_id: $id}) DELETE c", id=item_id).consume()
    return get_review_item(tx, gen, item_id, vis) if gen is not None else None


def put_constraint(tx: Tx, kind: ConstraintKind, left: str, right: str, steward: str, note: str | None,
                   now: str, item_id: str | None) -> ConstraintRow:
    if left == right:
        raise InputError(f"a constraint needs two different records, got {left!r} twice", where="constraint")
    left, right = sorted((left, right))
    tx.run("MERGE (c:LinkConstraint {left_key: $left, right_key: $right}) SET c.kind = $kind, "
           "c.steward = $steward, c.note = $note, c.created_at = $now, c.item_id = $item",
           left=left, right=right, kind=ConstraintKind(kind).value, steward=steward, note=note, now=now,
           item=item_id).consume()
    return ConstraintRow(ConstraintKind(kind), left, right, steward, note, parse_time(now), item_id)  # type: ignore[arg-type]


def add_constraint(tx: Tx, kind: ConstraintKind, left: str, right: str, steward: str,
                   note: str | None) -> ConstraintRow:
    return put_constraint(tx, kind, left, right, steward, note, _now(), None)


def constraints(tx: Tx) -> list[ConstraintRow]:
    rows = tx.run("MATCH (c:LinkConstraint) RETURN c {.*} AS c ORDER BY c.left_key, c.right_key")
    return [ConstraintRow(ConstraintKind(c["kind"]), c["left_key"], c["right_key"], c["steward"],
                          c.get("note"), parse_time(c["created_at"]), c.get("item_id"))  # type: ignore[arg-type]
            for c in (r["c"] for r in rows)]


def save_proposal(tx: Tx, p: ProposalRow) -> None:
    tx.run("MERGE (n:Proposal {proposal_id: $id}) SET n.client_id = $client, n.village_code = $village, "
           "n.submitted_at = $at, n.status = $status, n.payload = $payload, n.result = $result",
           id=p.proposal_id, client=p.client_id, village=p.village_code, at=p.submitted_at.isoformat(),
           status=p.status, payload=json.dumps(p.payload, sort_keys=True, default=str),
           result=json.dumps(p.result, sort_keys=True, default=str)).consume()


def get_proposal(tx: Tx, proposal_id: str, vis: Visibility) -> ProposalRow | None:
    rsql, params = region_filter("n", vis)
    row = tx.run(f"MATCH (n:Proposal {{proposal_id: $id}}) WHERE {rsql} RETURN n {{.*}} AS n", id=proposal_id,
                 **params).single()
    if row is None:
        return None
    n = row["n"]
    return ProposalRow(n["proposal_id"], n["client_id"], n.get("village_code"),
                       parse_time(n["submitted_at"]), n["status"], json.loads(n["payload"]),  # type: ignore[arg-type]
                       json.loads(n["result"]))


def linkage_runs(tx: Tx, vis: Visibility, first: int) -> list[LinkageRunView]:
    check_first(first)
    if not vis.allows(FieldGroup.LINKAGE):
        return []
    rows = tx.run("OPTIONAL MATCH (c:Current {id: 1}) WITH c MATCH (r:LinkageRun) "
                  "RETURN r {.*} AS r, r.run_id = c.run_id AS cur ORDER BY r.finished_at DESC, r.run_id "
                  "LIMIT $first", first=first)
    return [LinkageRunView(r["run_id"], parse_time(r["started_at"]), parse_time(r["finished_at"]),  # type: ignore[arg-type]
                           r["threshold"], json.loads(r["summary"]), bool(row["cur"]),
                           parse_time(r.get("published_at")), r.get("model_json"))
            for row in rows for r in (row["r"],)]


def lineage(tx: Tx, gen: int, old_id: str, vis: Visibility) -> list[LineageRow]:
    rows = tx.run("MATCH (l:Lineage {old_id: $id}) OPTIONAL MATCH (r:LinkageRun {run_id: l.run_id}) "
                  "RETURN l.kind AS kind, l.run_id AS run_id, l.new_ids AS new_ids "
                  "ORDER BY r.finished_at, l.run_id, l.kind", id=old_id).data()
    out: list[LineageRow] = []
    for r in rows:
        ids: list[str] = list(r["new_ids"])
        lookup = get_persons(ids, vis) if r["kind"] == "person" else get_households(ids, vis)
        seen = run_in(tx, gen, lookup)
        kept = [i for i in ids if i in seen]
        if kept:
            out.append(LineageRow(r["kind"], old_id, kept, r["run_id"]))
    return out
