"""The text gate: escaping, right-to-left layout and missing glyphs, checked on the computed
lines and on real PDFs read back with pypdf."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.fonts import tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from desktop.reports import bidi as bidi_module
from desktop.reports import text as text_module
from desktop.reports.fonts import BODY_FONT, BOLD_FONT, EMOJI_FONT, ITALIC_FONT, register_fonts
from desktop.reports.glyphs import font_runs
from desktop.reports.text import (
    REPLACEMENT,
    BidiParagraph,
    Run,
    bidi_reorder,
    fit_runs,
    line_runs,
    make_paragraph,
    make_paragraphs,
    para_text,
    replace_missing,
    runs_width,
    split_paragraphs,
    text_width,
    visual_line,
)

if TYPE_CHECKING:
    from pathlib import Path

    from reportlab.platypus import Flowable

# Unvocalised news Arabic without brackets, so each line's letters map one to one between
# the logical text, python-bidi's reordering and the joined glyphs.
ARABIC_NARRATIVE = (
    "أعلنت المقاومة في العراق مسؤوليتها عن هجوم بطائرة مسيرة استهدف قاعدة عين الأسد الجوية "
    "في محافظة الأنبار غربي العراق وقالت في بيان إن الهجوم جاء ردا على الدعم الأمريكي "
    "وأكدت القيادة المركزية الأمريكية وقوع الهجوم يوم 17 أكتوبر 2023 مشيرة إلى إصابات طفيفة "
    "بين أفرادها فيما تبنت الفصائل هجمات أخرى على قاعدة حرير في أربيل"
)
MIXED = "Kataib Hezbollah (كتائب حزب الله) said on 17 Oct 2023 that it attacked al-Asad."


@pytest.fixture(scope="module", autouse=True)
def _fonts() -> None:
    register_fonts()


@pytest.fixture
def style() -> ParagraphStyle:
    return ParagraphStyle("body", fontName=BODY_FONT, fontSize=11, leading=15)


def build_pdf(path: Path, story: list[Flowable]) -> PdfReader:
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return PdfReader(str(path))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def unshape(glyphs: str) -> str:
    """Joined forms back to letters, in visual order (a lam-alef ligature decomposes to
    lam then alef, which is logical order, so it is turned round)."""
    return "".join(nfkc(c)[::-1] if "\ufef5" <= c <= "\ufefc" else nfkc(c) for c in glyphs)


class RecordingCanvas:
    """Just enough of a canvas to see where a flowable draws its lines."""

    def __init__(self) -> None:
        self.strings: list[tuple[float, float, str]] = []
        self.fonts: list[str] = []  # the font each string was drawn in

    def setFont(self, name: str, size: float) -> None:
        self.font = name

    def drawString(self, x: float, y: float, text: str) -> None:
        self.strings.append((x, y, text))
        self.fonts.append(self.font)

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


# ------------------------------------------------------------------------------- escaping


def test_markup_characters_print_literally(tmp_path: Path, style: ParagraphStyle) -> None:
    text = 'Tom & Jerry <b>not bold</b> a<b & "quotes" &amp; </para>'
    reader = build_pdf(tmp_path / "m.pdf", [make_paragraph(text, style)])
    assert text in pdf_text(reader)


def test_img_tag_is_text_not_a_file_fetch(tmp_path: Path, style: ParagraphStyle) -> None:
    # Were these parsed as markup, ReportLab would try to read them as images and fail.
    text = '<img src="/etc/passwd"/> <img src="/no/such/file.png" width="10" height="10"/>'
    reader = build_pdf(tmp_path / "img.pdf", [make_paragraph(text, style)])
    assert text in pdf_text(reader).replace("\n", " ")


def test_para_text_turns_newlines_into_breaks() -> None:
    assert para_text("a < b\nc & d\r\ne") == "a &lt; b<br/>c &amp; d<br/>e"


def test_rtl_markup_is_escaped_after_reordering(tmp_path: Path, style: ParagraphStyle) -> None:
    markup = para_text("قال <b> & إن")
    assert "&lt;b&gt;" in markup
    assert "&amp;" in markup
    assert ";tl&" not in markup  # an entity reversed by the bidi reordering
    build_pdf(tmp_path / "rtl-markup.pdf", [Paragraph(markup, style)])


# ------------------------------------------------------------------------------ long text


def test_long_narrative_splits_across_pages(tmp_path: Path, style: ParagraphStyle) -> None:
    sentence = "The convoy was struck near the checkpoint at 0630 local time; no casualties. "
    narrative = (sentence * (20_000 // len(sentence) + 1))[:20_000]
    reader = build_pdf(tmp_path / "long.pdf", [make_paragraph(narrative, style)])
    assert len(reader.pages) >= 4
    assert "checkpoint" in reader.pages[-1].extract_text()


def test_long_arabic_narrative_splits_across_pages(tmp_path: Path, style: ParagraphStyle) -> None:
    text = " ".join([ARABIC_NARRATIVE] * 40)
    flowable = make_paragraph(text, style)
    assert isinstance(flowable, BidiParagraph)
    reader = build_pdf(tmp_path / "long-ar.pdf", [flowable])
    assert len(reader.pages) >= 2
    assert "أربيل" in nfkc(reader.pages[-1].extract_text())


def test_split_parts_keep_the_lines(style: ParagraphStyle) -> None:
    whole = BidiParagraph(" ".join([ARABIC_NARRATIVE] * 3), style)
    whole.wrap(300, 10_000)
    head, tail = whole.split(300, style.leading * 4.5)
    assert isinstance(head, BidiParagraph)
    assert isinstance(tail, BidiParagraph)
    head.wrap(300, 10_000)
    tail.wrap(300, 10_000)
    assert len(head.lines) == 4
    assert head.lines + tail.lines == whole.lines


# Text made of what a split cares about: words, sentence ends, spaces, line breaks of every
# kind, Arabic with marks and joiners, emoji sequences.
_SPLIT_ALPHABET = st.sampled_from(
    [*"ab .?!\n\r\t", "\r\n", "\u2029", "\u00a0", "ق", "\u064e", "\u200d", "👍", "🏽", "\u2026"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPLIT_ALPHABET, max_size=400).map("".join), st.integers(4, 60))
def test_split_bounds_the_pieces_and_keeps_the_text(text: str, limit: int) -> None:
    paragraphs = split_paragraphs(text, limit)
    assert "".join(piece for paragraph in paragraphs for piece in paragraph) == text
    for n, paragraph in enumerate(paragraphs):
        assert paragraph
        assert all(0 < len(piece) <= limit for piece in paragraph) or paragraph == [""]
        # A paragraph holds no blank line but the one that ends it (the last need not end).
        blank = text_module._BLANK_LINE.search("".join(paragraph))
        if n < len(paragraphs) - 1 or blank is not None:
            assert blank is not None
            assert blank.end() == len("".join(paragraph))


def test_split_prefers_blank_lines_then_lines_then_sentences_then_spaces() -> None:
    assert split_paragraphs("One.\n\nTwo.\n \r\nThree.") == [
        ["One.\n\n"],
        ["Two.\n \r\n"],
        ["Three."],
    ]
    assert split_paragraphs("aaaa bbb.\ncc. dd ee", limit=12) == [["aaaa bbb.\n", "cc. dd ee"]]
    assert split_paragraphs("aaaa bb. cc dd ee", limit=12) == [["aaaa bb. ", "cc dd ee"]]
    assert split_paragraphs("aaaa bb cc dd ee", limit=12) == [["aaaa bb cc ", "dd ee"]]
    token = "QUJD" * 10
    assert split_paragraphs(token, limit=16) == [[token[:16], token[16:32], token[32:]]]


def test_a_token_is_not_cut_between_a_letter_and_its_mark_or_joiner() -> None:
    token = "ب\u064e" * 20  # each letter with its fatha
    pieces = split_paragraphs(token, limit=9)[0]
    assert all(len(piece) % 2 == 0 for piece in pieces)
    assert "".join(pieces) == token


def test_make_paragraphs_gives_bounded_pieces_that_read_as_paragraphs(
    style: ParagraphStyle,
) -> None:
    spaced = ParagraphStyle("spaced", parent=style, spaceBefore=3, spaceAfter=5)
    sentence = "The convoy was struck near the checkpoint & <b>burned</b>. "
    text = f"Short first.\n\n{sentence * 200}\n\nقال المتحدث إن الهجوم فشل."
    flowables = make_paragraphs(text, spaced, limit=1000)
    long_pieces = split_paragraphs(text, limit=1000)[1]
    assert len(long_pieces) > 10
    assert len(flowables) == 1 + len(long_pieces) + 1
    plain = flowables[:-1]
    assert all(isinstance(f, Paragraph) for f in plain)
    assert all(len(f.text) <= 1000 * 1.2 for f in plain)  # escaped markup: &amp; &lt;b&gt;
    assert isinstance(flowables[-1], BidiParagraph)
    spacing = [(f.getSpaceBefore(), f.getSpaceAfter()) for f in flowables]
    assert spacing[0] == spacing[-1] == (3, 5)  # whole paragraphs keep the style's spacing
    assert spacing[1] == (3, 0)  # the pieces of the long one are set close together
    assert spacing[2:-2] == [(0, 0)] * (len(flowables) - 4)
    assert spacing[-2] == (0, 5)


def test_make_paragraphs_bullet_leads_the_first_piece_only(style: ParagraphStyle) -> None:
    latin = make_paragraphs("point " * 400, style, bullet="•", limit=1000)
    assert [getattr(f, "bulletText", None) for f in latin] == ["•", None, None]
    arabic = make_paragraphs("العراق " * 300, style, bullet="•", limit=1000)
    assert all(isinstance(f, BidiParagraph) for f in arabic)
    # Drawn by the paragraph at the right edge, not written into the text (see bidi.py).
    assert [f.bullet for f in arabic] == ["•", "", ""]
    assert [p.text[:2] for f in arabic for p in f._paras] == ["ال", "ال", "ال"]
    assert all(f._mirrored for f in arabic)  # every piece hangs from the right alike
    assert make_paragraphs("  \n\n ", style) == []


def test_neutral_pieces_follow_the_direction_of_the_whole_text(style: ParagraphStyle) -> None:
    flowables = make_paragraphs("قال المتحدث:\n\n١٢٣ – ٤٥٦ (ب)", style)
    assert [f._paras[0].rtl for f in flowables] == [True, True]


def test_long_unbroken_arabic_token_costs_linear_measuring(
    style: ParagraphStyle, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "بطائرة" * 5_000  # 30,000 letters and no space
    measured = 0
    real_width = bidi_module._word_width

    def counting_width(word: str, font_name: str, size: float, rtl: bool) -> float:
        nonlocal measured
        measured += len(word)
        return real_width(word, font_name, size, rtl)

    monkeypatch.setattr(bidi_module, "_word_width", counting_width)
    paragraph = BidiParagraph(token, style)
    paragraph.wrap(300, 10_000)
    lines = paragraph.lines
    assert len(lines) > 100
    assert all(line.width <= 300 for line in lines)
    assert "".join(line.logical for line in lines) == token
    # Measuring the rest of the token once per line would be some 250 times the token.
    assert measured < 20 * len(token)


# ------------------------------------------------------------------------- right to left


def test_multiline_arabic_lines_are_in_logical_order(style: ParagraphStyle) -> None:
    paragraph = BidiParagraph(ARABIC_NARRATIVE, style)
    paragraph.wrap(220, 10_000)
    lines = paragraph.lines
    assert len(lines) >= 4
    # Line breaking happened on the logical text: the first line holds the first words...
    assert lines[0].logical.startswith("أعلنت المقاومة")
    assert lines[-1].logical.endswith("في أربيل")
    assert " ".join(line.logical for line in lines) == ARABIC_NARRATIVE
    for line in lines:
        assert line.rtl
        assert line.width <= 220
        # ...and each line was reordered on its own, exactly as the bidi algorithm says.
        assert line.visual == get_display(line.logical, base_dir="R")
        # The drawn glyphs are the same letters, joined (presentation forms).
        assert unshape(line.glyphs) == line.visual
    assert any("\ufe70" <= c <= "\ufeff" for c in lines[0].glyphs)


def test_rtl_lines_are_right_aligned_and_ltr_left(style: ParagraphStyle) -> None:
    for text, rtl in ((ARABIC_NARRATIVE, True), (MIXED * 3, False)):
        paragraph = BidiParagraph(text, style)
        paragraph.wrap(250, 10_000)
        canvas = RecordingCanvas()
        paragraph.canv = canvas
        paragraph.draw()
        assert len(canvas.strings) == len(paragraph.lines)
        for (x, _, drawn), line in zip(canvas.strings, paragraph.lines, strict=True):
            assert drawn == line.glyphs
            if rtl:
                assert x + line.width == pytest.approx(250)
            else:
                assert x == 0
        ys = [y for _, y, _ in canvas.strings]
        assert ys == sorted(ys, reverse=True)  # the first logical line is the top one


def test_mixed_text_keeps_latin_order_and_reverses_the_arabic_run() -> None:
    visual = bidi_reorder(MIXED, rtl=False)
    assert visual.startswith("Kataib Hezbollah (هللا بزح بئاتك) said on 17 Oct 2023")


def test_brackets_are_mirrored_and_numbers_kept_in_rtl_text() -> None:
    assert bidi_reorder("قال (17) إن", rtl=True) == "نإ (17) لاق"
    # Arabic-Indic digits read left to right even inside Arabic (ReportLab's own shaping
    # reverses them).
    assert "٢٠٢٣" in visual_line("في عام ٢٠٢٣ وقع")


def test_paragraph_direction_comes_from_the_first_strong_character(
    style: ParagraphStyle,
) -> None:
    paragraph = BidiParagraph(f"{MIXED}\nقال المتحدث إن CENTCOM أكدت", style)
    paragraph.wrap(1000, 1000)
    assert [line.rtl for line in paragraph.lines] == [False, True]


def test_arabic_paragraph_builds_with_italic_style(tmp_path: Path) -> None:
    italic = ParagraphStyle("quote", fontName=ITALIC_FONT, fontSize=10, leading=13)
    flowable = make_paragraph(MIXED, italic)
    assert isinstance(flowable, BidiParagraph)
    assert flowable.font_name == BODY_FONT  # DejaVu's oblique face has no Arabic
    build_pdf(tmp_path / "italic.pdf", [flowable])


def test_bidi_paragraph_works_inside_a_table(tmp_path: Path, style: ParagraphStyle) -> None:
    table = Table([["Where", make_paragraph("قاعدة عين الأسد الجوية، محافظة الأنبار", style)]])
    reader = build_pdf(tmp_path / "table.pdf", [table])
    assert "الأنبار" in nfkc(pdf_text(reader))


def test_latin_text_gets_a_plain_paragraph(style: ParagraphStyle) -> None:
    assert type(make_paragraph("Plain English.", style)) is Paragraph


def test_visual_line_width_matches_drawn_width() -> None:
    line = visual_line("كتائب حزب الله", font_size=12)
    assert text_width(line, BODY_FONT, 12) > 0
    assert nfkc(str(line)) == "هللا بزح بئاتك"


# ----------------------------------------------------------------------------- emoji etc.


DRONE = "Drone 🚀 attack 💥 كتائب 🔥"


def test_emoji_are_kept_and_what_no_font_has_is_replaced() -> None:
    text = "ok 👍🏽 👨‍👩‍👧 🇮🇶 ❤️ 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 🧨🧨 北京 done"
    # Skin tones, variation selectors, the keycap mark and flag tags are dropped; a ZWJ
    # sequence keeps its joiners (dropped when drawn), a flag its two regional indicators.
    assert replace_missing(text) == ("ok 👍 👨\u200d👩\u200d👧 🇮🇶 ❤ 1 🏴 🧨🧨 \ufffd\ufffd done")


def test_without_the_fallback_unsupported_graphemes_become_one_replacement_each() -> None:
    text = "ok 👍🏽 👨‍👩‍👧 🇮🇶 🧨🧨 北京 done"
    expected = "ok \ufffd \ufffd \ufffd \ufffd\ufffd \ufffd\ufffd done"
    assert replace_missing(text, fallback=False) == expected
    assert visual_line(text) == expected


def test_font_runs_put_emoji_in_the_fallback_font() -> None:
    assert font_runs("Drone 🚀💥 attack 👨\u200d👩!", BODY_FONT) == [
        Run("Drone ", BODY_FONT),
        Run("🚀💥", EMOJI_FONT),
        Run(" attack ", BODY_FONT),
        Run("👨\u200d👩", EMOJI_FONT),  # the joiner does not cut the run
        Run("!", BODY_FONT),
    ]
    assert font_runs("\u2067🔥 نار", BOLD_FONT) == [
        Run("\u2067", BOLD_FONT),
        Run("🔥", EMOJI_FONT),
        Run(" نار", BOLD_FONT),
    ]
    assert font_runs("plain", BODY_FONT) == [Run("plain", BODY_FONT)]


def test_line_runs_are_reordered_shaped_and_measured_per_font() -> None:
    runs = line_runs("قال 🔥 الله", BODY_FONT, 12)
    assert [run.font for run in runs] == [BODY_FONT, EMOJI_FONT, BODY_FONT]
    assert runs[1].text == "🔥"
    assert nfkc(str(runs[0].text)) == "هللا "  # the right-to-left line starts at the left
    assert runs_width(runs, 12) == pytest.approx(
        sum(text_width(run.text, run.font, 12) for run in runs)
    )
    assert [run.text for run in line_runs("a\u200d👩\ufe0f b")] == ["a", "👩", " b"]
    cut = fit_runs("Incident 3 (continued) · Drone 🚀 attack 💥 on the base", BODY_FONT, 9, 120)
    assert runs_width(cut, 9) <= 120
    assert str(cut[-1].text).endswith("…")


def test_para_text_sets_emoji_in_the_fallback_font() -> None:
    markup = para_text("<b>Drone</b> 🚀 & 💥")
    assert markup == (
        f'&lt;b&gt;Drone&lt;/b&gt; <font name="{EMOJI_FONT}">🚀</font> &amp; '
        f'<font name="{EMOJI_FONT}">💥</font>'
    )


def test_emoji_print_and_read_back(tmp_path: Path, style: ParagraphStyle) -> None:
    bold = ParagraphStyle("bold", parent=style, fontName=BOLD_FONT)
    story = [
        make_paragraph("Protest 🔥🔥 outside the embassy 👍🏽 ✓", style),
        Paragraph(f"<b>{para_text('Drone 🚀 attack 💥', BOLD_FONT)}</b>", bold),
        *make_paragraphs(DRONE, style),
        make_paragraph("احتجاج 🔥 أمام السفارة 🇮🇶", style),
    ]
    text = pdf_text(build_pdf(tmp_path / "emoji.pdf", story))
    assert REPLACEMENT not in text
    assert "embassy" in text
    for emoji in ("🔥", "👍", "🚀", "💥", "🇮🇶"):
        assert emoji in text
    reader = PdfReader(str(tmp_path / "emoji.pdf"))
    font_names = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("+NotoEmoji-Regular") for name in font_names)


def test_rtl_paragraph_draws_emoji_in_the_fallback_font(style: ParagraphStyle) -> None:
    paragraph = BidiParagraph("احتجاج 🔥 أمام السفارة " * 4, style)
    paragraph.wrap(250, 10_000)
    assert len(paragraph.lines) >= 2
    canvas = RecordingCanvas()
    paragraph.canv = canvas
    paragraph.draw()
    assert ("🔥", EMOJI_FONT) in zip((s for _, _, s in canvas.strings), canvas.fonts, strict=True)
    assert REPLACEMENT not in "".join(line.glyphs for line in paragraph.lines)
    for line in paragraph.lines:
        assert line.width <= 250
        assert line.width == pytest.approx(runs_width(list(line.runs), style.fontSize))
    # The first line's runs are drawn left to right, one after the other, ending at the right.
    first_line = [(x, s) for x, y, s in canvas.strings if y == canvas.strings[0][1]]
    xs = [x for x, _ in first_line]
    assert xs == sorted(xs)
    last_x, last_text = first_line[-1]
    last_font = canvas.fonts[len(first_line) - 1]
    assert last_x + text_width(last_text, last_font, style.fontSize) == pytest.approx(250)
    # Arabic is still shaped: presentation forms on the line.
    assert any("\ufe70" <= c <= "\ufeff" for c in paragraph.lines[0].glyphs)


# ---------------------------------------------------------------------------------- fonts


def test_register_fonts_is_idempotent() -> None:
    register_fonts()
    register_fonts()
    assert {BODY_FONT, ITALIC_FONT} <= set(pdfmetrics.getRegisteredFontNames())
    assert tt2ps("DejaVuSans", 1, 0) == "DejaVuSans-Bold"  # <b> inside a Paragraph
    assert tt2ps("DejaVuSans", 1, 1) == "DejaVuSans-BoldOblique"
