"""The ``incident-desk`` command (desktop.cli.main); one module per group of commands."""

from desktop.cli.main import INTERNAL_ERROR, build_parser, main

__all__ = ["INTERNAL_ERROR", "build_parser", "main"]
