"""``duplicates``: the workspace's candidate duplicate pairs, best first, as lines or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from desktop.cli.common import limit_arg, say
from desktop.wording import plural, printable_json

if TYPE_CHECKING:
    from desktop.cli.registry import Registry
    from desktop.services.duplicates import Candidate
    from desktop.store.engine import Database

# The service's defaults, repeated so that --help needs no SQLAlchemy (tests check they agree).
DEFAULT_MIN_SCORE = 0.6
DEFAULT_DAYS = 2
# A whole workspace lists each incident's few best candidates, not every pair that scores:
# past a handful they are other events of the same day and place, more than anyone reviews.
PER_INCIDENT = 3


def score_arg(value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0 <= score <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return score


def days_arg(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 0 <= days <= 31:
        raise argparse.ArgumentTypeError("must be between 0 and 31")
    return days


def register(registry: Registry) -> None:
    find = registry.command(
        "duplicates", "incidents that may record the same event, best first", _duplicates
    )
    find.description = (
        "Incidents that may record the same event, best first, with the reasons. Each "
        f"incident's {PER_INCIDENT} best candidates are listed (a pair when either of its "
        "incidents keeps it), not every pair that scores: past a handful they are other "
        "events of the same day and place. See docs/duplicates.md."
    )
    find.add_argument(
        "--json",
        action="store_true",
        help='print a JSON list of {"a": ID, "b": ID, "score": S, "reasons": [...]}',
    )
    find.add_argument(
        "--min-score",
        type=score_arg,
        default=DEFAULT_MIN_SCORE,
        help=f"lowest score listed, 0-1 (default: {DEFAULT_MIN_SCORE})",
    )
    find.add_argument("--limit", type=limit_arg, default=None, help="most pairs to list")
    find.add_argument(
        "--days",
        type=days_arg,
        default=DEFAULT_DAYS,
        help=f"most days between two periods compared (default: {DEFAULT_DAYS})",
    )


def _duplicates(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.duplicates import find_pairs

    pairs = find_pairs(db, min_score=args.min_score, limit=args.limit, days=args.days)
    if args.json:
        listed = [
            {"a": c.a.id, "b": c.b.id, "score": c.score, "reasons": list(c.reasons)} for c in pairs
        ]
        print(printable_json(json.dumps(listed, ensure_ascii=False)))
        return 0
    for candidate in pairs:
        for line in _lines(candidate):
            say(line)
    if pairs:
        print(
            f"{plural(len(pairs), 'pair')}. Review them in the app: Edit ▸ Find duplicates….",
            file=sys.stderr,
        )
    else:
        print(f"No candidate pairs scoring {args.min_score:g} or more.", file=sys.stderr)
    return 0


def _lines(c: Candidate) -> tuple[str, str, str]:
    return (
        f"{c.score:.2f}  {c.a.when}  {c.a.title}  [{c.a.id}]",
        f"      {c.b.when}  {c.b.title}  [{c.b.id}]",
        f"      {' · '.join(c.reasons)}",
    )
