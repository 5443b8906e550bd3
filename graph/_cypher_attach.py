"""The Neo4j store's single-record write: attach one record (a proposal's) to the current run.

One managed transaction does the checks and the writes, so a refused attach
(unknown dataset, unknown person) leaves nothing behind, and a retried one
MERGEs onto what the first attempt wrote.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from core.errors import InputError, NotFoundError
from graph._cypher_publish import run_batch
from graph._flatten import household_props, person_props, record_props, regions_of
from graph.model import DatasetRow, HouseholdRow, PersonRow, RecordRow

__all__ = ["attach_record"]


def attach_record(tx: ManagedTransaction, record: RecordRow, person: PersonRow | None,
                  household: HouseholdRow | None, dataset: DatasetRow | None) -> None:
    if person is not None and person.person_id != record.person_id:
        raise InputError(f"record {record.record_key!r} names person {record.person_id!r} but person "
                         f"{person.person_id!r} was given", where="attach_record")
    row = tx.run("MATCH (c:Current {id: 1}) RETURN c.gen AS gen").single()
    if row is None:
        raise NotFoundError("no linkage run has been published yet", where="attach_record",
                            hint="run `dtsen-hub link` first")
    gen = row["gen"]
    found = tx.run("MATCH (d:Dataset {gen: $gen, name: $name}) RETURN d.agency AS agency", gen=gen,
                   name=record.dataset).single()
    if found is None and dataset is None:
        raise InputError(f"dataset {record.dataset!r} does not exist", where="attach_record",
                         hint="pass dataset=DatasetRow(...) to create it")
    if found is None and dataset is not None:
        run_batch(tx, "datasets", rows=[{"name": dataset.name, "agency": dataset.agency,
                                         "program": dataset.program, "reference": dataset.reference,
                                         "records": 0}], gen=gen)
    agency = found["agency"] if found is not None else dataset.agency  # type: ignore[union-attr]
    codes = [record.village_code, *(x.village_code for x in (person, household) if x is not None)]
    run_batch(tx, "regions", regions_of(iter(codes)), gen)
    if household is not None:
        run_batch(tx, "households", [household_props(household)], gen)
    if person is not None:
        tx.run("MATCH (:Person {gen: $gen, person_id: $id})-[m:MEMBER_OF]->() DELETE m", gen=gen,
               id=person.person_id).consume()
        run_batch(tx, "persons", [person_props(person)], gen)
    elif tx.run("MATCH (p:Person {gen: $gen, person_id: $id}) RETURN 1 AS one", gen=gen,
                id=record.person_id).single() is None:
        raise NotFoundError(f"person {record.person_id!r} does not exist", where="attach_record",
                            hint="pass person=PersonRow(...) for a new person")
    new = tx.run("MATCH (r:Record {gen: $gen, record_key: $key}) RETURN 1 AS one", gen=gen,
                 key=record.record_key).single() is None
    if not new:   # it may now belong to another person: re-point its OF edge
        tx.run("MATCH (:Record {gen: $gen, record_key: $key})-[e:OF]->() DELETE e", gen=gen,
               key=record.record_key).consume()
    if record.program:
        run_batch(tx, "programs", [{"name": record.program}], gen)
    run_batch(tx, "records", [record_props(record, agency)], gen)
    if new:
        tx.run("MATCH (d:Dataset {gen: $gen, name: $name}) SET d.records = d.records + 1", gen=gen,
               name=record.dataset).consume()
