"""Each person's status against the civil registry (the ``reference = true`` dataset).

Dukcapil's extract is the register people are verified against. A person is:

* ``deceased`` when a registry record linked to them carries a death date
  (checked first: the old DTKS kept 234k dead people on its lists);
* ``verified`` when a registry record with a NIK is linked to them;
* otherwise, judged by the NIK their agency records claim (the most frequent
  16-digit one): ``nik_of_another`` when that NIK belongs to a registry record
  resolved to somebody else, ``nik_unknown`` when the registry has no such NIK,
  and ``no_nik`` when no record carries one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from graph.model import Verification

__all__ = ["VerificationSummary", "summarise", "verify"]

_STATUS_SQL = """
WITH member AS (
    SELECT c.cluster_id, r.nik, r.reference, r.death_date, r.program
    FROM person_clusters c JOIN records r USING (record_key)
),
registry AS (
    SELECT cluster_id,
           bool_or(death_date IS NOT NULL) AS dead,
           bool_or(nik IS NOT NULL) AS has_nik
    FROM member WHERE reference GROUP BY cluster_id
),
claimed AS (
    SELECT cluster_id, nik FROM (
        SELECT cluster_id, nik,
               row_number() OVER (PARTITION BY cluster_id ORDER BY count(*) DESC, nik) AS rank
        FROM member WHERE nik IS NOT NULL AND NOT reference GROUP BY cluster_id, nik
    ) WHERE rank = 1
),
registered AS (
    SELECT DISTINCT r.nik, c.cluster_id
    FROM records r JOIN person_clusters c USING (record_key)
    WHERE r.reference AND r.nik IS NOT NULL
)
SELECT p.cluster_id,
       CASE
         WHEN g.dead THEN 'deceased'
         WHEN g.has_nik THEN 'verified'
         WHEN k.nik IS NULL THEN 'no_nik'
         WHEN EXISTS (SELECT 1 FROM registered x WHERE x.nik = k.nik AND x.cluster_id <> p.cluster_id)
              THEN 'nik_of_another'
         ELSE 'nik_unknown'
       END AS status
FROM (SELECT DISTINCT cluster_id FROM person_clusters) p
LEFT JOIN registry g USING (cluster_id)
LEFT JOIN claimed k USING (cluster_id)
"""


def verify(con: duckdb.DuckDBPyConnection) -> dict[str, Verification]:
    """Status per person cluster, from the workspace tables ``records`` and ``person_clusters``."""
    return {cluster: Verification(status) for cluster, status in con.execute(_STATUS_SQL).fetchall()}


@dataclass(frozen=True, slots=True)
class VerificationSummary:
    """Counts for the link summary."""

    by_status: dict[str, int]
    deceased_still_enrolled: int


def summarise(con: duckdb.DuckDBPyConnection, statuses: dict[str, Verification]) -> VerificationSummary:
    """Count statuses and the deceased who are still enrolled in a program."""
    counts = {status.value: 0 for status in Verification}
    for status in statuses.values():
        counts[status.value] += 1
    dead = [cluster for cluster, status in statuses.items() if status is Verification.DECEASED]
    enrolled = 0
    if dead:
        enrolled = con.execute(
            "SELECT count(DISTINCT c.cluster_id) FROM person_clusters c JOIN records r USING (record_key) "
            "WHERE r.program IS NOT NULL AND NOT r.reference AND list_contains($dead, c.cluster_id)",
            {"dead": dead},
        ).fetchall()[0][0]
    return VerificationSummary(by_status=counts, deceased_still_enrolled=int(enrolled))
