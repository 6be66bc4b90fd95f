"""The ``incident-desk`` command: the desktop app, and headless commands for scripts.

Every user error is one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import APP_NAME, __version__, formats, phrases
from desktop.domain import EVENT_TYPES, country_codes, normalise_marking
from desktop.errors import DeskError
from desktop.services.dto import IncidentQuery, IncidentRow
from desktop.services.report_request import (
    KEY_POINTS,
    MARKING,
    PERIOD,
    TITLE,
    check_request,
    marking_problem,
)
from desktop.store.locations import ENV_VAR
from desktop.wording import plural, printable, printable_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.store.engine import Database

USAGE_ERROR = 2
# What an unexpected error (a bug) exits with: EX_SOFTWARE.
INTERNAL_ERROR = 70
# What a shell reports for a program ended by SIGPIPE (128 + 13).
SIGPIPE_EXIT = 141
# A search lists at most this many incidents: every incident a workspace can hold (its
# search index orders 2**24 of them, desktop.store.fts5), so a larger --limit means "all"
# and is lowered to this rather than overflowing the database's integers.
MAX_SEARCH_LIMIT = 1 << 24
# Warnings an import prints at most: a file with thousands of them would bury the summary.
MAX_WARNINGS = 20


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus the message; one clear line is friendlier in scripts.
        self.exit(USAGE_ERROR, f"{self.prog}: {printable(message)}\n")


def _db_option(parser: argparse.ArgumentParser, *, main: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        # Only the main parser has a default: a command's own default would silently replace
        # a --db given before the command name (argparse applies sub-parser defaults last).
        default=None if main else argparse.SUPPRESS,
        help=f"database file or URL (default: ${ENV_VAR}, else the per-user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="incident-desk",
        description=f"{APP_NAME}: incident records and situation reports for security analysts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_option(parser, main=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sample = commands.add_parser("sample", help="load the sample workspace (safe to repeat)")
    _db_option(sample)

    imp = commands.add_parser(
        "import",
        help=f"import an interchange file (all or nothing): {formats.supported()}",
    )
    imp.add_argument("file", type=Path)
    _db_option(imp)

    export = commands.add_parser("export", help="export incidents")
    kinds = export.add_subparsers(
        dest="format", metavar="FORMAT", parser_class=_Parser, required=True
    )
    # One command per registered writer (desktop/formats); pdf is a report, not one of them.
    for writer in formats.writers():
        interchange = kinds.add_parser(writer.name, help=writer.description)
        _db_option(interchange)
        interchange.add_argument("--out", type=Path, required=True, help="file to write")
        if writer.with_history:
            interchange.add_argument(
                "--history", action="store_true", help="include each incident's change history"
            )

    pdf = kinds.add_parser("pdf", help="a situation report (SITREP) as PDF")
    _db_option(pdf)
    pdf.add_argument("--out", type=Path, required=True, help="PDF file to write")
    pdf.add_argument("--since", type=_iso_date, metavar="YYYY-MM-DD", help="first day covered")
    pdf.add_argument("--until", type=_iso_date, metavar="YYYY-MM-DD", help="last day covered")
    pdf.add_argument("--title", type=_text, help="report title (default: the last one used)")
    pdf.add_argument(
        "--marking",
        type=_marking,
        help="TLP label or classification line (raised to the strictest incident's)",
    )
    pdf.add_argument(
        "--country",
        type=_country,
        action="append",
        default=[],
        metavar="CC",
        help="ISO country code (repeatable)",
    )
    pdf.add_argument("--tag", type=_text, action="append", default=[], help="tag (repeatable)")
    pdf.add_argument(
        "--type",
        dest="event_type",
        type=_event_type,
        action="append",
        default=[],
        metavar="TYPE",
        help="ACLED event type (repeatable)",
    )
    pdf.add_argument("--author", type=_text, help="author printed on the report (remembered)")
    pdf.add_argument("--organisation", type=_text, help="organisation on the report (remembered)")
    pdf.add_argument(
        "--key-point",
        type=_text,
        action="append",
        metavar="TEXT",
        help="a key point (BLUF) bullet, repeatable; replaces the remembered ones",
    )
    pdf.add_argument(
        "--assessment", type=_text, metavar="TEXT", help="assessment and outlook (remembered)"
    )

    backup = commands.add_parser(
        "backup", help="copy a workspace file consistently (also while the app has it open)"
    )
    _db_option(backup)
    backup.add_argument("--out", type=Path, required=True, help="backup file to write")

    restore = commands.add_parser(
        "restore",
        help="replace a workspace file with a backup (the replaced file is kept beside it)",
    )
    restore.add_argument("file", type=Path, help="the backup file")
    _db_option(restore)

    find = commands.add_parser("search", help="full-text search, best matches first")
    find.add_argument("query", type=_text)
    find.add_argument("--json", action="store_true", help="print JSON lines")
    find.add_argument("--limit", type=_limit, default=50, help="most matches to list (default: 50)")
    _db_option(find)
    return parser


def _text(value: str) -> str:
    """Text as given, if it is text: arguments that are not valid UTF-8 reach Python with
    their bytes kept as lone surrogates, which no database, file or PDF can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "is not valid UTF-8 text (check the terminal's or the script's encoding)"
        ) from None
    return value


