"""The analyst's report texts, kept with the database for the next report.

Key points, the assessment, author and organisation change slowly from one SITREP to the next,
so they are stored in the workspace's ``settings`` table rather than typed again each time.

Key points, key judgements and the assessment are judgements about the incidents one report
covered: printed over another country's or another week's incidents they are simply wrong,
and nothing on the page would say so. They are therefore stored with the scope (filters and
period) they were written for, and offered again only for that same scope (see
``Remembered``). The title, author, organisation, marking and the significance rule are not
judgements and are offered whatever the scope.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.reports.sitrep_data import Judgement, ReportOptions, dtg
from desktop.services.report_request import key_point_lines, key_points_problem
from desktop.services.reporting import describe_query, report_query
from desktop.services.significance import DEFAULT_RULE
from desktop.store.models import Setting

if TYPE_CHECKING:
    from desktop.services.dto import IncidentQuery
    from desktop.store.engine import Database

KEY = "report.defaults"


@dataclass(frozen=True)
class ReportTexts:
    title: str = "Situation Report"
    author: str = ""
    organisation: str = ""
    marking: str = "TLP:CLEAR"
    key_points: tuple[str, ...] = ()
    assessment: str = ""
    judgements: tuple[Judgement, ...] = ()  # key judgements: per scope, like key points
    significance: str = DEFAULT_RULE.text  # the rule's text (services.significance)

    def options(self) -> ReportOptions:
        """The report's options with these texts (filters come from the query)."""
        return ReportOptions(
            title=self.title,
            marking=self.marking,
            author=self.author,
            organisation=self.organisation,
            key_points=self.key_points,
            assessment=self.assessment,
            judgements=self.judgements,
        )


@dataclass(frozen=True)
class ReportScope:
    """What a report covered: its filters and period, comparable and storable as JSON."""

    filters: tuple[tuple[str, str], ...]  # (filter, value) pairs, in a fixed order
    words: str  # the filters in words, as the report's footer prints them

    @classmethod
    def of(cls, query: IncidentQuery) -> ReportScope:
        q = report_query(query)
        pairs: list[tuple[str, str]] = []
        for name in ("since", "until"):
            value = getattr(q, name)
            if value is not None:
                pairs.append((name, value.isoformat()))
        for name in ("countries", "event_types", "tags", "statuses", "confidences", "markings"):
            pairs += [(name, v) for v in sorted(set(getattr(q, name)))]
        if q.text.strip():
            pairs.append(("text", " ".join(q.text.split())))
        if q.source:
            pairs.append(("source", q.source))
        return cls(tuple(pairs), describe_query(q))

    def __eq__(self, other: object) -> bool:  # the words are only how it is shown
        return isinstance(other, ReportScope) and other.filters == self.filters

    def __hash__(self) -> int:
        return hash(self.filters)

    def to_json(self) -> dict[str, Any]:
        return {"filters": [list(pair) for pair in self.filters], "words": self.words}

    @classmethod
    def from_json(cls, value: object) -> ReportScope | None:
        if not isinstance(value, dict) or not isinstance(value.get("filters"), list):
            return None
        pairs = value["filters"]
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            return None
        return cls(tuple((str(k), str(v)) for k, v in pairs), str(value.get("words", "")))


@dataclass(frozen=True)
class Remembered:
    """The stored texts, the scope their key points and assessment were written for (None
    when not recorded: a value saved before scopes were) and when that report was written."""

    texts: ReportTexts = ReportTexts()
    scope: ReportScope | None = None
    written_at: datetime | None = None

    @property
    def has_judgements(self) -> bool:
        return bool(self.texts.key_points or self.texts.assessment or self.texts.judgements)

    def fits(self, scope: ReportScope) -> bool:
        """True if the key points and assessment may be offered for a report of ``scope``."""
        return not self.has_judgements or self.scope == scope

    def for_scope(self, scope: ReportScope) -> ReportTexts:
        """The texts to start a report of ``scope`` from: without the key points and the
        assessment when they were written for another scope."""
        if self.fits(scope):
            return self.texts
        return replace(self.texts, key_points=(), assessment="", judgements=())

    def origin(self) -> str:
        """``the report of 181200ZOCT23 (country Iraq)``: what they were written for."""
        report = f"the report of {dtg(self.written_at)}" if self.written_at else "an earlier report"
        if self.scope is None:
            return f"{report}, whose scope was not recorded"
        return f"{report} ({self.scope.words})"


