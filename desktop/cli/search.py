"""``search``: full-text search from a script, as lines or JSON lines."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from desktop import phrases
from desktop.cli.common import limit_arg, say, text_arg
from desktop.services.dto import IncidentQuery, IncidentRow
from desktop.wording import printable, printable_json

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.store.engine import Database


def register(registry: Registry) -> None:
    find = registry.command("search", "full-text search, best matches first", _search)
    find.add_argument("query", type=text_arg)
    find.add_argument("--json", action="store_true", help="print JSON lines")
    find.add_argument(
        "--limit", type=limit_arg, default=50, help="most matches to list (default: 50)"
    )


def _search(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.incidents import list_incidents

    query = IncidentQuery(text=args.query, sort="relevance")
    rows = list_incidents(db, query, limit=args.limit)
    for row in rows:
        if args.json:
            print(printable_json(json.dumps(_row_json(row), ensure_ascii=False)))
        else:
            say(_row_line(row))
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
