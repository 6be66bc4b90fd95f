"""Which incidents a SITREP prints in full: the rule, its words, the score and the pins; and
the export that applies them with a release level."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from desktop.domain import Confidence, Status
from desktop.errors import ValidationError
from desktop.reports.sitrep_data import Judgement, ReportOptions
from desktop.services import reporting
from desktop.services.dto import Casualties, Citation, IncidentData, IncidentQuery, When
from desktop.services.incidents import create_incident
from desktop.services.significance import (
    DEFAULT_RULE,
    SignificanceRule,
    choose,
    parse_rule,
    resolve_ids,
    score,
)

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def incident(n: int, **kwargs: object) -> IncidentData:
    return IncidentData(
        id=f"{n:08d}-aaaa-bbbb-cccc-dddddddddddd",
        title=f"Incident {n}",
        when=When(date(2024, 1, n), date(2024, 1, n)),
        event_type="Riots",
        sub_event_type="Mob violence",
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        (
            "confirmed,casualties,top=20",
            DEFAULT_RULE,
            "confirmed or with casualties, the 20 highest-scoring",
        ),
        (
            " Casualties >= 5 ",
            SignificanceRule(False, 5, None),
            "with 5 or more casualties",
        ),
        ("top=3", SignificanceRule(False, None, 3), "the 3 highest-scoring incidents"),
        ("all", SignificanceRule(False, None, None, everything=True), "every incident"),
        ("none", SignificanceRule(False, None, None, nothing=True), "only the pinned incidents"),
    ],
)
def test_rules_read_and_say_themselves(text: str, rule: SignificanceRule, words: str) -> None:
    assert parse_rule(text) == rule
    assert rule.words == words
    assert parse_rule(rule.text) == rule  # as remembered


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give a rule"),
        ("confirmed,big", "'big' is not a rule term"),
        ("top=0", "top must be from 1"),
        ("all,confirmed", "stand alone"),
        ("casualties>=0", "N of 1 or more"),
    ],
)
def test_a_bad_rule_is_one_clear_sentence(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_rule(text)


def test_score_weighs_casualties_status_confidence_and_grade() -> None:
    plain = incident(1)
    assert score(plain) == 1  # unverified, low, no source
    graded = incident(
        2,
        status=Status.CONFIRMED,
        confidence=Confidence.HIGH,
        casualties=Casualties(2, 1),
        citations=(Citation("a", 1, source_reliability="A"), Citation("b", 6)),
    )
    assert score(graded) == 3 * 2 + 1 + 6 + 4 + 5  # A1 adds 5


def test_choose_keeps_the_top_of_those_meeting_the_rule_then_pins() -> None:
    items = [
        incident(1, status=Status.CONFIRMED),
        incident(2, casualties=Casualties(10, None)),
        incident(3),
        incident(4, status=Status.CONFIRMED, casualties=Casualties(1, 0)),
        incident(5),
    ]
    ids = [i.id or "" for i in items]
    chosen = choose(items, SignificanceRule(True, 1, 2))
    assert chosen.ids == {ids[1], ids[3]}  # 30 killed points, then confirmed with one killed
    assert chosen.text == (
        "Significant: confirmed or with casualties, the 2 highest-scoring; 2 of 5 incidents."
    )
    pinned = choose(items, SignificanceRule(True, 1, 2), pinned=[ids[4]], unpinned=[ids[1]])
    assert pinned.ids == {ids[3], ids[0], ids[4]}
    assert pinned.text.endswith(
        "3 of 5 incidents (1 incident pinned, 1 incident left out by hand)."
    )


def test_ids_resolve_from_a_unique_beginning() -> None:
    items = [incident(1), incident(12)]
    assert resolve_ids(["00000012"], items, "Pinned incident") == [items[1].id]
    with pytest.raises(ValidationError, match="Pinned incident 0000001 is no incident"):
        resolve_ids(["0000001"], items, "Pinned incident")  # 7 characters: too short
    with pytest.raises(ValidationError, match="Pinned incident ffff is no incident"):
        resolve_ids(["ffff"], items, "Pinned incident")


def test_export_withholds_above_the_release_level_and_pins(
    db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    red = create_incident(db, make_incident(title="Secret strike", marking="TLP:RED"))
    amber = create_incident(db, make_incident(title="Amber raid", marking="TLP:AMBER"))
    clear = create_incident(db, make_incident(title="Open protest", marking="TLP:CLEAR"))
    judgement = Judgement("More raids", "likely", "low", (red.id or "", clear.id or ""))
    options = ReportOptions(max_marking="TLP:GREEN", judgements=(judgement,))
    result = reporting.export_sitrep(
        db,
        tmp_path / "release.pdf",
        IncidentQuery(),
        options,
        selection=reporting.Selection(
            SignificanceRule(False, None, None, nothing=True), pinned=((clear.id or "")[:8],)
        ),
    )
    assert (result.incidents, result.withheld, result.significant) == (1, 2, 1)
    assert result.marking == "TLP:GREEN"
    text = "\n".join(p.extract_text() or "" for p in PdfReader(result.path).pages)
    assert "2 incidents withheld above TLP:GREEN." in text
    assert "Secret strike" not in text  # not even in the judgement's basis
    assert "Amber raid" not in text
    assert "#1, B2" in text
    assert "1linkedincidentnotinthisreport" in "".join(text.split())  # a narrow cell
    assert amber.id
    with pytest.raises(ValidationError, match="Pinned incident deadbeef is no incident"):
        reporting.export_sitrep(
            db,
            tmp_path / "bad.pdf",
            IncidentQuery(),
            selection=reporting.Selection(pinned=("deadbeef",)),
        )
    assert not (tmp_path / "bad.pdf").exists()
