"""The public surfaces of ``resolvers`` and ``schema``, and the one-way import rule between them."""

from __future__ import annotations

import ast
from pathlib import Path

import resolvers
import schema

ROOT = Path(__file__).resolve().parents[2]


def test_surfaces_are_sorted_and_importable() -> None:
    for package in (resolvers, schema):
        # isort-style, as ruff keeps it: CONSTANTS, then Classes, then functions.
        kind = lambda name: (0 if name.isupper() else 1 if name[0].isupper() else 2, name)  # noqa: E731
        assert list(package.__all__) == sorted(package.__all__, key=kind)
        assert all(hasattr(package, name) for name in package.__all__)


def _imports(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_imports_flow_one_way() -> None:
    assert not _imports("resolvers") & {"schema", "hub", "bench", "tests"}
    assert not _imports("schema") & {"hub", "bench", "tests"}
