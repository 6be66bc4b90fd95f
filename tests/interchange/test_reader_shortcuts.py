"""The JSON reader's shortcuts (v3) refuse what the plain checks refuse, with their words.

Each stands in front of a plain check for the well-formed values of a large file: a date
text read once and remembered, records made without their generated ``__init__``, the test
for unstorable characters run in C on ASCII text, an exact time parsed with its ``Z``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from desktop.errors import ValidationError
from desktop.fields import INCIDENT_FIELDS
from desktop.formats import json_stream, json_v1
from desktop.formats.base import Checks
from desktop.formats.jsonvalues import shown
from desktop.formats.record_maker import maker
from desktop.records import Actor, Casualties, Citation, IncidentData, When, Where
from desktop.services import interchange, validation
from desktop.wording import quoted
from tests.interchange.test_fast_paths import _document, _incident, _refusal, _with

# The format's date keys: the table's times, and a citation's values written as dates.
_DATE_KEYS = [
    *(f.key for f in INCIDENT_FIELDS if f.key.startswith("when.") and f.key != "when.precision"),
    *(f"citations.1.{key}" for key in json_v1.CITATION_WRITERS),
]
# Malformed dates, some holding a text the reader has just read as a good date.
_BAD_DATES = [
    ["2023-10-18"],
    {"day": "2023-10-18"},
    20231018,
    True,
    "2023-10-18 ",
    "2023-1-18",
    "2023-02-30",
    "２０２３-10-18",  # full-width digits: the pattern's \d takes them, the parse does not
]


def _good_dates() -> dict[str, Any]:
    """An incident whose every date is 2023-10-18, so that the reader has read that text."""
    record = _incident(0, when={"start": "2023-10-18", "end": "2023-10-18", "precision": "day"})
    for citation in record["citations"]:
        citation.update(published="2023-10-18", retrieved="2023-10-18")
    return record


def _date_message(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{quoted(value)} is not a real date"
    return f"{shown(value)} is not a date (YYYY-MM-DD)"


@pytest.mark.parametrize("key", _DATE_KEYS)
@pytest.mark.parametrize("value", _BAD_DATES, ids=repr)
def test_a_bad_date_is_refused_alike_whatever_was_read_before(key: str, value: Any) -> None:
    bad = _with(1, key, value)
    expected = f"incidents[1].{key.replace('.1.', '[1].')}: {_date_message(value)}"
    json_v1._DATES.clear()
    cold = _refusal(_document(_incident(0), bad))
    warm = _refusal(_document(_good_dates(), bad))  # the good text read just before
    assert cold == warm == expected


def test_the_dates_remembered_are_bounded_and_read_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_v1, "_DATES_KEPT", 3)
    json_v1._DATES.clear()
    days = [date(2023, 1, d) for d in range(1, 29)]
    incidents = []
    for n, day in enumerate([*days, *days[:5]]):  # the first days again, once forgotten
        text = day.isoformat()
        incidents.append(_incident(n, when={"start": text, "end": text, "precision": "day"}))
    document = json_v1.parse_document(_document(*incidents), interchange.CHECKS)
    assert [i.when.start for i in document.incidents] == [*days, *days[:5]]
    assert len(json_v1._DATES) <= 3


@pytest.mark.parametrize("key", ["when.start", "when.end"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2023-10-17T24:00:00Z", "'2023-10-17T24:00:00Z' is not a real date-time"),
        ("2023-02-30T10:00:00Z", "'2023-02-30T10:00:00Z' is not a real date-time"),
        ("٢٠٢٣-10-17T10:00:00Z", "'٢٠٢٣-10-17T10:00:00Z' is not a real date-time"),
        (
            "2023-10-17T10:00:00",
            '"2023-10-17T10:00:00" is not a UTC date-time (YYYY-MM-DDTHH:MM:SSZ), '
            "which precision 'exact' needs",
        ),
        (
            "2023-10-17T10:00:00+00:00",
            '"2023-10-17T10:00:00+00:00" is not a UTC date-time (YYYY-MM-DDTHH:MM:SSZ), '
            "which precision 'exact' needs",
        ),
    ],
)
def test_an_exact_time_is_read_with_its_z_or_refused(key: str, value: str, problem: str) -> None:
    when = {"start": "2023-10-17T09:00:00Z", "end": "2023-10-17T11:00:00Z", "precision": "exact"}
    when[key.split(".")[1]] = value
    assert _refusal(_document(_incident(0, when=when))) == f"incidents[0].{key}: {problem}"


def test_an_exact_time_is_utc_as_the_app_makes_it() -> None:
    when = {"start": "2023-10-17T09:00:00Z", "end": "2023-10-17T11:30:05Z", "precision": "exact"}
    read = json_v1.parse_document(_document(_incident(0, when=when)), interchange.CHECKS)
    got = read.incidents[0].when
    assert (got.start, got.end) == (
        datetime(2023, 10, 17, 9, tzinfo=UTC),
        datetime(2023, 10, 17, 11, 30, 5, tzinfo=UTC),
    )
    assert isinstance(got.start, datetime)
    assert isinstance(got.end, datetime)
    assert got.start.tzinfo is UTC
    assert got.end.tzinfo is UTC
    assert json_v1._moment_text(got.end) == "2023-10-17T11:30:05Z"


# --- unstorable characters -----------------------------------------------------------------

_READ = json_v1.parse_document(_document(_incident(0)), interchange.CHECKS).incidents[0]
# Every text of an incident by its path, as validation lists them from the field table.
_TEXT_PATHS = [path for path, _value in validation._incident_texts(_READ)]
_UNSTORABLE = ["قصف\ud800", "\udfff ok", "قصف\x00", "ok\x00", "🔥\udc00"]


def _replaced(record: Any, path: str, value: str) -> Any:
    """``record`` with ``value`` at a path of validation's (``citations[1].url``)."""
    head, _, rest = path.partition(".")
    name, index = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", head).groups()  # type: ignore[union-attr]
    inner = getattr(record, name)
    if index is not None:
        items = list(inner)
        items[int(index)] = _replaced(items[int(index)], rest, value) if rest else value
        return dataclasses.replace(record, **{name: tuple(items)})
    new = _replaced(inner, rest, value) if rest else value
    return dataclasses.replace(record, **{name: new})


