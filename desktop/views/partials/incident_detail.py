"""The read-only panel beside the table: one incident, everything an analyst checks.

Every piece of user text goes into a label set to plain text, so a title such as
``<img src=x>`` is shown as typed and never interpreted as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import phrases
from desktop.domain import ACTOR_ROLE_LABELS
from desktop.views.partials.evidence_list import EvidenceList
from desktop.views.partials.plain_widgets import (
    known_viewport,
    link_label,
    plain_label,
    set_link,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QShowEvent

    from desktop.services.dto import Citation, IncidentData

NOTHING_SELECTED = "Select an incident in the table to see it here."
# The labels of this many citations are kept for the next incident, even if it has fewer.
KEPT_CITATIONS = 16
CITATION_SPACING = 6  # pixels between the lines of the citations
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"


def _label(text: str = "", parent: QWidget | None = None) -> QLabel:
    return plain_label(text, parent, wrap=True, selectable=True)


def citation_heading(citation: Citation) -> str:
    """e.g. ``U.S. Central Command — B2 (Usually reliable / Probably true)``."""
    name = citation.source_name or citation.source
    return f"{name} — {phrases.grade_text(citation.source_reliability, citation.credibility)}"


def citation_details(citation: Citation) -> str:
    parts = []
    if citation.published:
        parts.append(f"published {citation.published.isoformat()}")
    if citation.retrieved:
        parts.append(f"retrieved {citation.retrieved.isoformat()}")
    if citation.language:
        parts.append(f"language {citation.language}")
    return " · ".join(parts)  # the address has a line of its own, a link


class CitationLabels:
    """The labels of one citation, kept from one incident to the next and given new text:
    making and destroying them was most of what showing an incident cost the window.

    A part a citation lacks (no address, no excerpt) is emptied and folded to no height
    rather than hidden: showing a hidden label again costs the window a few milliseconds
    each, folding it a fraction of one. The space between lines is the labels' own margins
    (half above, half below): the layout would put its spacing between folded labels too,
    and QFrame, QLabel's base, resets contents margins when polished.
    """

    def __init__(self, body: QWidget, layout: QVBoxLayout) -> None:
        self.heading = _label("", body)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.details = _label("", body)
        self.link = link_label("", body)
        self.excerpt = _label("", body)
        self.excerpt.setIndent(12)
        self.all = (self.heading, self.details, self.link, self.excerpt)
        for label in self.all:
            label.setMargin(CITATION_SPACING // 2)
            layout.addWidget(label)
            _fold(label, True)

    def show(self, citation: Citation) -> list[QLabel]:
        """Show ``citation``; the labels that show it, in order."""
        self.heading.setText(citation_heading(citation))
        shown = [self.heading]
        details = citation_details(citation)
        self.details.setText(details)
        if details:
            shown.append(self.details)
        set_link(self.link, citation.url or "")
        if citation.url:
            shown.append(self.link)
        self.excerpt.setText(f"“{citation.excerpt}”" if citation.excerpt else "")
        if citation.excerpt:
            shown.append(self.excerpt)
        for label in self.all:
            _fold(label, label not in shown)
        return shown

    def hide(self) -> None:
        for label in self.all:
            label.setText("")
            _fold(label, True)

    def remove(self, layout: QVBoxLayout) -> None:
        for label in self.all:
            layout.removeWidget(label)
            label.hide()
            label.deleteLater()


def _fold(label: QLabel, folded: bool) -> None:
    height = 0 if folded else QWIDGETSIZE_MAX
    if label.maximumHeight() != height:
        label.setMaximumHeight(height)


class WidthWatch(QObject):
    """Calls ``changed`` when a widget's width changes: the pane's viewport narrows when its
    scroll bar appears, and its wrapped labels then need more height than was laid out."""

    def __init__(self, watched: QWidget, changed: Callable[[], None]) -> None:
        super().__init__(watched)
        self._changed = changed
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            assert isinstance(event, QResizeEvent)
            if event.size().width() != event.oldSize().width():
                self._changed()
        return False


class IncidentDetail(QScrollArea):
    """Shows one :class:`IncidentData`, or a hint when nothing is selected.

    Its :attr:`evidence` list is filled by the window (desktop.views.main_evidence), told
    by :attr:`incident_shown`.
    """

    incident_shown = Signal(object)  # IncidentData

    FIELDS: tuple[str, ...] = (
        "When",
        "Where",
        "Coordinates",
        "Type",
        "Actors",
        "Casualties",
        "Status",
        "Confidence",
        "Likelihood",
        "Marking",
        "Tags",
        "Summary",
        "Notes",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        viewport = known_viewport(self)  # _relayout() reads its width, first as the window shows
        WidthWatch(viewport, self._relayout)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(240)  # a half-screen window still shows the table beside it
        body = QWidget(self)
        self._body = body
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 12)

        self.title_label = _label(NOTHING_SELECTED, body)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        layout.addWidget(self.title_label)

        self._form_widget = QWidget(body)
        form = QFormLayout(self._form_widget)
        self._form = form
        form.setContentsMargins(0, 4, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for name in self.FIELDS:
            value = _label("", self._form_widget)
            caption = QLabel(f"{name}:", self._form_widget)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            form.addRow(caption, value)
            self.values[name] = value
        layout.addWidget(self._form_widget)

        self._sources_heading = QLabel("Sources", body)
        heading_font = QFont(self._sources_heading.font())
        heading_font.setBold(True)
        self._sources_heading.setFont(heading_font)
        layout.addWidget(self._sources_heading)
        self._citations = QVBoxLayout()
        self._citations.setSpacing(0)  # each citation's line has its own margin
        layout.addLayout(self._citations)
        self.evidence = EvidenceList(body)
        # One relayout after the labels' new texts, however many changes asked for it.
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(0)
        self._relayout_timer.timeout.connect(self._relayout_settled)
        self.evidence.changed.connect(self._relayout_timer.start)
        layout.addWidget(self.evidence)
        layout.addStretch(1)
        self.setWidget(body)
        self.citation_labels: list[QLabel] = []
        self._citation_blocks: list[CitationLabels] = []
        self.clear()

    def clear(self, text: str = NOTHING_SELECTED) -> None:
        self.incident_id: str | None = None
        self.shown: IncidentData | None = None  # what the map and timeline mark
        self.title_label.setText(text)
        self._form_widget.hide()
        self._sources_heading.hide()
        self._set_citations(())
        self.evidence.set_items([], {})
        self.evidence.hide()
        self._relayout()

    def show_incident(self, data: IncidentData) -> None:
        self.incident_id = data.id
        self.shown = data
        self.title_label.setText(data.title)
        actors = "\n".join(
            f"{ACTOR_ROLE_LABELS.get(actor.role, actor.role)}: {actor.name}"
            for actor in data.actors
        )
        texts = {
            "When": phrases.when_with_precision(data.when),
            "Where": phrases.place_text(data.where),
            "Coordinates": phrases.coordinates_text(data.where),
            "Type": f"{data.event_type} — {data.sub_event_type}",
            "Actors": actors or "none recorded",
            "Casualties": phrases.casualties_short(data.casualties),
            "Status": phrases.status_explained(data.status),
            "Confidence": phrases.confidence_explained(data.confidence),
            "Likelihood": data.likelihood or "not assessed",
            "Marking": data.marking,
            "Tags": ", ".join(data.tags) or "none",
            "Summary": data.summary or "none",
            "Notes": data.notes or "none",
        }
        for name, text in texts.items():
            self.values[name].setText(text)
        self._form_widget.show()
        self._sources_heading.setText(f"Sources ({len(data.citations)})")
        self._sources_heading.show()
        self._set_citations(data.citations)
        self.evidence.show()
        self.incident_shown.emit(data)
        # Laid out in the next pass of the event loop, once, rather than now and again then:
        # the window answers between the new texts and their layout.
        self._relayout_timer.start()

    def _relayout_settled(self) -> None:
        """Lay out now and once more in the next pass: the first layout can change the
        width the wrapped labels get (the scroll bar comes or goes, the form's label column
        changes), and their heights are only right for the width they were measured at."""
        self._relayout()
        QTimer.singleShot(0, self, self._relayout)

    def _relayout(self) -> None:
        """Give the body the height its wrapped labels need at the current width.

        A scroll area sizes its widget from minimum sizes, which ignore how tall wrapped
        text becomes; without this, long summaries are squeezed and clipped.
        """
        body = self._body
        layout = body.layout()
        if layout is None or not self.isVisible():
            return  # showEvent() comes back here
        # Drop heights cached for the previous text, in the inner form first.
        self._form.invalidate()
        layout.invalidate()
        width = self.viewport().width()
        if layout.hasHeightForWidth():
            body.setMinimumHeight(layout.heightForWidth(width))
        else:
            body.setMinimumHeight(layout.sizeHint().height())
        # The labels take their new heights now, not a pass later: what paints (or is
        # grabbed) in between would show them clipped to their old ones. The form is a
        # widget of its own, laid out after the body gives it its size.
        layout.activate()
        self._form.activate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()  # what was shown while hidden was not laid out

    def _set_citations(self, citations: tuple[Citation, ...]) -> None:
        blocks = self._citation_blocks
        while len(blocks) < len(citations):
            blocks.append(CitationLabels(self._body, self._citations))
        while len(blocks) > max(len(citations), KEPT_CITATIONS):
            blocks.pop().remove(self._citations)
        self.citation_labels = []
        for block, citation in zip(blocks, citations, strict=False):
            self.citation_labels += block.show(citation)
        for block in blocks[len(citations) :]:
            block.hide()

    def text(self) -> str:
        """Everything shown, as plain text (for copying and for tests)."""
        lines = [self.title_label.text()]
        if self._form_widget.isVisibleTo(self):
            lines += [f"{name}: {label.text()}" for name, label in self.values.items()]
        lines += [label.property("plain") or label.text() for label in self.citation_labels]
        if self.evidence.isVisibleTo(self):
            lines.append(self.evidence.text())
        return "\n".join(lines)