def _limit(value: str) -> int:
    try:
        limit = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if limit < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return min(limit, MAX_SEARCH_LIMIT)


def _iso_date(value: str) -> date:
    _text(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def _marking(value: str) -> str:
    marking = _text(value)
    if (problem := marking_problem(marking)) is not None:
        raise argparse.ArgumentTypeError(problem.message)
    return normalise_marking(marking)


def _country(value: str) -> str:
    _text(value)
    code = value.strip().upper()
    if code not in country_codes():
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


def _event_type(value: str) -> str:
    _text(value)
    for name in EVENT_TYPES:
        if name.casefold() == value.strip().casefold():
            return name
    raise argparse.ArgumentTypeError(
        f"'{value}' is not an ACLED event type ({', '.join(EVENT_TYPES)})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except DeskError as exc:
        _fail(str(exc))
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
        _fail(f"unexpected error ({type(exc).__name__}: {exc}){where}. Please report it.")
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


def _say(text: str) -> None:
    """Print a line of output: workspace and file text (titles, paths) may hold terminal
    escapes, printed escaped (wording.printable)."""
    print(printable(text))


def _fail(text: str) -> None:
    """Print a user error: one line on stderr, escaped like every other printed text."""
    print(f"incident-desk: {printable(text)}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _open_app(args.db)
    # Neither opens (nor upgrades) the workspace: a restore is for one that cannot be opened.
    if args.command == "backup":
        return _backup(args)
    if args.command == "restore":
        return _restore(args)
    # Here, not at the top: the window's start must not wait for SQLAlchemy (views/app.py).
    from desktop.store.engine import open_database

    db = open_database(args.db)
    try:
        handler = {"sample": _sample, "import": _import, "export": _export, "search": _search}
        return handler[args.command](db, args)
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


def _backup(args: argparse.Namespace) -> int:
    from desktop.store.backup import backup_database

    out = backup_database(args.db, args.out)
    _say(f"Backed up to {out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.store.backup import restore_database

    result = restore_database(args.file, args.db)
    kept = f"; the replaced workspace was kept as {result.kept}" if result.kept else ""
    _say(f"Restored {result.target} from {args.file}{kept}")
    return 0


def _sample(db: Database, _args: argparse.Namespace) -> int:
    from desktop.services.sample import load_sample

    result = load_sample(db)
    _say(f"Sample workspace loaded into {db.location}: {result.summary}")
    return 0


def _import(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.interchange import import_file

    result = import_file(db, args.file)
    _say(f"Imported {args.file}: {result.summary}")
    for line in result.shown_warnings(MAX_WARNINGS):
        _fail(f"warning: {line}")
    return 0


def _export(db: Database, args: argparse.Namespace) -> int:
    if args.format == "pdf":
        return _export_pdf(db, args)
    from desktop.services.interchange import export_file

    writer = formats.writer(args.format)
    count = export_file(db, args.out, with_history=getattr(args, "history", False), writer=writer)
    _say(f"Exported {plural(count, 'incident')} to {args.out}")
    return 0


# The option a report request's problem is about (services.report_request).
_OPTION_OF = {
    PERIOD: "--until is before --since",
    TITLE: "--title",
    MARKING: "--marking",
    KEY_POINTS: "--key-point",
}


def _export_pdf(db: Database, args: argparse.Namespace) -> int:
    from desktop.reports.sitrep_data import ReportOptions
    from desktop.services.report_settings import (
        ReportScope,
        ReportTexts,
        load_remembered,
        remember_report,
    )
    from desktop.services.reporting import export_sitrep

    query = IncidentQuery(
        since=args.since,
        until=args.until,
        countries=tuple(args.country),
        tags=tuple(args.tag),
        event_types=tuple(args.event_type),
    )
    remembered = load_remembered(db)
    scope = ReportScope.of(query)
    # Key points and an assessment written for another scope would be wrong here.
    stored = remembered.for_scope(scope)
    left_out = [
        words
        for words, remembered_text, given in (
            ("key points", remembered.texts.key_points, args.key_point),
            ("assessment", remembered.texts.assessment, args.assessment),
        )
        if remembered_text and given is None and not remembered.fits(scope)
    ]
    texts = ReportTexts(
        title=args.title if args.title is not None else stored.title,
        author=args.author if args.author is not None else stored.author,
        organisation=args.organisation if args.organisation is not None else stored.organisation,
        marking=args.marking or stored.marking,
        key_points=tuple(args.key_point) if args.key_point is not None else stored.key_points,
        assessment=args.assessment if args.assessment is not None else stored.assessment,
    )
    # The export dialog's rules, in its words, each after the option it is about.
    problems = check_request(
        since=args.since,
        until=args.until,
        title=texts.title,
        marking=texts.marking,
        key_points=texts.key_points,
    )
    for problem in problems:
        _fail(f"{_OPTION_OF.get(problem.about, 'export pdf')}: {problem.message}")
    if problems:
        return USAGE_ERROR
    if left_out:
        print(
            f"Remembered {' and '.join(left_out)} left out: "
            f"{'they were' if len(left_out) > 1 else 'it was'} written for "
            f"{remembered.origin()}, not this report's scope ({scope.words}); "
            "give --key-point/--assessment to set them.",
            file=sys.stderr,
        )
    options = ReportOptions(
        title=texts.title,
        marking=texts.marking,
        author=texts.author,
        organisation=texts.organisation,
        key_points=texts.key_points,
        assessment=texts.assessment,
    )
    result = export_sitrep(db, args.out, query, options)
    if texts != stored or scope != remembered.scope:
        remember_report(db, texts, scope, remembered)
    raised = " (raised to match its incidents)" if result.marking_raised else ""
    _say(
        f"Wrote {result.path}: {plural(result.pages, 'page')}, "
        f"{plural(result.incidents, 'incident')}, "
        f"marked {result.marking}{raised}"
    )
    return 0


def _search(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.incidents import list_incidents

    query = IncidentQuery(text=args.query, sort="relevance")
    rows = list_incidents(db, query, limit=args.limit)
    for row in rows:
        if args.json:
            print(printable_json(json.dumps(_row_json(row), ensure_ascii=False)))
        else:
            _say(_row_line(row))
    if not rows and not args.json:
        print(f"No incident matches {printable(repr(args.query))}.", file=sys.stderr)
    return 0


def _row_json(row: IncidentRow) -> dict[str, object]:
    return {
        "id": row.id,
        "start": row.start.isoformat(),
        "title": row.title,
        "place": row.place,
        "event_type": row.event_type,
        "status": str(row.status),
        "confidence": str(row.confidence),
        "sources": row.source_count,
        "marking": row.marking,
    }


def _row_line(row: IncidentRow) -> str:
    # An exact time in UTC with its "Z", else the day.
    when = phrases.moment_text(row.start)
    return f"{when}  {row.title}  —  {row.place or 'place unknown'}  [{row.status}, {row.marking}]"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
