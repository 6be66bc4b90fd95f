"""``incident-desk places``: the real GeoNames list, through the command as a script runs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.cli import main
from desktop.services import gazetteer

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(autouse=True)
def cache(real_places: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(gazetteer, "cache_folder", lambda: real_places)
    return real_places


def lines(capsys: pytest.CaptureFixture[str], *args: str) -> list[list[str]]:
    assert main(["places", *args]) == 0
    return [line.split("\t") for line in capsys.readouterr().out.splitlines()]


def test_a_place_one_line_name_province_country_lat_lon(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert lines(capsys, "Erbil")[0] == ["Erbil", "Arbīl", "IQ", "36.19117", "44.00943"]
    assert lines(capsys, "Ramadi", "--country", "iq") == [
        ["Ramadi", "Al Anbar", "IQ", "33.42056", "43.30778"]
    ]


def test_arabic_and_its_variants_find_the_same_place(capsys: pytest.CaptureFixture[str]) -> None:
    for typed in ("أربيل", "اربيل", "إربيل", "Hewlêr", "HEWLER"):
        assert lines(capsys, typed, "--country", "IQ")[0][0] == "Erbil", typed
    assert lines(capsys, "بغداد")[0][:3] == ["Baghdad", "Baghdad", "IQ"]
    assert lines(capsys, "الحديثة", "--country", "IQ")[0][:2] == ["Ḩadīthah", "Al Anbar"]


def test_ranked_exact_name_then_population_and_limited(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = lines(capsys, "hit", "--limit", "3")
    assert len(found) == 3
    assert found[0][:3] == ["Hīt", "Al Anbar", "IQ"]  # exact, and the largest of those
    assert len(lines(capsys, "ba")) == 10  # the default limit
    assert lines(capsys, "Sulay", "--country", "IQ")[0][:2] == ["Sulaymaniyah", "Sulaymaniyah"]


def test_nothing_found_is_said_on_stderr_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["places", "Xqzzyv"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "No place matches 'Xqzzyv'.\n"
    assert main(["places", "Tokyo", "--country", "IQ"]) == 0
    assert capsys.readouterr().err == "No place matches 'Tokyo' in IQ.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "XX"], "'XX' is not an ISO 3166-1 alpha-2 country code"),
        (["--limit", "0"], "must be at least 1"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["places", "Erbil", *args])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_a_first_run_says_it_prepares_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without an index the command says why it takes a while, then answers."""
    from desktop.services import gazetteer_index
    from tests.gazetteer_data import ADMIN1, write_cities

    small = write_cities(tmp_path)
    monkeypatch.setattr(gazetteer, "cache_folder", lambda: tmp_path / "cache")
    monkeypatch.setattr(gazetteer_index, "source_file", lambda: small)
    monkeypatch.setattr(gazetteer_index, "read_admin1", lambda: ADMIN1)
    assert main(["places", "Hit", "--country", "IQ"]) == 0
    out, err = capsys.readouterr()
    assert out == "Hīt\tAl Anbar\tIQ\t33.63805\t42.82674\n"
    assert "preparing the list of places, once" in err
    assert main(["places", "Hit", "--country", "IQ"]) == 0
    assert capsys.readouterr().err == ""  # the second time it is ready