def load_report_texts(db: Database) -> ReportTexts:
    return load_remembered(db).texts


def load_remembered(db: Database) -> Remembered:
    """The stored texts with their scope; defaults when nothing (readable) is stored."""
    with db.begin() as session:
        row = session.get(Setting, KEY)
        if row is None:
            return Remembered()
        try:
            stored = json.loads(row.value)
        except json.JSONDecodeError:
            return Remembered()  # a damaged value must not block a report
    if not isinstance(stored, dict):
        return Remembered()
    written = None
    try:
        written = datetime.fromisoformat(str(stored.get("written_at"))).astimezone(UTC)
    except ValueError:
        pass  # not recorded (a value from before scopes) or damaged: "an earlier report"
    return Remembered(_texts(stored), ReportScope.from_json(stored.get("scope")), written)


def _texts(stored: dict[str, Any]) -> ReportTexts:
    known = {f.name for f in fields(ReportTexts)}
    values = {k: v for k, v in stored.items() if k in known}
    if isinstance(values.get("key_points"), list):
        values["key_points"] = tuple(str(p) for p in values["key_points"])
    values["judgements"] = _judgements(values.get("judgements"))
    try:
        return ReportTexts(**values)
    except TypeError:
        return ReportTexts()


def _judgements(stored: object) -> tuple[Judgement, ...]:
    """Judgements as stored (a list of objects); a damaged entry is left out."""
    if not isinstance(stored, list):
        return ()
    judgements = []
    for item in stored:
        if not isinstance(item, dict):
            continue
        ids = item.get("incident_ids")
        judgements.append(
            Judgement(
                text=str(item.get("text", "")),
                likelihood=str(item.get("likelihood", "")),
                confidence=str(item.get("confidence", "")),
                incident_ids=tuple(str(i) for i in ids) if isinstance(ids, list) else (),
                assumption=str(item.get("assumption", "")),
                indicator=str(item.get("indicator", "")),
            )
        )
    return tuple(judgements)


def save_report_texts(
    db: Database,
    texts: ReportTexts,
    scope: ReportScope | None = None,
    written_at: datetime | None = None,
) -> None:
    """Remember ``texts``, written for a report of ``scope``, for the next report; a read-only
    workspace remembers nothing.

    Reports from a workspace on read-only media are still written: only the memory is lost.
    More than MAX_KEY_POINTS key points are refused (ValidationError), never cut silently:
    the dialog and the command line check the request before (services.report_request).
    """
    if db.read_only:
        return
    if (problem := key_points_problem(texts.key_points)) is not None:
        raise ValidationError("key_points", problem.message)
    points = key_point_lines(texts.key_points)
    stored: dict[str, Any] = {**asdict(texts), "key_points": list(points)}
    if scope is not None:
        stored["scope"] = scope.to_json()
    if written_at is not None:
        stored["written_at"] = written_at.astimezone(UTC).isoformat()
    value = json.dumps(stored, ensure_ascii=False)
    with db.begin() as session:
        row = session.get(Setting, KEY)
        if row is None:
            session.add(Setting(key=KEY, value=value))
        else:
            row.value = value


def remember_report(
    db: Database,
    texts: ReportTexts,
    scope: ReportScope,
    previous: Remembered,
    written_at: datetime | None = None,
) -> None:
    """Remember the texts of a report of ``scope`` just written.

    A report with no key points or assessment of its own, whose remembered ones were left
    out because they belong to another scope, keeps them (and their scope) for a later
    report of that scope: writing an unrelated report must not erase them.
    """
    written_at = written_at or datetime.now(UTC)
    if not (texts.key_points or texts.assessment or texts.judgements) and not previous.fits(scope):
        kept = replace(
            texts,
            key_points=previous.texts.key_points,
            assessment=previous.texts.assessment,
            judgements=previous.texts.judgements,
        )
        save_report_texts(db, kept, previous.scope, previous.written_at)
        return
    save_report_texts(db, texts, scope, written_at)
