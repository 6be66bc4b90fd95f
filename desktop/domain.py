"""The analyst's vocabulary: grading scales, confidence words, taxonomy and markings.

Everything here is plain data (no database, no Qt) so that every layer — store, services,
reports and views — speaks the same words. ``docs/grading.md`` explains them.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True)
class Grade:
    """One step of a labelled scale: its code, a short label and what it means."""

    code: str
    label: str
    meaning: str


# NATO AJP-2.1 source reliability: a property of the source.
RELIABILITY: dict[str, Grade] = {
    g.code: g
    for g in (
        Grade(
            "A",
            "Completely reliable",
            "No doubt of authenticity, trustworthiness or "
            "competency; a history of complete reliability.",
        ),
        Grade(
            "B", "Usually reliable", "Minor doubt; a history of valid information most of the time."
        ),
        Grade("C", "Fairly reliable", "Doubt; has provided valid information in the past."),
        Grade(
            "D",
            "Not usually reliable",
            "Significant doubt; has provided valid information in the past.",
        ),
        Grade(
            "E",
            "Unreliable",
            "Lacking authenticity, trustworthiness and competency; a "
            "history of invalid information.",
        ),
        Grade("F", "Reliability cannot be judged", "No basis exists for evaluating reliability."),
    )
}

# NATO AJP-2.1 information credibility: a property of one piece of information (a citation).
CREDIBILITY: dict[int, Grade] = {
    int(g.code): g
    for g in (
        Grade(
            "1",
            "Confirmed by other sources",
            "Confirmed by other independent sources; "
            "logical in itself; consistent with other information.",
        ),
        Grade(
            "2",
            "Probably true",
            "Not confirmed; logical in itself; consistent with other information.",
        ),
        Grade(
            "3",
            "Possibly true",
            "Not confirmed; reasonably logical; agrees with some other information.",
        ),
        Grade(
            "4",
            "Doubtful",
            "Not confirmed; possible but not logical; no other information on the subject.",
        ),
        Grade(
            "5",
            "Improbable",
            "Not confirmed; not logical in itself; contradicted by other information.",
        ),
        Grade(
            "6",
            "Truth cannot be judged",
            "No basis exists for evaluating the validity of the information.",
        ),
    )
}


def admiralty_code(reliability: str, credibility: int) -> str:
    """The two-character grade analysts write, e.g. ``B2``."""
    return f"{reliability}{credibility}"


def admiralty_words(reliability: str, credibility: int) -> str:
    """The grade in plain words, e.g. ``Usually reliable / Probably true``."""
    return f"{RELIABILITY[reliability].label} / {CREDIBILITY[credibility].label}"


class Status(StrEnum):
    """Information status of an incident as a whole."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    CLAIMED = "claimed"
    UNVERIFIED = "unverified"
    DISPUTED = "disputed"
    DENIED = "denied"


STATUS_MEANING: dict[Status, str] = {
    Status.CONFIRMED: "Independently confirmed.",
    Status.REPORTED: "Credible reporting, not confirmed.",
    Status.CLAIMED: "Only the perpetrator or an interested party says so.",
    Status.UNVERIFIED: "Not yet assessed or verified.",
    Status.DISPUTED: "Credible sources conflict.",
    Status.DENIED: "Denied by a credible party.",
}


