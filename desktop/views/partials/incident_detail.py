"""The read-only panel beside the table: one incident, everything an analyst checks.

Every piece of user text goes into a label set to plain text, so a title such as
``<img src=x>`` is shown as typed and never interpreted as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
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
from desktop.views.partials.plain_widgets import known_viewport, link_label, plain_label

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent, QShowEvent

    from desktop.services.dto import Citation, IncidentData

NOTHING_SELECTED = "Select an incident in the table to see it here."


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


class IncidentDetail(QScrollArea):
    """Shows one :class:`IncidentData`, or a hint when nothing is selected."""

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
        known_viewport(self)  # _relayout() reads its width, first while the window shows
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
        self._citations.setSpacing(6)
        layout.addLayout(self._citations)
        layout.addStretch(1)
        self.setWidget(body)
        self.citation_labels: list[QLabel] = []
        self.clear()

    def clear(self, text: str = NOTHING_SELECTED) -> None:
        self.incident_id: str | None = None
        self.shown: IncidentData | None = None  # what the map and timeline mark
        self.title_label.setText(text)
        self._form_widget.hide()
        self._sources_heading.hide()
        self._set_citations(())
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
        self._relayout()
        # Once more when the labels' new sizes have settled in the event loop.
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()  # what was shown while hidden was not laid out

    def _set_citations(self, citations: tuple[Citation, ...]) -> None:
        for label in self.citation_labels:
            self._citations.removeWidget(label)
            label.hide()
            label.deleteLater()
        self.citation_labels = []
        body = self._body
        for citation in citations:
            heading = _label(citation_heading(citation), body)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            self.citation_labels.append(heading)
            details = citation_details(citation)
            if details:
                self.citation_labels.append(_label(details, body))
            if citation.url:
                self.citation_labels.append(link_label(citation.url, body))
            if citation.excerpt:
                excerpt = _label(f"“{citation.excerpt}”", body)
                excerpt.setIndent(12)
                self.citation_labels.append(excerpt)
        for label in self.citation_labels:
            self._citations.addWidget(label)

    def text(self) -> str:
        """Everything shown, as plain text (for copying and for tests)."""
        lines = [self.title_label.text()]
        if self._form_widget.isVisibleTo(self):
            lines += [f"{name}: {label.text()}" for name, label in self.values.items()]
        lines += [label.property("plain") or label.text() for label in self.citation_labels]
        return "\n".join(lines)
