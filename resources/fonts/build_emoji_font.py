"""Build resources/fonts/NotoEmoji-Regular.ttf: the report's fallback for emoji.

Run once by hand when the font should change; the app only reads the TTF it writes (with
ReportLab, which needs no fontTools). The font comes from a registry package, not from the
internet at run time: manimgx-fonts 2026.9.26.post1 (on PyPI) ships Google's monochrome
Noto Emoji 3.002 ("Copyright 2013 Google LLC", SIL Open Font License 1.1, no Reserved Font
Name) unmodified, as the variable font ``manimgx_fonts/NotoEmoji[wght].ttf``.

    python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools==4.69.1
    /tmp/ft/bin/pip download manimgx-fonts==2026.9.26.post1 --no-deps -d /tmp/ft
    /tmp/ft/bin/python resources/fonts/build_emoji_font.py \
        /tmp/ft/manimgx_fonts-2026.9.26.post1-py3-none-any.whl

What it does to the font (an OFL "Modified Version"; the name stays, as Noto reserves none):
* pins the weight axis at 400 (``fontTools.varLib.instancer``): a static Regular instance,
  plain TrueType outlines, as ReportLab embeds them;
* keeps only the characters that at least one DejaVu Sans face in this folder lacks (so it is
  the fallback for bold and oblique text too), minus those the report code never draws (skin
  tones, the combining keycap, tag characters); no hinting and no layout tables
  (``fontTools.subset``): ReportLab draws one glyph per character and never applies the
  font's ZWJ, flag or keycap ligatures.

It also writes LICENSE-NotoEmoji.txt beside the font from the wheel's licence file. The output
is byte-for-byte reproducible (sha256 5400e224...0f1b35 with fonttools 4.69.1).
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

HERE = Path(__file__).resolve().parent
MEMBER = "manimgx_fonts/NotoEmoji[wght].ttf"
LICENCE_MEMBER = "manimgx_fonts-2026.9.26.post1.dist-info/licenses/LICENSE"
SOURCE_SHA256 = "de6c18832938afc99caf132b39d6a30a19bac7f2e812e28db2535b4608d27551"
OUTPUT = HERE / "NotoEmoji-Regular.ttf"
LICENCE = HERE / "LICENSE-NotoEmoji.txt"
DEJAVU = ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique")
# Never drawn by the report code (it drops them with the emoji they modify): skin tones,
# the combining keycap and the tag characters of subdivision flags.
DROPPED = {*range(0x1F3FB, 0x1F400), 0x20E3, *range(0xE0020, 0xE0080)}

LICENCE_HEAD = """\
Noto Emoji (monochrome), version 3.002: NotoEmoji-Regular.ttf in this folder is a subset of
a static Regular (weight 400) instance of NotoEmoji[wght].ttf, as shipped unmodified in the
PyPI package manimgx-fonts 2026.9.26.post1; build_emoji_font.py beside it made it and says
how. Upstream: https://github.com/googlefonts/noto-emoji
Copyright 2013 Google LLC. The licence below is the font licence as recorded in that
package's licence file.

"""


def dejavu_coverage() -> set[int]:
    """Characters every DejaVu Sans face has."""
    faces = [set(TTFont(HERE / f"{name}.ttf").getBestCmap()) for name in DEJAVU]
    return set.intersection(*faces)


def main(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(MEMBER)
        licence = archive.read(LICENCE_MEMBER).decode("utf-8")
    if hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        sys.exit(f"{MEMBER} is not the font this script was written for")
    font = instancer.instantiateVariableFont(
        TTFont(io.BytesIO(data), recalcTimestamp=False), {"wght": 400}
    )
    wanted = set(font.getBestCmap()) - dejavu_coverage() - DROPPED
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(OUTPUT)
    # The OFL text starts where the wheel's list of its other Noto fonts ends.
    ofl = licence[licence.index("This Font Software is licensed") :]
    LICENCE.write_text(LICENCE_HEAD + ofl, encoding="utf-8")
    sys.stdout.write(f"{OUTPUT.name}: {len(wanted)} characters, {OUTPUT.stat().st_size:,} bytes\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
