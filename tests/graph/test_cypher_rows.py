"""The rows the Neo4j publish sends: repeated edges de-duplicated, properties spelled out.

The fresh-generation statements CREATE every edge, so the rows must already hold each
ENROLLED_IN and MATCHES edge once, with the values MERGE + SET used to leave behind.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from graph import MatchRow
from graph._cypher_publish import _match_rows, _record_rows
from graph._cypher_writes import CYPHER, LINKS, PROPS, node_properties
from tests.graph._data import publication


def test_one_enrolment_edge_per_person_program_and_dataset() -> None:
    pub = publication()
    agency = {d.name: d.agency for d in pub.datasets}
    rows = list(_record_rows(pub, agency))
    assert len(rows) == len(pub.records)
    flagged = [(r["person_id"], r["program"], r["dataset"]) for r in rows if r["enrol"]]
    expected = {(r.person_id, r.program, r.dataset) for r in pub.records if r.program}
    assert sorted(flagged) == sorted(expected)            # each triple once, none missing
    assert all(not r["enrol"] for r in rows if "program" not in r)
    assert all(None not in r.values() for r in rows)       # nulls are left out, not sent


def test_a_repeated_match_pair_keeps_the_last_scores() -> None:
    pub = publication()
    first = pub.matches[0]
    again = dataclasses.replace(first, probability=0.5, match_weight=-1.0)
    rows = _match_rows(dataclasses.replace(pub, matches=[*pub.matches, again]), "run-1")
    pairs = [(r["left_key"], r["right_key"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == len({(m.left_key, m.right_key) for m in pub.matches})
    kept = next(r for r in rows if (r["left_key"], r["right_key"]) == (first.left_key, first.right_key))
    assert (kept["probability"], kept["match_weight"]) == (0.5, -1.0)
    assert isinstance(again, MatchRow)


def test_properties_are_spelled_out_and_control_fields_left_out() -> None:
    props = node_properties([{"person_id": "P1", "enrol": True, "to_household": "4:x:1"},
                             {"nik": "1", "person_id": "P2"}])
    assert props == ", nik: row.nik, person_id: row.person_id"
    assert all(PROPS in s for s in CYPHER.values())


def test_relationship_ends_are_found_by_element_id_not_by_gen() -> None:
    """A ``(gen, key)`` lookup could be planned as a scan of the whole generation."""
    for statement in (*CYPHER.values(), *LINKS.values()):
        lookups = re.findall(r"MATCH \((\w+):\w+\) (\S+ \S+)", statement)
        assert len(lookups) == statement.count("MATCH "), statement
        assert all(where == f"WHERE elementId({var})" for var, where in lookups), statement


@pytest.mark.parametrize("key", ["a b", "x}) DETACH DELETE (n", "Name", ""])
def test_a_property_name_that_is_not_an_identifier_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="publish rows"):
        node_properties([{key: 1}])
