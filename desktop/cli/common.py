"""What every command shares: the parser class, the --db option, argument types and output.

Every user error is one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from desktop.domain import EVENT_TYPES, country_codes, normalise_marking
from desktop.services.dto import IncidentQuery
from desktop.services.report_request import marking_problem
from desktop.store.locations import ENV_VAR
from desktop.wording import printable

USAGE_ERROR = 2
# A search lists at most this many incidents: every incident a workspace can hold (its
# search index orders 2**24 of them, desktop.store.fts5), so a larger --limit means "all"
# and is lowered to this rather than overflowing the database's integers.
MAX_SEARCH_LIMIT = 1 << 24


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage plus the message; one clear line is friendlier in scripts.
        self.exit(USAGE_ERROR, f"{self.prog}: {printable(message)}\n")


def db_option(parser: argparse.ArgumentParser, *, main: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        # Only the main parser has a default: a command's own default would silently replace
        # a --db given before the command name (argparse applies sub-parser defaults last).
        default=None if main else argparse.SUPPRESS,
        help=f"database file or URL (default: ${ENV_VAR}, else the per-user data folder)",
    )


def text_arg(value: str) -> str:
    """Text as given, if it is text: arguments that are not valid UTF-8 reach Python with
    their bytes kept as lone surrogates, which no database, file or PDF can take."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "is not valid UTF-8 text (check the terminal's or the script's encoding)"
        ) from None
    return value


def limit_arg(value: str) -> int:
    try:
        limit = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if limit < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return min(limit, MAX_SEARCH_LIMIT)


def iso_date_arg(value: str) -> date:
    text_arg(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def marking_arg(value: str) -> str:
    marking = text_arg(value)
    if (problem := marking_problem(marking)) is not None:
        raise argparse.ArgumentTypeError(problem.message)
    return normalise_marking(marking)


def country_arg(value: str) -> str:
    text_arg(value)
    code = value.strip().upper()
    if code not in country_codes():
        raise argparse.ArgumentTypeError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return code


def event_type_arg(value: str) -> str:
    text_arg(value)
    for name in EVENT_TYPES:
        if name.casefold() == value.strip().casefold():
            return name
    raise argparse.ArgumentTypeError(
        f"'{value}' is not an ACLED event type ({', '.join(EVENT_TYPES)})"
    )


def filter_options(parser: argparse.ArgumentParser) -> None:
    """The options choosing which incidents an export holds: the SITREP's, for every export."""
    parser.add_argument(
        "--since", type=iso_date_arg, metavar="YYYY-MM-DD", help="first day covered"
    )
    parser.add_argument("--until", type=iso_date_arg, metavar="YYYY-MM-DD", help="last day covered")
    parser.add_argument(
        "--country",
        type=country_arg,
        action="append",
        default=[],
        metavar="CC",
        help="ISO country code (repeatable)",
    )
    parser.add_argument(
        "--tag", type=text_arg, action="append", default=[], help="tag (repeatable)"
    )
    parser.add_argument(
        "--type",
        dest="event_type",
        type=event_type_arg,
        action="append",
        default=[],
        metavar="TYPE",
        help="ACLED event type (repeatable)",
    )


def filtered_query(args: argparse.Namespace) -> IncidentQuery:
    """The incidents :func:`filter_options` chose."""
    return IncidentQuery(
        since=args.since,
        until=args.until,
        countries=tuple(args.country),
        tags=tuple(args.tag),
        event_types=tuple(args.event_type),
    )


def say(text: str) -> None:
    """Print a line of output: workspace and file text (titles, paths) may hold terminal
    escapes, printed escaped (wording.printable)."""
    print(printable(text))


def fail(text: str) -> None:
    """Print a user error: one line on stderr, escaped like every other printed text."""
    print(f"incident-desk: {printable(text)}", file=sys.stderr)
