"""How a command module adds its commands: one ``register(registry)`` per module.

A command that works on a workspace gets it opened (and closed) for it; one that must not
open it (a restore is for a workspace that cannot be opened) gets only its arguments.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.cli.common import Parser, db_option

if TYPE_CHECKING:
    from desktop.store.engine import Database

WithDatabase = Callable[["Database", argparse.Namespace], int]
WithoutDatabase = Callable[[argparse.Namespace], int]


class Registry:
    """The top-level commands and the ``export FORMAT`` kinds, added to by each module."""

    def __init__(self, commands: argparse._SubParsersAction[Parser]) -> None:
        self._commands = commands
        self._exports: argparse._SubParsersAction[Parser] | None = None

    def command(self, name: str, help: str, run: WithDatabase) -> Parser:
        """A command run on the opened workspace (--db)."""
        parser = self._commands.add_parser(name, help=help)
        db_option(parser)
        parser.set_defaults(run_with_database=run)
        return parser

    def plain_command(self, name: str, help: str, run: WithoutDatabase) -> Parser:
        """A command that opens no workspace itself."""
        parser = self._commands.add_parser(name, help=help)
        parser.set_defaults(run=run)
        return parser

    def group(self, name: str, help: str) -> Registry:
        """A command with commands of its own (``evidence add``, ``evidence list`` …)."""
        parser = self._commands.add_parser(name, help=help)
        return Registry(
            parser.add_subparsers(
                dest=f"{name}_command", metavar="COMMAND", parser_class=Parser, required=True
            )
        )

    def export(self, name: str, help: str, run: WithDatabase) -> Parser:
        """One kind of ``export`` (``export json``, ``export pdf`` …) with its --out."""
        if self._exports is None:
            export = self._commands.add_parser("export", help="export incidents")
            self._exports = export.add_subparsers(
                dest="format", metavar="FORMAT", parser_class=Parser, required=True
            )
        parser = self._exports.add_parser(name, help=help)
        db_option(parser)
        parser.set_defaults(run_with_database=run)
        return parser
