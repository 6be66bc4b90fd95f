"""Previews of evidence, made off the GUI thread: an image scaled, a PDF's first page, text.

:func:`preview_kind` says what can be previewed from the media type (and size);
:func:`render` makes the preview from a file (the service's read-only viewing copy) and is
called in a worker: images through ``QImageReader`` with an allocation limit and a scaled
size (a decompression bomb is refused, not decoded), PDFs through pypdfium2 (which is not
thread-safe: one page at a time, under a lock), text as plain text from its first few KB,
decoded leniently and stripped of control characters. A problem becomes a :class:`Preview`
with a reason, never an exception.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader

if TYPE_CHECKING:
    from pathlib import Path

IMAGE, PDF, TEXT = "image", "pdf", "text"
# Bigger files are not copied out to be previewed; Open shows them.
PREVIEW_LIMITS = {IMAGE: 64_000_000, PDF: 200_000_000, TEXT: 32_000_000}
MAX_SIDE = 360  # pixels: the preview's longest side at most
TEXT_BYTES = 4096  # the first few KB of a text file
IMAGE_ALLOCATION_MB = 256  # QImageReader refuses to decode anything larger than this
_TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "application/x-yaml", "application/yaml"}
)
# Not SVG: a document that refers to other files, rendered; the system's viewer opens it.
_IMAGE_TYPES = frozenset(
    name
    for name in (bytes(f.data()).decode("ascii") for f in QImageReader.supportedMimeTypes())
    if not name.startswith("image/svg")
) | {"image/png", "image/jpeg", "image/gif"}
_pdfium_lock = threading.Lock()


@dataclass(frozen=True)
class Preview:
    """An image or a text to show, or why there is none (``reason``)."""

    image: QImage | None = None
    text: str | None = None
    reason: str = ""


def preview_kind(media_type: str, size: int) -> str | None:
    """``IMAGE``, ``PDF`` or ``TEXT`` when a preview can be made; None otherwise."""
    kind = None
    if media_type in _IMAGE_TYPES:
        kind = IMAGE
    elif media_type == "application/pdf":
        kind = PDF
    elif media_type.startswith("text/") or media_type in _TEXT_TYPES:
        kind = TEXT
    if kind is None or size > PREVIEW_LIMITS[kind]:
        return None
    return kind


def render(path: Path, kind: str, max_side: int = MAX_SIDE) -> Preview:
    """The preview of the file at ``path`` (in a worker thread)."""
    try:
        if kind == IMAGE:
            return _image(path, max_side)
        if kind == PDF:
            return _pdf_page(path, max_side)
        return _text(path)
    except (OSError, ValueError, RuntimeError) as exc:  # pypdfium2 raises PdfiumError (a
        return Preview(reason=f"No preview: {exc}")  # RuntimeError) for damaged files


def _image(path: Path, max_side: int) -> Preview:
    reader = QImageReader(str(path))
    reader.setAllocationLimit(IMAGE_ALLOCATION_MB)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > max_side or size.height() > max_side):
        reader.setScaledSize(
            size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
        )
    image = reader.read()
    if image.isNull():
        return Preview(reason=f"No preview: {reader.errorString()}")
    return Preview(image=image)


def _pdf_page(path: Path, max_side: int) -> Preview:
    import pypdfium2

    with _pdfium_lock:
        document = pypdfium2.PdfDocument(str(path))
        try:
            if len(document) == 0:
                return Preview(reason="No preview: the PDF has no pages")
            page = document[0]
            try:
                width, height = page.get_size()
                scale = min(max_side / max(width, height, 1.0), 2.0)
                bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB, 3 bytes a pixel
                image = QImage(
                    bytes(bitmap.buffer),
                    bitmap.width,
                    bitmap.height,
                    bitmap.stride,
                    QImage.Format.Format_RGB888,
                ).copy()  # its own pixels, not the bitmap's buffer
                bitmap.close()
            finally:
                page.close()
        finally:
            document.close()
    return Preview(image=image)


def _text(path: Path) -> Preview:
    with path.open("rb") as handle:
        head = handle.read(TEXT_BYTES + 1)
    if b"\x00" in head:
        return Preview(reason="No preview: the file holds binary data, not text")
    cut = len(head) > TEXT_BYTES
    return Preview(text=plain_text(head[:TEXT_BYTES], cut))


def plain_text(data: bytes, cut: bool = False) -> str:
    """Bytes as text to show: UTF-8 (a BOM dropped; anything else replaced, not guessed),
    control and bidi-override characters removed, an ellipsis line where it was cut."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8-sig")("replace")
    text = decoder.decode(data, final=not cut)  # a character cut in two is not shown
    kept = "".join(
        ch
        for ch in text.replace("\r\n", "\n")
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\u200c\u200d"
    )
    return f"{kept}\n…" if cut else kept
