"""``places``: the offline gazetteer from a script, one place a line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from desktop.cli.common import country_arg, limit_arg, text_arg
from desktop.wording import printable

if TYPE_CHECKING:
    import argparse

    from desktop.cli.registry import Registry
    from desktop.services.gazetteer import Place


def register(registry: Registry) -> None:
    places = registry.plain_command(
        "places",
        "known places (GeoNames) whose name begins so: name, province, country, lat, lon",
        _places,
    )
    places.add_argument("name", type=text_arg, help="a name or its beginning, in any script")
    places.add_argument("--country", type=country_arg, help="only places in this country (IQ)")
    places.add_argument(
        "--limit", type=limit_arg, default=10, help="most places to list (default: 10)"
    )


def _places(args: argparse.Namespace) -> int:
    from desktop.services import gazetteer

    if not gazetteer.index_ready():
        print(
            "incident-desk: preparing the list of places, once (GeoNames; about a minute)…",
            file=sys.stderr,
        )
    with gazetteer.open_gazetteer() as places:
        found = places.search(args.name, args.country, args.limit)
    for place in found:
        print(place_line(place))
    if not found:
        where = f" in {args.country}" if args.country else ""
        print(f"No place matches {printable(repr(args.name))}{where}.", file=sys.stderr)
    return 0


def place_line(place: Place) -> str:
    """Tab-separated, for ``cut`` and spreadsheets: name, province, country, lat, lon (each
    field escaped like all printed text, so a name cannot hold a tab or a terminal escape)."""
    fields = (place.name, place.admin1, place.country, str(place.lat), str(place.lon))
    return "\t".join(printable(field) for field in fields)
