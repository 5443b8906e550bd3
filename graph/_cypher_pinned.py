"""One-query reads: a lookup and its generation check in a single Cypher statement.

A store call used to be a read transaction of four round trips (BEGIN, the lookup, a
read of the ``Current`` pointer, COMMIT), and the API's person query makes four calls:
under load Neo4j spent more on the Bolt messages than on the reads. A :class:`Pinned` is
the lookup's text (a ``CALL`` body over the variable ``gen`` that returns one row,
``rows``, an aggregate) plus how to turn ``rows`` into the answer. :func:`statement`
wraps it so one auto-commit query reads the pointer, answers from that generation and
reads the pointer again: one round trip.

Why the second pointer read follows every read of the lookup (the guarantee of
``graph.neo4j_store``'s docstring): it sits in a ``CALL`` that imports ``rows``, which the
planner makes the right side of an ``Apply`` over the lookup; ``Apply`` runs its right
side only for a row its left side produced, and the lookup's row is an aggregate, which
exists only once all of its input was read (without the import, ``CALL () {...}``, Neo4j
5.26 plans a CartesianProduct, free to read the pointer first).
``tests/graph/test_neo4j_store.py`` checks that plan shape for every lookup, so a planner
that reordered it would fail the tests.

:func:`run_in` runs the same body inside a caller's transaction on a given generation,
for reads that are one step of a longer read (a list page and its enrolments).

``CALL (gen) { ... }`` (a variable scope clause) needs Neo4j 5.23 or later; the older
importing ``WITH`` is deprecated there and would bring a notification with every read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from neo4j import ManagedTransaction

from graph._cypher_text import NO_GEN

__all__ = ["Pinned", "constant", "parameters", "run_in", "statement"]

T = TypeVar("T")


@dataclass(frozen=True)
class Pinned(Generic[T]):
    """A lookup as data: ``body`` (Cypher over ``gen``; ends ``RETURN <aggregate> AS rows``),
    its parameters, and ``decode`` turning the ``rows`` value into the answer.

    ``body`` None means the answer needs no query at all (the reader may not see the
    field group): ``decode(None)`` is the answer.
    """

    body: str | None
    decode: Callable[[Any], T]
    params: dict[str, Any] = field(default_factory=dict)


def constant(value: T) -> Pinned[T]:
    """The answer without a query (e.g. ``{}`` for a group the reader may not see)."""
    return Pinned(None, lambda _rows: value)


def statement(body: str) -> str:
    """``body`` between two reads of the pointer; returns ``gen``, ``rows`` and ``now``.

    Nothing published yet reads as generation ``NO_GEN`` (which no node has).
    """
    return ("OPTIONAL MATCH (cur:Current {id: 1}) WITH coalesce(cur.gen, $no_gen) AS gen "
            f"CALL (gen) {{ {body} }} "
            "CALL (rows) { OPTIONAL MATCH (now:Current {id: 1}) RETURN coalesce(now.gen, $no_gen) AS now } "
            "RETURN gen, rows, now")


def parameters(query: Pinned[Any]) -> dict[str, Any]:
    """The statement's parameters: the lookup's plus ``no_gen``."""
    return {**query.params, "no_gen": NO_GEN}


def run_in(tx: ManagedTransaction, gen: int, query: Pinned[T]) -> T:
    """``query`` on generation ``gen`` inside ``tx`` (whose caller checks the pointer)."""
    if query.body is None:
        return query.decode(None)
    row = tx.run(f"WITH $gen AS gen CALL (gen) {{ {query.body} }} RETURN rows", query.params,
                 gen=gen).single(strict=True)
    return query.decode(row["rows"])
