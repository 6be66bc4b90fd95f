"""Build resources/geo/countries-110m.json from Natural Earth's 1:110m admin-0 countries.

Run once by hand when the outlines should change; the app only reads the JSON it writes.
The data comes from a registry package, not from the internet at run time: geopandas 0.14.4
(on PyPI) ships Natural Earth's ``ne_110m_admin_0_countries`` as
``geopandas/datasets/naturalearth_lowres``. Natural Earth is in the public domain.

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install pyshp pycountry
    /tmp/geo/bin/pip download geopandas==0.14.4 --no-deps -d /tmp/geo
    /tmp/geo/bin/python resources/geo/build_outlines.py /tmp/geo/geopandas-0.14.4-py3-none-any.whl

What it does to the data:
* keys each country by ISO 3166-1 alpha-2 (pycountry maps Natural Earth's alpha-3 codes);
  Kosovo, which has no ISO code, gets the widely used user-assigned ``XK``; the two areas
  Natural Earth draws without any code keep their Natural Earth names ("N. Cyprus",
  "Somaliland") so that the land still has no holes;
* keeps outer rings only (at this scale the holes are enclaves that are countries of their
  own, such as Lesotho), drops the repeated closing point and rounds to 0.01 degrees (about
  1 km, far below the 110m data's own accuracy).
"""

from __future__ import annotations

import io
import itertools
import json
import sys
import zipfile
from pathlib import Path

import pycountry
import shapefile  # pyshp

MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUTPUT = Path(__file__).resolve().parent / "countries-110m.json"
NO_ISO_CODE = {"Kosovo": "XK"}

Ring = list[list[float]]


def signed_area(ring: list[tuple[float, float]]) -> float:
    """Shoelace area; negative for the clockwise rings that shapefiles use for outer rings."""
    return 0.5 * sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def clean(ring: list[tuple[float, float]]) -> Ring:
    out: Ring = []
    for lon, lat in ring:
        point = [round(lon, 2), round(lat, 2)]
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def key_for(name: str, iso_a3: str) -> str:
    country = pycountry.countries.get(alpha_3=iso_a3)
    if country is not None:
        return str(country.alpha_2)
    return NO_ISO_CODE.get(name, name)


def outer_rings(shape: shapefile.Shape) -> list[Ring]:
    bounds = [*shape.parts, len(shape.points)]
    rings = []
    for start, end in itertools.pairwise(bounds):
        ring = [(float(x), float(y)) for x, y in shape.points[start:end]]
        if signed_area(ring) < 0:  # clockwise: an outer ring
            cleaned = clean(ring)
            if len(cleaned) >= 3:
                rings.append(cleaned)
    return rings


def build(wheel: Path) -> dict[str, object]:
    with zipfile.ZipFile(wheel) as archive:
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(MEMBER + ".shp")),
            shx=io.BytesIO(archive.read(MEMBER + ".shx")),
            dbf=io.BytesIO(archive.read(MEMBER + ".dbf")),
            encoding=archive.read(MEMBER + ".cpg").decode("ascii").strip(),  # ISO-8859-1
        )
        countries: dict[str, list[Ring]] = {}
        for item in reader.shapeRecords():
            key = key_for(item.record["name"], item.record["iso_a3"])
            countries.setdefault(key, []).extend(outer_rings(item.shape))
    return {
        "source": (
            "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries "
            "(naturalearthdata.com), as shipped in geopandas 0.14.4 "
            "(geopandas/datasets/naturalearth_lowres); built by resources/geo/build_outlines.py"
        ),
        "licence": "public domain (Natural Earth)",
        "keys": "ISO 3166-1 alpha-2; XK = Kosovo; areas without a code by Natural Earth name",
        "coordinates": "[lon, lat] degrees, WGS84, rounded to 0.01; outer rings, not closed",
        "countries": dict(sorted(countries.items())),
    }


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} path/to/geopandas-0.14.4-py3-none-any.whl")
    data = build(Path(sys.argv[1]))
    OUTPUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    countries = data["countries"]
    assert isinstance(countries, dict)
    sys.stdout.write(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, {len(countries)} areas)\n")


if __name__ == "__main__":
    main()
