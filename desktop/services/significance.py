"""Which incidents a SITREP prints in full: a rule the analyst sees and can change, plus pins.

A report of a thousand incidents cannot print each in full and stay readable: its body holds
the *significant* incidents, and Annex A lists every incident on one line. What counts as
significant is the analyst's call, so it is a rule printed in words at the head of the
section ("Significant: confirmed or with casualties; 12 of 340 incidents"), with explicit
pins: incidents always included, or never.

A rule is written as comma-separated terms (the command line's ``--significant``, and how
it is remembered): ``confirmed``, ``casualties`` (one or more killed or injured) or
``casualties>=N``, ``top=N`` (at most the N highest-scoring of those), ``all`` (every
incident in full) and ``none`` (only pins). ``confirmed,casualties,top=20`` is the default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import CREDIBILITY, RELIABILITY, Confidence, Status, best_grade
from desktop.errors import ValidationError
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from desktop.records import IncidentData

# What each part of an incident adds to its score (docs/sitrep.md, "Significant incidents").
KILLED_WEIGHT = 3
INJURED_WEIGHT = 1
STATUS_POINTS: dict[Status, int] = {
    Status.CONFIRMED: 6,
    Status.REPORTED: 4,
    Status.CLAIMED: 2,
    Status.DISPUTED: 2,
    Status.UNVERIFIED: 1,
    Status.DENIED: 0,
}
CONFIDENCE_POINTS: dict[Confidence, int] = {
    Confidence.HIGH: 4,
    Confidence.MODERATE: 2,
    Confidence.LOW: 0,
}
# A1 scores 5, F6 nothing: half a point per step of reliability and of credibility.
GRADE_STEP = 0.5
MAX_TOP = 10_000

_TERM = re.compile(r"^(confirmed|casualties(?:\s*>=\s*(\d+))?|top\s*=\s*(\d+)|all|none)$")


@dataclass(frozen=True)
class SignificanceRule:
    """Incidents printed in full: those meeting any criterion (all, when none is set), the
    ``top`` highest-scoring of them when set. ``everything`` prints every incident;
    ``nothing`` only the pinned ones."""

    confirmed: bool = True
    min_casualties: int | None = 1  # killed + injured at least this, or None
    top: int | None = 20
    everything: bool = False
    nothing: bool = False

    @property
    def text(self) -> str:
        """The rule as the command line takes it, and as it is remembered."""
        if self.everything:
            return "all"
        if self.nothing:
            return "none"
        terms = []
        if self.confirmed:
            terms.append("confirmed")
        if self.min_casualties is not None:
            terms.append(
                "casualties" if self.min_casualties == 1 else f"casualties>={self.min_casualties}"
            )
        if self.top is not None:
            terms.append(f"top={self.top}")
        return ",".join(terms) or "all"

    @property
    def words(self) -> str:
        """``confirmed or with casualties, the 20 highest-scoring``."""
        if self.everything:
            return "every incident"
        if self.nothing:
            return "only the pinned incidents"
        criteria = []
        if self.confirmed:
            criteria.append("confirmed")
        if self.min_casualties is not None:
            criteria.append(
                "with casualties"
                if self.min_casualties == 1
                else f"with {self.min_casualties} or more casualties"
            )
        words = " or ".join(criteria)
        if self.top is not None:
            best = f"the {self.top:,} highest-scoring" if self.top > 1 else "the highest-scoring"
            words = f"{words}, {best}" if words else f"{best} incidents"
        return words or "every incident"


DEFAULT_RULE = SignificanceRule()


def parse_rule(text: str) -> SignificanceRule:
    """The rule ``text`` writes (module docstring), or ValidationError naming the bad term."""
    terms = [t.strip().lower() for t in text.split(",") if t.strip()]
    if not terms:
        raise ValidationError("", "Give a rule, e.g. confirmed,casualties,top=20.")
    confirmed = everything = nothing = False
    casualties: int | None = None
    top: int | None = None
    for term in terms:
        match = _TERM.match(term)
        if match is None:
            raise ValidationError(
                "",
                f"'{term}' is not a rule term (confirmed, casualties, casualties>=N, top=N, "
                "all, none).",
            )
        if term == "all":
            everything = True
        elif term == "none":
            nothing = True
        elif term == "confirmed":
            confirmed = True
        elif term.startswith("casualties"):
            casualties = int(match.group(2) or 1)
        else:
            top = int(match.group(3))
            if not 1 <= top <= MAX_TOP:
                raise ValidationError("", f"top must be from 1 to {MAX_TOP:,}.")
    if (everything or nothing) and len(terms) > 1:
        raise ValidationError("", "'all' and 'none' stand alone in a rule.")
    if casualties is not None and casualties < 1:
        raise ValidationError("", "casualties>=N needs N of 1 or more.")
    return SignificanceRule(confirmed, casualties, top, everything, nothing)


def score(incident: IncidentData) -> float:
    """How much an incident weighs: its casualties, status, confidence and best grade."""
    killed = incident.casualties.killed or 0
    injured = incident.casualties.injured or 0
    points: float = KILLED_WEIGHT * killed + INJURED_WEIGHT * injured
    points += STATUS_POINTS.get(incident.status, 0)
    points += CONFIDENCE_POINTS.get(incident.confidence, 0)
    best = best_grade((c.source_reliability, c.credibility) for c in incident.citations)
    if best is not None:
        steps = (len(RELIABILITY) - 1 - list(RELIABILITY).index(best[0])) + (
            len(CREDIBILITY) - best[1]
        )
        points += GRADE_STEP * steps
    return points


def _meets(rule: SignificanceRule, incident: IncidentData) -> bool:
    if rule.everything:
        return True
    if rule.nothing:
        return False
    if not rule.confirmed and rule.min_casualties is None:
        return True  # "top=N" alone: every incident competes
    if rule.confirmed and incident.status == Status.CONFIRMED:
        return True
    if rule.min_casualties is not None:
        hurt = (incident.casualties.killed or 0) + (incident.casualties.injured or 0)
        return hurt >= rule.min_casualties
    return False


@dataclass(frozen=True)
class Significant:
    """The incidents chosen, and the sentence printed at the head of their section."""

    ids: frozenset[str]
    text: str


def choose(
    incidents: Sequence[IncidentData],
    rule: SignificanceRule,
    pinned: Iterable[str] = (),
    unpinned: Iterable[str] = (),
) -> Significant:
    """The ids of the incidents printed in full: those the rule picks, with the pinned ones
    added and the unpinned ones taken out; ``text`` says so in words."""
    pins, unpins = set(pinned), set(unpinned)
    candidates = [i for i in incidents if i.id and i.id not in unpins and _meets(rule, i)]
    if rule.top is not None and not rule.everything and not rule.nothing:
        order = {id(i): n for n, i in enumerate(incidents)}
        candidates.sort(key=lambda i: (-score(i), order[id(i)]))
        candidates = candidates[: rule.top]
    ids = {i.id for i in candidates if i.id}
    present = {i.id for i in incidents if i.id}
    added = (pins & present) - ids - unpins
    removed = unpins & present
    ids |= added
    text = f"Significant: {rule.words}; {len(ids):,} of {plural(len(present), 'incident')}"
    extras = []
    if added:
        extras.append(f"{plural(len(added), 'incident')} pinned")
    if removed:
        extras.append(f"{plural(len(removed), 'incident')} left out by hand")
    if extras:
        text += f" ({', '.join(extras)})"
    return Significant(frozenset(ids), text + ".")


def resolve_ids(given: Iterable[str], incidents: Sequence[IncidentData], what: str) -> list[str]:
    """Incident ids as typed (whole, or a unique beginning of 8 characters or more) made
    whole against ``incidents``; ValidationError names the first that matches none or
    several ("Pinned incident 3f2a… is no incident of this report.")."""
    known = [i.id for i in incidents if i.id]
    whole = set(known)
    resolved = []
    for text in given:
        wanted = text.strip().lower()
        if wanted in whole:
            resolved.append(wanted)
            continue
        matches = [k for k in known if k.startswith(wanted)] if len(wanted) >= 8 else []
        if len(matches) != 1:
            problem = "matches several incidents" if matches else "is no incident of this report"
            raise ValidationError("", f"{what} {text.strip()} {problem}.")
        resolved.append(matches[0])
    return resolved