class Confidence(StrEnum):
    """Analytic confidence in the assessment (quality of sources and reasoning)."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


CONFIDENCE_MEANING: dict[Confidence, str] = {
    Confidence.HIGH: "Well-corroborated information from proven sources, few assumptions, "
    "strong inferences.",
    Confidence.MODERATE: "Partially corroborated information from good sources, several "
    "assumptions.",
    Confidence.LOW: "Uncorroborated information from good or marginal sources, many "
    "assumptions, glaring gaps.",
}


@dataclass(frozen=True)
class Likelihood:
    """One row of ICD 203 estimative language."""

    term: str
    alternative: str
    low: int
    high: int

    @property
    def range_text(self) -> str:
        return f"{self.low}–{self.high}%"


LIKELIHOODS: tuple[Likelihood, ...] = (
    Likelihood("almost no chance", "remote", 1, 5),
    Likelihood("very unlikely", "highly improbable", 5, 20),
    Likelihood("unlikely", "improbable", 20, 45),
    Likelihood("roughly even chance", "roughly even odds", 45, 55),
    Likelihood("likely", "probable", 55, 80),
    Likelihood("very likely", "highly probable", 80, 95),
    Likelihood("almost certain", "nearly certain", 95, 99),
)
LIKELIHOOD_TERMS: tuple[str, ...] = tuple(row.term for row in LIKELIHOODS)


class TimePrecision(StrEnum):
    """How well the time of an incident is known."""

    EXACT = "exact"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GeoPrecision:
    """ACLED geo-precision codes."""

    EXACT = 1
    NEAR = 2
    REGION = 3
    LABELS: dict[int, str] = {  # noqa: RUF012 - read-only lookup table
        1: "Exact place",
        2: "Near / part of a region",
        3: "Province or larger",
    }


class ActorRole(StrEnum):
    PERPETRATOR = "perpetrator"
    CLAIMED_BY = "claimed_by"
    ATTRIBUTED_TO = "attributed_to"
    TARGET = "target"
    OTHER = "other"


ACTOR_ROLE_LABELS: dict[ActorRole, str] = {
    ActorRole.PERPETRATOR: "Perpetrator",
    ActorRole.CLAIMED_BY: "Claimed by",
    ActorRole.ATTRIBUTED_TO: "Attributed to",
    ActorRole.TARGET: "Target",
    ActorRole.OTHER: "Other",
}


class SourceKind(StrEnum):
    OFFICIAL = "official"
    MILITARY = "military"
    MEDIA = "media"
    SOCIAL_MEDIA = "social_media"
    CLAIMANT = "claimant"
    NGO = "ngo"
    THINK_TANK = "think_tank"
    EYEWITNESS = "eyewitness"
    OTHER = "other"


SOURCE_KIND_LABELS: dict[SourceKind, str] = {
    SourceKind.OFFICIAL: "Official",
    SourceKind.MILITARY: "Military",
    SourceKind.MEDIA: "Media",
    SourceKind.SOCIAL_MEDIA: "Social media",
    SourceKind.CLAIMANT: "Claimant",
    SourceKind.NGO: "NGO",
    SourceKind.THINK_TANK: "Think tank",
    SourceKind.EYEWITNESS: "Eyewitness",
    SourceKind.OTHER: "Other",
}

# ACLED event types and their sub-event types, in codebook order.
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

# Traffic Light Protocol 2.0, most restrictive first.
TLP_LABELS: tuple[str, ...] = (
    "TLP:RED",
    "TLP:AMBER+STRICT",
    "TLP:AMBER",
    "TLP:GREEN",
    "TLP:CLEAR",
)
TLP_COLOURS: dict[str, str] = {
    "TLP:RED": "#FF2B2B",
    "TLP:AMBER+STRICT": "#FFC000",
    "TLP:AMBER": "#FFC000",
    "TLP:GREEN": "#33FF00",
    "TLP:CLEAR": "#FFFFFF",
}
# What each TLP 2.0 label lets a recipient do (FIRST's definitions, shortened): a report
# released at a level prints its rule in every page's footer.
TLP_SHARING: dict[str, str] = {
    "TLP:RED": "For the eyes and ears of individual recipients only; no further disclosure.",
    "TLP:AMBER+STRICT": "Limited disclosure: recipients may share within their organisation only.",
    "TLP:AMBER": "Limited disclosure: recipients may share within their organisation and with "
    "its clients, on a need-to-know basis.",
    "TLP:GREEN": "Limited disclosure: recipients may share within their community, "
    "not through public channels.",
    "TLP:CLEAR": "Disclosure is not limited: recipients may share freely, subject to copyright.",
}
DEFAULT_MARKING = "TLP:CLEAR"
MAX_MARKING_LENGTH = 120


@lru_cache(maxsize=1024)  # a workspace has a handful of markings; an import meets each often
def normalise_marking(marking: str) -> str:
    """TLP labels in canonical capitals; free-text classification lines kept as written."""
    text = " ".join(marking.split())
    upper = text.upper()
    return upper if upper in TLP_LABELS else text


def marking_rank(marking: str) -> int:
    """How restrictive a marking is: higher is stricter.

    TLP labels rank by the protocol. A free-text classification line cannot be compared with
    TLP, so it is treated as at least as strict as ``TLP:AMBER`` — the safe side for a report
    that must carry the most restrictive marking of its incidents.
    """
    label = normalise_marking(marking)
    if label in TLP_LABELS:
        return len(TLP_LABELS) - TLP_LABELS.index(label)
    return len(TLP_LABELS) - TLP_LABELS.index("TLP:AMBER")


def most_restrictive(markings: list[str], floor: str = DEFAULT_MARKING) -> str:
    """The marking a document holding all of ``markings`` must carry (at least ``floor``)."""
    best = normalise_marking(floor)
    for marking in markings:
        candidate = normalise_marking(marking)
        if marking_rank(candidate) > marking_rank(best):
            best = candidate
    return best


def above(marking: str, limit: str) -> bool:
    """True if ``marking`` is stricter than ``limit`` (a release level): it may not go out."""
    return marking_rank(marking) > marking_rank(limit)


def best_grade(grades: Iterable[tuple[str, int]]) -> tuple[str, int] | None:
    """The best of (reliability, credibility) pairs: the most reliable source first, then
    the most credible information; None when there is none. Codes off the scales count as
    the lowest (F, 6)."""
    best: tuple[str, int] | None = None
    for reliability, credibility in grades:
        code = reliability.strip().upper()
        pair = (
            code if code in RELIABILITY else "F",
            credibility if credibility in CREDIBILITY else 6,
        )
        if best is None or pair < best:
            best = pair
    return best


@cache
def _countries() -> tuple[dict[str, str], ...]:
    """pycountry's ISO 3166-1 records, read from its data file (see _country_names)."""
    spec = importlib.util.find_spec("pycountry")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pycountry, a dependency of Incident Desk, is not installed")
    data = Path(spec.submodule_search_locations[0]) / "databases" / "iso3166-1.json"
    return tuple(json.loads(data.read_text(encoding="utf-8"))["3166-1"])


