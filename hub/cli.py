"""The ``dtsen-hub`` command line.

Each command group lives in its own ``hub/_cli_*.py`` module, which exposes
``register(app)``; this file is only the table of contents.

Example:
    $ dtsen-hub synth demo-data --people 2000 --seed 7
    $ dtsen-hub ingest demo-data/sources.toml --report report.json
"""

from __future__ import annotations

import typer

from hub import _cli_auth, _cli_data, _cli_graph, _cli_link, _cli_review, _cli_serve

__all__ = ["app"]

app = typer.Typer(help="DTSEN Hub: resolve people and households across social-protection "
                  "datasets and share them safely.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)

for _module in (_cli_data, _cli_auth, _cli_graph, _cli_serve, _cli_link, _cli_review):
    _module.register(app)
