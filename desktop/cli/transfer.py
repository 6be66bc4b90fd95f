"""Interchange files in and out: ``import FILE`` and ``export FORMAT`` per registered format."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import formats
from desktop.cli.common import USAGE_ERROR, fail, filter_options, filtered_query, say, text_arg
from desktop.errors import ValidationError
from desktop.formats import acled, table
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.cli.registry import Registry
    from desktop.formats.base import Format
    from desktop.store.engine import Database

# Warnings an import prints at most: a file with thousands of them would bury the summary.
MAX_WARNINGS = 20
# ``import --format table``: a spreadsheet, CSV or XLSX, whichever the file is.
TABLE = "table"


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
        choices=[*(f.name for f in formats.readers()), TABLE],
        help="read the file as this format (by default its content and name tell); "
        f"{TABLE}: a CSV or XLSX spreadsheet, whichever it is",
    )
    imp.add_argument(
        "--map",
        dest="mapping",
        type=_field_column,
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="spreadsheets: the column (its header, or its letter) holding a field, named by "
        "its interchange path: title, when.start, where.country, citation.grade … "
        "(repeatable; the other columns are guessed from their headers)",
    )
    imp.add_argument(
        "--header-row",
        type=_row_number,
        metavar="N",
        help="spreadsheets: the row holding the headers, counted as the sheet counts "
        "(by default the one of the first 20 that names most fields)",
    )
    imp.add_argument(
        "--sheet", type=text_arg, default="", help="XLSX: the sheet to read (by default the first)"
    )
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="spreadsheets and ACLED: import the valid rows and list the others, rather than "
        "refuse the file",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="check and count everything, write nothing"
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


def _field_column(value: str) -> tuple[str, str]:
    field, sep, column = text_arg(value).partition("=")
    if not sep or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not FIELD=COLUMN (when.start=Date)")
    return field.strip(), column.strip()


def _row_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a row number (1 is the first row)")
    return int(value)


def _reader(args: argparse.Namespace) -> Format | None:
    """The reader the options ask for, told the spreadsheet options; None: the file's
    content and name choose, as for any import."""
    name = args.file_format
    spreadsheet = bool(args.mapping or args.header_row or args.sheet)
    if name is None and (spreadsheet or args.skip_invalid):
        from desktop.services.filebytes import read_bytes

        name = formats.reader_for(args.file.name, read_bytes(args.file)).name
    if name in (TABLE, "csv", "xlsx"):
        options = table.Options(
            mapping=dict(args.mapping),
            header_row=args.header_row,
            sheet=args.sheet,
            skip_invalid=args.skip_invalid,
        )
        return table.with_options(formats.reader("csv"), options)
    if spreadsheet:
        raise ValidationError(
            "", "--map, --header-row and --sheet are for spreadsheets (CSV or XLSX)"
        )
    if name == "acled":
        return acled.with_skip(args.skip_invalid)
    if args.skip_invalid:
        raise ValidationError("", "--skip-invalid is for spreadsheets and ACLED files")
    return formats.reader(name) if name else None


def _import(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.interchange import import_file

    result = import_file(db, args.file, reader=_reader(args), dry_run=args.dry_run)
    say(f"{'Checked' if args.dry_run else 'Imported'} {args.file}: {result.summary}")
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
