"""The SITREP's page machinery: numbered pages, bookmarks, and which incident a page continues.

ReportLab pieces the renderer plugs in: a canvas that keeps pages until the end (for "Page X
of Y") and makes each bookmark on the page it belongs to, and a document template that turns
tagged flowables into outline entries and remembers which incident is being laid out, so
that a page that continues one can say so in its head.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from desktop.reports import fonts
from desktop.reports.sitrep_styles import MUTED


class NumberedCanvas(Canvas):
    """Keeps every page until ``save`` so that each can say 'Page X of Y'.

    A page only becomes a PDF page object when it is finally shown in ``save``, so a
    bookmark made while it is laid out would point at whatever page object is current then
    (the first one, for every heading). Bookmarks are therefore recorded with the page they
    belong to and made in ``save``, when that page is the current one.
    """

    def __init__(self, *args: Any, page_x: float = 0, page_y: float = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._page_x, self._page_y = page_x, page_y
        self._marks: list[tuple[str, float]] = []  # (key, top) on the page being laid out

    def bookmarkPage(self, key: str, fit: str = "Fit", **kwargs: Any) -> None:
        self._marks.append((key, float(kwargs.get("top") or self._pagesize[1])))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for key, top in self._marks:
                super().bookmarkPage(key, fit="XYZ", left=0, top=top)
            self.setFont(fonts.BODY_FONT, 8)
            self.setFillColor(MUTED)
            self.drawRightString(self._page_x, self._page_y, f"Page {self._pageNumber} of {total}")
            super().showPage()
        self.showOutline()  # the reader opens with the bookmarks shown (PageMode UseOutlines)
        super().save()


class SitrepDocTemplate(BaseDocTemplate):
    """Turns flowables tagged by ``outlined`` into bookmarks and outline entries, and keeps
    ``continuing``: the head of the incident being laid out (None between incidents).

    ``onPage`` hooks run as a page begins, before anything is drawn on it, so ``continuing``
    then names the incident the previous page broke off in.
    """

    continuing: str | None = None

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, EndOfPart):
            self.continuing = None
        elif hasattr(flowable, "_opens"):
            self.continuing = flowable._opens
        outline = getattr(flowable, "_outline", None)
        if outline is None:
            return
        key, title, level = outline
        # The frame's cursor is now just below the heading: its top is one height above.
        frame = self.frame
        top = frame._y + flowable.height + flowable.getSpaceBefore() if frame else None
        self.canv.bookmarkPage(key, fit="XYZ", left=0, top=top)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def outlined(flowable: Flowable, key: str, title: str, level: int) -> Flowable:
    flowable._outline = (key, " ".join(title.split())[:200], level)
    return flowable


def opens(flowable: Flowable, head: str) -> Flowable:
    """Mark ``flowable`` (an incident's heading) as the start of what ``head`` names.

    Only once it is drawn does a page continue the incident: a heading pushed to the next
    page (kept with its facts) leaves the page before it free of "continued".
    """
    flowable._opens = head
    return flowable


class EndOfPart(Flowable):
    """Zero-size mark after an incident's last line: the pages after it continue nothing.

    It goes right after that line, before any spacing, so that spacing which falls to the
    next page cannot leave a page headed "continued" with nothing of the incident on it.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        pass
