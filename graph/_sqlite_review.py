"""The embedded store's steward side: review queue and decisions, constraints,
proposals, linkage runs and lineage. Decisions, constraints and proposals
live outside generations: a new publish never undoes a steward's work."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from core.errors import ConflictError, InputError, NotFoundError
from graph._project import load_map, parse_time
from graph._sqlite_read import get_households, get_persons, get_records
from graph._sqlite_sql import CURRENT, region_where
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

_ITEM = ("SELECT i.*, d.decision, d.note, d.steward, d.decided_at FROM review_items i "
         "LEFT JOIN review_decisions d ON d.item_id = i.item_id")


def _item(r: sqlite3.Row) -> ReviewItemView:
    return ReviewItemView(
        r["item_id"], r["kind"], r["run_id"], r["left_key"], r["right_key"], r["person_id"],
        r["village_code"],
        r["probability"], r["priority"], load_map(r["explanation"]), json.loads(r["programs"]),
        "open" if r["decision"] in (None, ReviewDecision.UNSURE.value) else "decided",
        ReviewDecision(r["decision"]) if r["decision"] else None, r["note"], r["steward"],
        parse_time(r["decided_at"]))


def review_queue(conn: sqlite3.Connection, vis: Visibility, region: str | None, dataset: str | None,
                 program: str | None, status: str, first: int, after: str | None) -> Page[ReviewItemView]:
    check_first(first)
    if status not in ("open", "decided"):
        raise InputError(f"review status {status!r} is not 'open' or 'decided'", where="status")
    cursor = decode_cursor(after, (float, str))
    rsql, params = region_where("i.village_code", vis, region)
    if not vis.allows(FieldGroup.REVIEW):
        return Page([], None, False)
    # an "unsure" decision keeps the item open (with its note) for a second look
    decided = ("(d.item_id IS NULL OR d.decision = 'unsure')" if status == "open"
               else "(d.item_id IS NOT NULL AND d.decision <> 'unsure')")
    clauses = [f"i.gen = {CURRENT}", rsql, decided]
    if dataset is not None:
        clauses.append("(i.left_dataset = ? OR i.right_dataset = ?)")
        params += [dataset, dataset]
    if program is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(i.programs) WHERE value = ?)")
        params.append(program)
    if cursor is not None:
        clauses.append("(i.priority < ? OR (i.priority = ? AND i.item_id > ?))")
        params += [cursor[0], cursor[0], cursor[1]]
    rows = conn.execute(f"{_ITEM} WHERE {' AND '.join(clauses)} ORDER BY i.priority DESC, i.item_id LIMIT ?",
                        [*params, first + 1]).fetchall()
    items = [_item(r) for r in rows[:first]]
    end = encode_cursor(items[-1].priority, items[-1].item_id) if items else None
    return Page(items, end, len(rows) > first)


def get_review_item(conn: sqlite3.Connection, item_id: str, vis: Visibility) -> ReviewItemView | None:
    if not vis.allows(FieldGroup.REVIEW):
        return None
    rsql, params = region_where("i.village_code", vis)
    row = conn.execute(f"{_ITEM} WHERE i.gen = {CURRENT} AND {rsql} AND i.item_id = ?",
                       [*params, item_id]).fetchone()
    return _item(row) if row is not None else None


def _now() -> str:
    return datetime.now(UTC).isoformat()


def decide_review(conn: sqlite3.Connection, item_id: str, decision: ReviewDecision, steward: str,
                  note: str | None, vis: Visibility, expected_status: str) -> ReviewItemView:
    decision = ReviewDecision(decision)
    conn.execute("BEGIN IMMEDIATE")   # the check and the write see the same state: no lost decision
    try:
        item = get_review_item(conn, item_id, vis)
        if item is None:
            raise NotFoundError(f"review item {item_id!r} does not exist", where="decide_review")
        if item.status != expected_status:
            raise ConflictError(f"review item {item_id!r} is {item.status}, not {expected_status}",
                                where="decide_review", hint="reload the item: another steward decided it")
        now = _now()
        conn.execute("INSERT INTO review_decisions VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (item_id) DO UPDATE SET decision = excluded.decision, "
                     "note = excluded.note, steward = excluded.steward, "
                     "decided_at = excluded.decided_at", (item_id, decision.value, note, steward, now))
        if item.left_key and item.right_key and decision != ReviewDecision.UNSURE:
            kind = (ConstraintKind.MUST_LINK if decision == ReviewDecision.MATCH
                    else ConstraintKind.CANNOT_LINK)
            _put_constraint(conn, kind, item.left_key, item.right_key, steward, note, now, item_id)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return get_review_item(conn, item_id, vis)  # type: ignore[return-value]


def undo_review(conn: sqlite3.Connection, item_id: str, steward: str,
                vis: Visibility) -> ReviewItemView | None:
    conn.execute("BEGIN IMMEDIATE")   # the check and the delete see the same state
    try:
        decided = conn.execute("SELECT 1 FROM review_decisions WHERE item_id = ?", (item_id,)).fetchone()
        ruling = conn.execute("SELECT left_key, right_key FROM constraints WHERE item_id = ?",
                              (item_id,)).fetchone()
        item = get_review_item(conn, item_id, vis)
        keys = [ruling["left_key"], ruling["right_key"]] if ruling is not None else []
        visible = vis.allows(FieldGroup.REVIEW) and (
            item is not None if not keys else len(get_records(conn, keys, vis)) == len(keys))
        if decided is None or not visible:
            if decided is None and item is not None:
                raise ConflictError(f"review item {item_id!r} is open: there is no decision to undo",
                                    where="undo_review", hint="reload the queue: it was undone already")
            raise NotFoundError(f"no decision on review item {item_id!r}", where="undo_review")
        conn.execute("DELETE FROM review_decisions WHERE item_id = ?", (item_id,))
        conn.execute("DELETE FROM constraints WHERE item_id = ?", (item_id,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return get_review_item(conn, item_id, vis)


def _put_constraint(conn: sqlite3.Connection, kind: ConstraintKind, left: str, right: str, steward: str,
                    note: str | None, now: str, item_id: str | None) -> ConstraintRow:
    if left == right:
        raise InputError(f"a constraint needs two different records, got {left!r} twice", where="constraint")
    left, right = sorted((left, right))
    conn.execute("INSERT OR REPLACE INTO constraints VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (left, right, ConstraintKind(kind).value, steward, note, now, item_id))
    return ConstraintRow(ConstraintKind(kind), left, right, steward, note, parse_time(now), item_id)  # type: ignore[arg-type]


def add_constraint(conn: sqlite3.Connection, kind: ConstraintKind, left: str, right: str, steward: str,
                   note: str | None) -> ConstraintRow:
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = _put_constraint(conn, kind, left, right, steward, note, _now(), None)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return row


def constraints(conn: sqlite3.Connection) -> list[ConstraintRow]:
    return [ConstraintRow(ConstraintKind(r["kind"]), r["left_key"], r["right_key"], r["steward"], r["note"],
                          parse_time(r["created_at"]), r["item_id"])  # type: ignore[arg-type]
            for r in conn.execute("SELECT * FROM constraints ORDER BY left_key, right_key")]


def save_proposal(conn: sqlite3.Connection, p: ProposalRow) -> None:
    conn.execute("INSERT OR REPLACE INTO proposals VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (p.proposal_id, p.client_id, p.village_code, p.submitted_at.isoformat(), p.status,
                  json.dumps(p.payload, sort_keys=True, default=str),
                  json.dumps(p.result, sort_keys=True, default=str)))


def get_proposal(conn: sqlite3.Connection, proposal_id: str, vis: Visibility) -> ProposalRow | None:
    rsql, params = region_where("village_code", vis)
    r = conn.execute(f"SELECT * FROM proposals WHERE {rsql} AND proposal_id = ?",
                     [*params, proposal_id]).fetchone()
    if r is None:
        return None
    return ProposalRow(r["proposal_id"], r["client_id"], r["village_code"], parse_time(r["submitted_at"]),  # type: ignore[arg-type]
                       r["status"], json.loads(r["payload"]), json.loads(r["result"]))


def linkage_runs(conn: sqlite3.Connection, vis: Visibility, first: int) -> list[LinkageRunView]:
    check_first(first)
    if not vis.allows(FieldGroup.LINKAGE):
        return []
    rows = conn.execute("SELECT r.*, r.run_id = (SELECT run_id FROM current WHERE id = 1) AS cur FROM runs r "
                        "ORDER BY r.finished_at DESC, r.run_id LIMIT ?", (first,)).fetchall()
    return [LinkageRunView(r["run_id"], parse_time(r["started_at"]), parse_time(r["finished_at"]),  # type: ignore[arg-type]
                           r["threshold"], json.loads(r["summary"]), bool(r["cur"]),
                           parse_time(r["published_at"]), r["model_json"]) for r in rows]


def lineage(conn: sqlite3.Connection, old_id: str, vis: Visibility) -> list[LineageRow]:
    rows = conn.execute("SELECT l.* FROM lineage l LEFT JOIN runs r ON r.run_id = l.run_id "
                        "WHERE l.old_id = ? ORDER BY r.finished_at, l.run_id, l.kind", (old_id,)).fetchall()
    out: list[LineageRow] = []
    for r in rows:
        ids: list[str] = json.loads(r["new_ids"])
        seen = get_persons(conn, ids, vis) if r["kind"] == "person" else get_households(conn, ids, vis)
        kept = [i for i in ids if i in seen]
        if kept:
            out.append(LineageRow(r["kind"], r["old_id"], kept, r["run_id"]))
    return out
