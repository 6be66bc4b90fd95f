"""The ``incident-desk`` command: the desktop app, and headless commands for scripts.

Each command lives in a module of this package with a ``register(registry)``; adding one
is a module and a line in COMMANDS. Every user error is one line on stderr and exit code 2;
never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import TYPE_CHECKING

from desktop import APP_NAME, __version__
from desktop.cli import (
    duplicates,
    evidence,
    places,
    report,
    reports,
    search,
    transfer,
    workspace,
)
from desktop.cli.common import USAGE_ERROR, Parser, db_option, fail
from desktop.cli.registry import Registry
from desktop.errors import DeskError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from pathlib import Path

# The command modules, in the order --help lists their commands.
COMMANDS = (workspace, transfer, report, reports, search, places, evidence, duplicates)

# What an unexpected error (a bug) exits with: EX_SOFTWARE.
INTERNAL_ERROR = 70
# What a shell reports for a program ended by SIGPIPE (128 + 13).
SIGPIPE_EXIT = 141


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="incident-desk",
        description=f"{APP_NAME}: incident records and situation reports for security analysts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    db_option(parser, main=True)
    registry = Registry(
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    )
    for module in COMMANDS:
        module.register(registry)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except DeskError as exc:
        fail(str(exc))
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("incident-desk: interrupted; nothing was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``search … | head -1``): what it wanted is printed. Output
        # still buffered must not fail again at exit, so it goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    except Exception as exc:  # a bug: one line for the analyst, the traceback in a file
        report = _write_crash_report()
        where = f"; details in {report}" if report else ""
        fail(f"unexpected error ({type(exc).__name__}: {exc}){where}. Please report it.")
        return INTERNAL_ERROR


def _write_crash_report() -> Path | None:
    """The current exception's traceback in a file of its own (None when none can be made)."""
    import traceback

    from desktop.store.backup import private_folder
    from desktop.store.locations import crash_report_path

    try:
        path = crash_report_path()
        private_folder(path.parent)
        text = f"incident-desk {__version__} {' '.join(sys.argv[1:])}\n{traceback.format_exc()}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except (OSError, DeskError):
        return None
    return path


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _open_app(args.db)
    if (run := getattr(args, "run", None)) is not None:
        return int(run(args))
    # Here, not at the top: the window's start must not wait for SQLAlchemy (views/app.py).
    from desktop.store.engine import open_database

    db = open_database(args.db)
    if db.notice:
        print(db.notice, file=sys.stderr)
    try:
        return int(args.run_with_database(db, args))
    finally:
        db.close()


def _open_app(target: str | None) -> int:
    # Start-up makes a great many objects that all live on: looking for garbage among them
    # while they are being made is wasted work. views/app.py collects once, when it is done.
    gc.disable()
    try:
        # Imported by name so that Qt loads only for the GUI, never for headless commands.
        app = importlib.import_module("desktop.views.app")
    except ImportError:
        gc.enable()
        print(
            "incident-desk: the desktop window is not available in this build yet; "
            "use the commands listed by 'incident-desk --help'.",
            file=sys.stderr,
        )
        return USAGE_ERROR
    return int(app.run(target))
