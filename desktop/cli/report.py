"""``export pdf``: the situation report, with the export dialog's rules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli.common import (
    USAGE_ERROR,
    fail,
    filter_options,
    filtered_query,
    marking_arg,
    say,
    text_arg,
)
from desktop.services.report_request import KEY_POINTS, MARKING, PERIOD, TITLE, check_request
from desktop.wording import plural

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.store.engine import Database


def register(registry: Registry) -> None:
    pdf = registry.export(
        "pdf", "a situation report (SITREP) as PDF, or as an editable DOCX", _export_pdf
    )
    pdf.add_argument(
        "--out", type=Path, required=True, help="file to write: NAME.pdf, or NAME.docx to edit"
    )
    filter_options(pdf)
    pdf.add_argument("--title", type=text_arg, help="report title (default: the last one used)")
    pdf.add_argument(
        "--marking",
        type=marking_arg,
        help="TLP label or classification line (raised to the strictest incident's)",
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

    query = filtered_query(args)
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
    result = export_sitrep(db, args.out, query, options)
    if texts != stored or scope != remembered.scope:
        remember_report(db, texts, scope, remembered)
    raised = " (raised to match its incidents)" if result.marking_raised else ""
    pages = f"{plural(result.pages, 'page')}, " if result.pages else ""  # a DOCX: Word's
    say(
        f"Wrote {result.path}: {pages}"
        f"{plural(result.incidents, 'incident')}, "
        f"marked {result.marking}{raised}"
    )
    return 0
