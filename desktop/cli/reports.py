"""``reports``: the reports a workspace has recorded, for ``export pdf --compare-with``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from desktop.cli.common import say
from desktop.wording import plural, printable_json

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.store.engine import Database


def register(registry: Registry) -> None:
    listing = registry.command(
        "reports", "list the reports written from the workspace, newest first", _reports
    )
    listing.add_argument("--json", action="store_true", help="print JSON lines")


def _reports(db: Database, args: argparse.Namespace) -> int:
    from desktop.services.report_records import list_reports

    reports = list_reports(db)
    for report in reports:
        if args.json:
            print(printable_json(json.dumps(report.to_json(), ensure_ascii=False)))
        else:
            say(
                f"{report.id}  {report.dtg}  {plural(report.incidents, 'incident')}  "
                f"{report.marking}  {report.scope.words}"
            )
    if not reports and not args.json:
        say("No report has been recorded in this workspace yet.")
    return 0