@pytest.mark.parametrize("path", _TEXT_PATHS)
@pytest.mark.parametrize("value", _UNSTORABLE, ids=ascii)
def test_an_unstorable_character_is_found_in_any_text(path: str, value: str) -> None:
    problems = validation.incident_problems(_replaced(_READ, path, value))
    # The plain check's own words, at the text's path.
    (expected,) = validation._unstorable_problems([(path, value)])
    assert (expected.field, expected.problem) in [(p.field, p.problem) for p in problems]


@pytest.mark.parametrize("path", _TEXT_PATHS)
def test_text_in_any_script_is_no_problem(path: str) -> None:
    value = "أربيل 🔥 Hewlêr"
    problems = validation.incident_problems(_replaced(_READ, path, value))
    assert not [p for p in problems if "cannot be stored" in p.problem]


def test_an_unstorable_character_in_a_file_is_refused_at_its_field() -> None:
    bad = _with(1, "citations.1.excerpt", "تقرير\ud800")
    assert _refusal(_document(_incident(0), bad)) == (
        "incidents[1].citations[1].excerpt: contains a broken character (half of a UTF-16 "
        "pair), which cannot be stored"
    )


def _stream_refusal(document: dict[str, Any]) -> str:
    """What the streaming reader says of ``document``, written with every character outside
    ASCII as a ``\\u`` escape (as ``json.dumps`` writes by default)."""
    raw = json.dumps(document).encode()
    with pytest.raises(ValidationError) as info:
        for _part in json_stream.parts(io.BytesIO(raw), len(raw), interchange.CHECKS):
            pass
    return str(info.value)


