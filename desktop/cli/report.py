"""``export pdf``: the situation report, with the export dialog's rules."""

from __future__ import annotations

import argparse
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
from desktop.errors import ValidationError
from desktop.reports.sitrep_judgements import Judgement
from desktop.services.report_request import (
    JUDGEMENTS,
    KEY_POINTS,
    LATEST,
    MARKING,
    MAX_MARKING,
    NONE,
    PERIOD,
    TITLE,
    check_request,
    report_id,
)
from desktop.services.significance import SignificanceRule, parse_rule
from desktop.wording import plural, printable

if TYPE_CHECKING:
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
    pdf.add_argument(
        "--max-marking",
        type=marking_arg,
        metavar="TLP",
        help="a releasable version: leave out incidents marked above this TLP label, say how "
        "many, and mark every page at this level",
    )
    pdf.add_argument(
        "--significant",
        type=_rule_arg,
        metavar="RULE",
        help="which incidents are printed in full (the others are in Annex A): comma-separated "
        "terms confirmed, casualties, casualties>=N, top=N, or all, or none "
        "(default: the last rule used, at first confirmed,casualties,top=20)",
    )
    pdf.add_argument(
        "--pin",
        type=text_arg,
        action="append",
        default=[],
        metavar="ID",
        help="an incident printed in full whatever the rule: its id or its first 8+ characters "
        "(repeatable)",
    )
    pdf.add_argument(
        "--unpin",
        type=text_arg,
        action="append",
        default=[],
        metavar="ID",
        help="an incident never printed in full (repeatable)",
    )
    pdf.add_argument(
        "--judgement",
        type=_judgement_arg,
        action="append",
        metavar="'TEXT|LIKELIHOOD|CONFIDENCE|IDS|ASSUMPTION|INDICATOR'",
        help="a key judgement, repeatable; replaces the remembered ones. Six fields split by "
        "'|': the judgement; an ICD 203 word (almost no chance, very unlikely, unlikely, "
        "roughly even chance, likely, very likely, almost certain); the analytic confidence "
        "(low, moderate, high); the incidents it rests on (ids or their first 8+ "
        "characters, split by commas or spaces); the key assumption; the indicator to watch. "
        "The last three may be left empty",
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


def _rule_arg(value: str) -> SignificanceRule:
    try:
        return parse_rule(text_arg(value))
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def _judgement_arg(value: str) -> Judgement:
    fields = [part.strip() for part in text_arg(value).split("|")]
    if len(fields) < 3 or len(fields) > 6:
        raise argparse.ArgumentTypeError(
            "give TEXT|LIKELIHOOD|CONFIDENCE, then optionally |IDS|ASSUMPTION|INDICATOR "
            f"({len(fields)} field{'s' if len(fields) != 1 else ''} given)"
        )
    fields += [""] * (6 - len(fields))
    text, likelihood, confidence, ids, assumption, indicator = fields
    return Judgement(
        text, likelihood, confidence, tuple(ids.replace(",", " ").split()), assumption, indicator
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
    MAX_MARKING: "--max-marking",
    KEY_POINTS: "--key-point",
    JUDGEMENTS: "--judgement",
}


def _export_pdf(db: Database, args: argparse.Namespace) -> int:
    from desktop.reports.sitrep_data import ReportOptions
    from desktop.services.report_settings import (
        ReportScope,
        ReportTexts,
        load_remembered,
        remember_report,
    )
    from desktop.services.reporting import Selection, export_sitrep

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
            ("key judgements", remembered.texts.judgements, args.judgement),
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
        judgements=tuple(args.judgement) if args.judgement is not None else stored.judgements,
        significance=args.significant.text if args.significant else stored.significance,
    )
    try:
        rule = args.significant or parse_rule(texts.significance)
    except ValidationError:  # a damaged remembered rule: the default one
        rule = SignificanceRule()
    # The export dialog's rules, in its words, each after the option it is about.
    problems = check_request(
        since=args.since,
        until=args.until,
        title=texts.title,
        marking=texts.marking,
        key_points=texts.key_points,
        max_marking=args.max_marking or "",
        judgements=texts.judgements,
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
            "give --key-point/--assessment/--judgement to set them.",
            file=sys.stderr,
        )
    options = ReportOptions(
        title=texts.title,
        marking=texts.marking,
        author=texts.author,
        organisation=texts.organisation,
        key_points=texts.key_points,
        assessment=texts.assessment,
        judgements=texts.judgements,
        max_marking=args.max_marking or "",
    )
    selection = Selection(rule, tuple(args.pin), tuple(args.unpin))
    result = export_sitrep(
        db,
        args.out,
        query,
        options,
        selection=selection,
        compare_with=args.compare_with,
        use_drafted_bluf=args.accept_drafted_bluf,
    )
    if texts != stored or scope != remembered.scope:
        # An accepted draft is this report's only: the next one drafts from its own data.
        remember_report(db, texts, scope, remembered)
    raised = " (raised to match its incidents)" if result.marking_raised else ""
    withheld = (
        f", {plural(result.withheld, 'incident')} withheld above {args.max_marking}"
        if args.max_marking
        else ""
    )
    recorded = f", recorded as report {result.report_id}" if result.report_id else ""
    pages = f"{plural(result.pages, 'page')}, " if result.pages else ""  # a DOCX: Word's
    say(
        f"Wrote {result.path}: {pages}"
        f"{plural(result.incidents, 'incident')}, {result.significant:,} in full{withheld}, "
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
