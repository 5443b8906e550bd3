"""The package's public surface, and every store keeping the protocol's exact signatures."""

from __future__ import annotations

import importlib
import inspect

import pytest

import graph
from graph import GraphStore

STORE_CLASSES = ["graph.embedded_store:EmbeddedStore", "graph.neo4j_store:Neo4jStore"]


def _protocol_methods() -> list[str]:
    return sorted(n for n, v in vars(GraphStore).items() if callable(v) and not n.startswith("_"))


def test_public_surface_gathers_every_public_module() -> None:
    assert len(set(graph.__all__)) == len(graph.__all__)
    for name in graph.__all__:
        assert getattr(graph, name) is not None
    for module in ("model", "views", "paging", "protocol"):
        missing = set(importlib.import_module(f"graph.{module}").__all__) - set(graph.__all__)
        assert not missing, f"graph.{module} exports {missing} but graph does not"


@pytest.mark.parametrize("target", STORE_CLASSES)
def test_store_signatures_match_the_protocol(target: str) -> None:
    module_name, cls_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        pytest.skip(f"{module_name} is not written yet")
    cls = getattr(module, cls_name)
    for name in _protocol_methods():
        impl = getattr(cls, name, None)
        assert impl is not None, f"{cls_name} lacks {name}"
        want = inspect.signature(getattr(GraphStore, name))
        got = inspect.signature(impl)
        shape = [(p.name, p.kind, p.default) for p in got.parameters.values()]
        assert shape == [(p.name, p.kind, p.default) for p in want.parameters.values()], \
            f"{cls_name}.{name}: {got} != {want}"
