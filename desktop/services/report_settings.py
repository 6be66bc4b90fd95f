"""The analyst's report texts, kept with the database for the next report.

Key points, the assessment, author and organisation change slowly from one SITREP to the next,
so they are stored in the workspace's ``settings`` table rather than typed again each time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from desktop.reports.sitrep_data import ReportOptions
from desktop.store.models import Setting

if TYPE_CHECKING:
    from desktop.store.engine import Database

KEY = "report.defaults"
MAX_KEY_POINTS = 10


@dataclass(frozen=True)
class ReportTexts:
    title: str = "Situation Report"
    author: str = ""
    organisation: str = ""
    marking: str = "TLP:CLEAR"
    key_points: tuple[str, ...] = ()
    assessment: str = ""

    def options(self) -> ReportOptions:
        """The report's options with these texts (filters come from the query)."""
        return ReportOptions(
            title=self.title,
            marking=self.marking,
            author=self.author,
            organisation=self.organisation,
            key_points=self.key_points,
            assessment=self.assessment,
        )


def load_report_texts(db: Database) -> ReportTexts:
    with db.begin() as session:
        row = session.get(Setting, KEY)
        if row is None:
            return ReportTexts()
        try:
            stored = json.loads(row.value)
        except json.JSONDecodeError:
            return ReportTexts()  # a damaged value must not block a report
    known = {f.name for f in fields(ReportTexts)}
    values = {k: v for k, v in stored.items() if k in known} if isinstance(stored, dict) else {}
    if isinstance(values.get("key_points"), list):
        values["key_points"] = tuple(str(p) for p in values["key_points"])
    try:
        return ReportTexts(**values)
    except TypeError:
        return ReportTexts()


def save_report_texts(db: Database, texts: ReportTexts) -> None:
    """Remember ``texts`` for the next report; a read-only workspace remembers nothing.

    Reports from a workspace on read-only media are still written: only the memory is lost.
    """
    if db.read_only:
        return
    points = tuple(p.strip() for p in texts.key_points if p.strip())[:MAX_KEY_POINTS]
    value = json.dumps({**asdict(texts), "key_points": list(points)}, ensure_ascii=False)
    with db.begin() as session:
        row = session.get(Setting, KEY)
        if row is None:
            session.add(Setting(key=KEY, value=value))
        else:
            row.value = value
