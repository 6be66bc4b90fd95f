"""Interchange files in and out: ``import FILE`` and ``export FORMAT`` per registered format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop import formats
from desktop.cli.common import USAGE_ERROR, fail, filter_options, filtered_query, say
from desktop.wording import plural

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.store.engine import Database

# Warnings an import prints at most: a file with thousands of them would bury the summary.
MAX_WARNINGS = 20


def register(registry: Registry) -> None:
    imp = registry.command(
        "import",
        f"import an interchange file (all or nothing): {formats.supported()}",
        _import,
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--format",
        dest="file_format",
        choices=[f.name for f in formats.readers()],
        help="read the file as this format (by default its content and name tell)",
    )
    # One command per registered writer (desktop/formats).
    for writer in formats.writers():
        export = registry.export(writer.name, writer.description, _export)
        export.add_argument("--out", type=Path, required=True, help="file to write")
        filter_options(export)
        if writer.with_history:
            export.add_argument(
                "--history", action="store_true", help="include each incident's change history"
            )


def _import(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.interchange import import_file

    reader = formats.reader(args.file_format) if args.file_format else None
    result = import_file(db, args.file, reader=reader)
    say(f"Imported {args.file}: {result.summary}")
    for line in result.shown_warnings(MAX_WARNINGS):
        fail(f"warning: {line}")
    return 0


def _export(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.interchange import export_file

    writer = formats.writer(args.format)
    if args.since and args.until and args.until < args.since:
        fail("--until is before --since: The period ends before it starts.")
        return USAGE_ERROR
    count = export_file(
        db,
        args.out,
        filtered_query(args),
        with_history=getattr(args, "history", False),
        writer=writer,
    )
    say(f"Exported {plural(count, 'incident')} to {args.out}")
    return 0
