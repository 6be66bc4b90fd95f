"""``export pdf``: the situation report, with the export dialog's rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli.common import (
    USAGE_ERROR,
    country_arg,
    event_type_arg,
    fail,
    iso_date_arg,
    marking_arg,
    say,
    text_arg,
)
from desktop.errors import ValidationError
from desktop.services.dto import IncidentQuery
from desktop.services.report_request import (
    KEY_POINTS,
    LATEST,
    MARKING,
    NONE,
    PERIOD,
    TITLE,
    check_request,
    report_id,
)
from desktop.wording import plural, printable

if TYPE_CHECKING:
    from desktop.cli.registry import Registry
    from desktop.store.engine import Database


def register(registry: Registry) -> None:
    pdf = registry.export("pdf", "a situation report (SITREP) as PDF", _export_pdf)
    pdf.add_argument("--out", type=Path, required=True, help="PDF file to write")
    pdf.add_argument("--since", type=iso_date_arg, metavar="YYYY-MM-DD", help="first day covered")
    pdf.add_argument("--until", type=iso_date_arg, metavar="YYYY-MM-DD", help="last day covered")
    pdf.add_argument("--title", type=text_arg, help="report title (default: the last one used)")
    pdf.add_argument(
        "--marking",
        type=marking_arg,
        help="TLP label or classification line (raised to the strictest incident's)",
    )
    pdf.add_argument(
        "--country",
        type=country_arg,
        action="append",
        default=[],
        metavar="CC",
        help="ISO country code (repeatable)",
    )
    pdf.add_argument("--tag", type=text_arg, action="append", default=[], help="tag (repeatable)")
    pdf.add_argument(
        "--type",
        dest="event_type",
        type=event_type_arg,
        action="append",
        default=[],
        metavar="TYPE",
        help="ACLED event type (repeatable)",
    )
    pdf.add_argument("--author", type=text_arg, help="author printed on the report (remembered)")
    pdf.add_argument(
        "--organisation", type=text_arg, help="organisation on the report (remembered)"
    )
    pdf.add_argument(
        "--key-point",
        type=text_arg,
        action="append",
        metavar="TEXT",
        help="a key point (BLUF) bullet, repeatable; replaces the remembered ones",
    )
    pdf.add_argument(
        "--assessment", type=text_arg, metavar="TEXT", help="assessment and outlook (remembered)"
    )
    pdf.add_argument(
        "--compare-with",
        type=compare_arg,
        default=LATEST,
        metavar="REPORT_ID|latest|none",
        help="the earlier report whose changes the report shows (default: the latest report "
        "of the same scope; 'incident-desk reports' lists them)",
    )
    pdf.add_argument(
        "--accept-drafted-bluf",
        action="store_true",
        help="print the bottom line drafted from the data as the key points, when none "
        "are given (without it, the draft is only suggested on stderr)",
    )


def compare_arg(value: str) -> str | None:
    """``none`` (None), ``latest`` (the default), or a report id in its stored form."""
    text_arg(value)
    if value.strip().lower() == NONE:
        return None
    if value.strip().lower() == LATEST:
        return LATEST
    try:
        return report_id(value)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
        fail(f"{_OPTION_OF.get(problem.about, 'export pdf')}: {problem.message}")
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
    result = export_sitrep(
        db,
        args.out,
        query,
        options,
        compare_with=args.compare_with,
        use_drafted_bluf=args.accept_drafted_bluf,
    )
    if texts != stored or scope != remembered.scope:
        # An accepted draft is this report's only: the next one drafts from its own data.
        remember_report(db, texts, scope, remembered)
    raised = " (raised to match its incidents)" if result.marking_raised else ""
    recorded = f", recorded as report {result.report_id}" if result.report_id else ""
    say(
        f"Wrote {result.path}: {plural(result.pages, 'page')}, "
        f"{plural(result.incidents, 'incident')}, "
        f"marked {result.marking}{raised}{recorded}"
    )
    if result.changes:
        say(f"{result.changes} (compared with report {result.compared_with})")
    if not texts.key_points:
        _tell_draft(result.drafted_bluf, accepted=args.accept_drafted_bluf)
    return 0


def _tell_draft(draft: tuple[str, ...], *, accepted: bool) -> None:
    """The drafted bottom line: said as printed when accepted, else suggested on stderr."""
    if accepted:
        say("Key points drafted from the data (as accepted):")
        for point in draft:
            say(f"  • {point}")
        return
    print(
        "No key points were given; a bottom line drafted from the data (not printed in "
        "the report: add --accept-drafted-bluf to print it, or give --key-point):",
        file=sys.stderr,
    )
    for point in draft:
        print(printable(f"  • {point}"), file=sys.stderr)
