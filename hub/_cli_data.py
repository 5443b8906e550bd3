"""CLI commands for data: ``synth``, ``ingest`` and ``demo``."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Mount this module's commands on the main app."""
