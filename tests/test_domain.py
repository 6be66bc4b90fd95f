"""Domain helpers that lean on outside data."""

from __future__ import annotations

import pycountry

from desktop.domain import country_codes, country_name


def test_country_names_are_pycountrys_own() -> None:
    # domain.py reads pycountry's data file directly (its import is slow): same answers.
    expected = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    assert country_codes() == frozenset(expected)
    assert {code: country_name(code) for code in expected} == expected


def test_country_name_edge_cases() -> None:
    assert country_name(" iq ") == "Iraq"
    assert country_name("IR") == "Iran"  # the common name, not "Iran, Islamic Republic of"
    assert country_name("") == ""
    assert country_name("zz") == "ZZ"