@cache
def _country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → the country's common name, from pycountry's data.

    Read from pycountry's data file rather than through ``import pycountry``: that import
    looks up the package's own version with importlib.metadata, a noticeable share of the
    window's start (the first rows' places need these names; docs/performance.md).
    tests/test_domain.py checks every name against pycountry's own lookup.
    """
    return {c["alpha_2"]: c.get("common_name") or c["name"] for c in _countries()}


@cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(_country_names())


def country_name(code: str) -> str:
    """``IQ`` → ``Iraq``; a blank code gives "", an unknown one comes back in capitals."""
    code = code.strip().upper()
    if not code:
        return ""
    return _country_names().get(code, code)


@cache
def _country_index() -> dict[str, str]:
    """Every way a spreadsheet or an ACLED file names a country, folded → its alpha-2 code:
    the alpha-2, alpha-3 and numeric codes and the common, short and official names."""
    index: dict[str, str] = {}
    for c in _countries():
        code = c["alpha_2"]
        for key in ("name", "common_name", "official_name", "alpha_3", "alpha_2"):
            if c.get(key):
                index[c[key].casefold()] = code
        index[str(int(c["numeric"]))] = code
    for name, code in _COUNTRY_ALIASES.items():
        index.setdefault(name, code)
    return index


# Names in everyday (and ACLED's) use that ISO 3166 spells otherwise.
_COUNTRY_ALIASES = {
    "palestine": "PS",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "republic of congo": "CG",
    "congo": "CG",
    "ivory coast": "CI",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "turkey": "TR",
    "south korea": "KR",
    "north korea": "KP",
    "laos": "LA",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "czech republic": "CZ",
    "cape verde": "CV",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "micronesia": "FM",
    "uk": "GB",
    "usa": "US",
    "united states of america": "US",
}


def country_code(text: str) -> str | None:
    """``Iraq``, ``iq``, ``IRQ``, ``368`` → ``IQ``; None when it names no country."""
    key = " ".join(text.split()).casefold()
    if key.isdigit():
        key = str(int(key))
    return _country_index().get(key)


def country_numeric(code: str) -> str:
    """``IQ`` → ``368``, the ISO 3166-1 numeric code (ACLED's ``iso``); "" if unknown."""
    for c in _countries():
        if c["alpha_2"] == code:
            return str(int(c["numeric"]))
    return ""