@pytest.mark.parametrize("path", _TEXT_PATHS)
@pytest.mark.parametrize("value", _UNSTORABLE, ids=ascii)
def test_an_escaped_unstorable_character_in_a_streamed_file_is_refused(
    path: str, value: str
) -> None:
    # Streamed, a record whose text holds no escape is checked without looking for these
    # (Checks.incident_plain_text); one spelled as an escape must still be looked for.
    dotted = path.replace("[", ".").replace("]", "")
    document = _document(_incident(0), _with(1, dotted, value))
    assert _stream_refusal(document) == _refusal(document)
    assert _refusal(document).startswith(f"incidents[1].{path}: ")


def test_only_a_record_whose_text_holds_no_escape_skips_the_look() -> None:
    checked: list[tuple[str, str]] = []

    def full(data: IncidentData) -> None:
        checked.append(("full", data.title))
        interchange.CHECKS.incident(data)

    def plain(data: IncidentData) -> None:
        checked.append(("plain", data.title))
        assert interchange.CHECKS.incident_plain_text is not None
        interchange.CHECKS.incident_plain_text(data)

    checks = Checks(incident=full, source=interchange.CHECKS.source, incident_plain_text=plain)
    document = _document(
        _with(0, "title", "قصف"),  # written as it is, not escaped
        _with(1, "title", "Café attacked"),
        _with(2, "summary", 'Quoted: "no" \\ here'),  # other escapes: \" and \\
    )
    text = json.dumps(document, ensure_ascii=False).replace("Café", "Caf\\u00e9")
    assert "Caf\\u00e9" in text
    assert "قصف" in text
    raw = text.encode()
    parts = list(json_stream.parts(io.BytesIO(raw), len(raw), checks))
    titles = [data.title for part in parts for data in part.incidents]
    assert titles == ["قصف", "Café attacked", "Drone strike 2 near Erbil"]
    assert checked == [
        ("plain", "قصف"),
        ("full", "Café attacked"),
        ("plain", "Drone strike 2 near Erbil"),
    ]


# --- records made without their __init__ ---------------------------------------------------


def _values(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


@pytest.mark.parametrize(
    "record",
    [
        _READ,
        _READ.when,
        _READ.where,
        _READ.casualties,
        _READ.actors[0],
        _READ.citations[1],
    ],
    ids=lambda r: type(r).__name__,
)
def test_a_record_made_by_the_reader_is_the_record_itself(record: Any) -> None:
    kind = type(record)
    made = maker(kind)(_values(record))
    assert type(made) is kind
    assert made == kind(**_values(record)) == record
    assert hash(made) == hash(record)
    assert repr(made) == repr(record)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.__setattr__(dataclasses.fields(kind)[0].name, None)
    assert dataclasses.replace(made) == record
    # Given only the fields without a default, the others take theirs.
    required = {
        f.name: getattr(record, f.name)
        for f in dataclasses.fields(kind)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert maker(kind)(dict(required)) == kind(**required)


def test_a_record_made_from_the_fields_always_given_takes_the_others_defaults() -> None:
    given = ("source", "credibility", "excerpt")
    values = {"source": "reuters", "credibility": 2, "excerpt": "Seen."}
    made = maker(Citation, given=given)(dict(values))
    assert made == Citation(**values)
    assert hash(made) == hash(Citation(**values))
    # A field without a default that is not always given: made by the class, as without.
    assert maker(When, given=("end",))({"start": date(2023, 1, 1), "end": date(2023, 1, 2)}) == (
        When(date(2023, 1, 1), date(2023, 1, 2))
    )


def test_a_record_missing_a_required_field_is_refused_as_by_its_class() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'start'"):
        maker(When)({"end": date(2023, 1, 1)})


def test_a_record_whose_init_does_more_is_made_by_its_init() -> None:
    @dataclasses.dataclass(frozen=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert maker(Checked)({"value": 2}) == Checked(2)
    with pytest.raises(ValueError, match="negative"):
        maker(Checked)({"value": -1})


def test_the_reader_makes_every_record_kind_of_an_incident() -> None:
    kinds = {type(_READ), type(_READ.when), type(_READ.where), type(_READ.casualties)}
    kinds |= {type(a) for a in _READ.actors} | {type(c) for c in _READ.citations}
    assert kinds == {IncidentData, When, Where, Casualties, Actor, Citation}
