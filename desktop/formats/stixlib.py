"""The little of the ``stix2`` library the STIX format uses, behind typed functions.

``stix2`` has no type hints, so it is imported here alone: the TLP 1.0 marking definitions
(fixed objects the standard defines), the confidence scales of the standard's Appendix A,
and the check of an object's properties against the standard when a bundle is read.

The library takes longer to import than the rest of the app's start together, and the File
menu lists this format at start: so it is imported when a STIX file is first read or written.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from typing import Any

from desktop.domain import CREDIBILITY, Confidence
from desktop.errors import ValidationError
from desktop.formats import stix_shapes


@cache
def tlp() -> dict[str, dict[str, Any]]:
    """TLP 1.0 colour → the standard's marking definition, as plain JSON objects."""
    import stix2  # type: ignore[import-untyped]

    return {
        colour: json.loads(marking.serialize())
        for colour, marking in (
            ("white", stix2.TLP_WHITE),
            ("green", stix2.TLP_GREEN),
            ("amber", stix2.TLP_AMBER),
            ("red", stix2.TLP_RED),
        )
    }


@cache
def tlp_ids() -> dict[str, str]:
    """The standard's ids for them: a bundle may use them without including the objects."""
    return {marking["id"]: colour for colour, marking in tlp().items()}


# The longest part of a library's message quoted (it may repeat a whole value).
_LONGEST = 300
# Appendix A's "None / Low / Med / High" scale, named as the library names it.
_ANALYTIC = {Confidence.LOW: "Low", Confidence.MODERATE: "Med", Confidence.HIGH: "High"}
_ANALYTIC_BACK = {"None": Confidence.LOW, "Low": Confidence.LOW, "Med": Confidence.MODERATE}


def _scales() -> Any:
    from stix2.confidence import scales  # type: ignore[import-untyped]

    return scales


def _admiralty_words(credibility: int) -> str:
    # The library spells the scale with capitals of its own ("2 - Probably True").
    label = CREDIBILITY[credibility].label
    return f"{credibility} - {label if credibility in (1, 6) else label.title()}"


def credibility_to_confidence(credibility: int) -> int | None:
    """Appendix A: 1→90, 2→70, 3→50, 4→30, 5→10; 6 (cannot be judged) has no value."""
    if credibility == 6:
        return None
    return int(_scales().admiralty_credibility_to_value(_admiralty_words(credibility)))


def confidence_to_credibility(value: int) -> int:
    """Appendix A back: 80–100 → 1 … 0–19 → 5 (a value is never 6)."""
    return int(_scales().value_to_admiralty_credibility(value)[0])


def analytic_to_confidence(level: Confidence) -> int:
    """Appendix A's Low/Med/High: 15, 50, 85."""
    return int(_scales().none_low_med_high_to_value(_ANALYTIC[level]))


def confidence_to_analytic(value: int) -> Confidence:
    """Appendix A back: 0–29 low (None too), 30–69 moderate, 70–100 high."""
    return _ANALYTIC_BACK.get(_scales().value_to_none_low_medium_high(value), Confidence.HIGH)


def check_object(obj: dict[str, Any]) -> None:
    """Refuse an object whose properties the standard does not allow (a missing name, a
    confidence of "high", a timestamp that is not one) in the library's own sentence."""
    if stix_shapes.plainly_valid(obj):
        return  # what the library would say, sooner (see stix_shapes)
    import stix2
    from stix2.exceptions import STIXError  # type: ignore[import-untyped]

    try:
        with warnings.catch_warnings():
            # The library warns of deprecated vocabulary; reading is not the place to fail.
            warnings.simplefilter("ignore")
            stix2.parse(obj, allow_custom=True, version="2.1")
    except Exception as exc:  # hostile values reach the library's internals
        # Besides its STIXError, a list where it expects an object and the like end in its
        # own TypeError or AttributeError; for the analyst each is the same refusal.
        words = " ".join(str(exc).split()).rstrip(".")
        if len(words) > _LONGEST:
            words = words[:_LONGEST] + "…"
        kind = "" if isinstance(exc, STIXError) else f"{type(exc).__name__}: "
        raise ValidationError("", f"not valid STIX 2.1 ({kind}{words})") from None
