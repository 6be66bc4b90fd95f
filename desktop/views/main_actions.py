"""The main window's actions, declared once: text, shortcut, tip, icon, slot, flags and menu.

Each row of :data:`ACTIONS` is one action. :func:`build_actions` makes it, places it in its
menu (in table order; ``separator`` starts a group) and, if named in :data:`TOOLBAR`, in the
toolbar; the window connects it to the method named by ``slot`` and enables it from its
flags: ``needs_workspace`` (waits until a workspace is attached), ``needs_selection``
(needs a selected incident; also offered on right-click of a row) and ``waits_for_tasks``
(disabled while an import or export runs in the background). Adding an action takes a row
here and the method it calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from desktop import APP_NAME

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtWidgets import QMainWindow

_pix = QStyle.StandardPixmap
_key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str  # the attribute on MainActions: window.actions_.<name>
    text: str
    menu: str  # "&File", "&Edit", "&View", "&Help"
    slot: str | None = None  # a window method, or a dotted path ("filter_bar.clear")
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""
    icon: QStyle.StandardPixmap | None = None
    separator: bool = False  # a separator before it in its menu
    needs_workspace: bool = True
    needs_selection: bool = False
    waits_for_tasks: bool = False
    checkable: bool = False
    role: QAction.MenuRole | None = None


A = ActionSpec
# fmt: off
ACTIONS: tuple[ActionSpec, ...] = (
    A("new_database", "&New database…", "&File", "new_database", "Ctrl+Shift+N",
      "Create an empty workspace file", waits_for_tasks=True),
    A("open_database", "&Open database…", "&File", "open_database", _key.Open,
      "Open a workspace file", _pix.SP_DialogOpenButton, waits_for_tasks=True),
    # (the Open recent submenu follows Open database)
    A("load_sample", "Load &sample workspace", "&File", "load_sample",
      tip="Add the sample incidents and sources to this workspace", separator=True),
    A("import_json", "&Import JSON…", "&File", "import_json", "Ctrl+I",
      "Import incidents from an interchange file", _pix.SP_ArrowDown, waits_for_tasks=True),
    A("export_json", "Export &JSON…", "&File", "export_json", "Ctrl+Shift+E",
      "Export the incidents shown to an interchange file", waits_for_tasks=True),
    A("export_sitrep", "Export &SITREP (PDF)…", "&File", "export_sitrep", _key.Print,
      "Write a situation report of the incidents shown", _pix.SP_FileDialogDetailedView),
    # StandardKey.Quit is empty on some desktops.
    A("quit", "&Quit", "&File", "close", "Ctrl+Q", separator=True, needs_workspace=False,
      role=QAction.MenuRole.QuitRole),
    A("undo_delete", "&Undo delete", "&Edit", "undo_delete", _key.Undo,
      "Bring back the incident deleted last"),
    A("new_incident", "&New incident…", "&Edit", "new_incident", _key.New,
      "Record a new incident", _pix.SP_FileIcon, separator=True),
    A("edit_incident", "&Edit incident…", "&Edit", "edit_incident", "Ctrl+E",
      "Edit the selected incident", _pix.SP_FileDialogContentsView, needs_selection=True),
    A("delete_incident", "&Delete incident", "&Edit", "delete_incident", _key.Delete,
      "Move the selected incident to the trash", _pix.SP_TrashIcon, needs_selection=True),
    A("history", "&History…", "&Edit", "show_history", "Ctrl+H",
      "Who changed the selected incident, and what", needs_selection=True),
    A("find", "&Find…", "&Edit", "focus_search", _key.Find, "Search the incidents",
      separator=True),
    A("sources", "&Sources…", "&Edit", "show_sources", "Ctrl+Shift+S",
      "Review, edit and merge sources", _pix.SP_DirIcon, separator=True),
    A("trash", "&Trash…", "&Edit", "show_trash", "Ctrl+Shift+T",
      "Restore or purge deleted incidents"),
    A("refresh", "&Refresh", "&View", "reload", _key.Refresh, "Read the workspace again",
      _pix.SP_BrowserReload),
    A("clear_filters", "&Clear filters", "&View", "filter_bar.clear", "Ctrl+Shift+L",
      "Show every incident again"),
    A("best_match", "Search results by &best match", "&View", None, "Ctrl+Shift+B",
      "While searching, list the best matches first instead of the table's order",
      checkable=True),
    A("show_detail", "Show &detail pane", "&View", None, "F9", separator=True,
      needs_workspace=False, checkable=True),
    A("show_toolbar", "Show &toolbar", "&View", None, needs_workspace=False, checkable=True),
    A("grading_scales", "&Grading scales", "&Help", "show_grading_scales", _key.HelpContents,
      "The Admiralty source and information grades", needs_workspace=False),
    A("about", f"&About {APP_NAME}", "&Help", "show_about", needs_workspace=False,
      role=QAction.MenuRole.AboutRole),
)
# fmt: on
MENUS = ("&File", "&Edit", "&View", "&Help")
TOOLBAR = (
    "new_incident",
    "edit_incident",
    "delete_incident",
    None,
    "sources",
    None,
    "import_json",
    "export_sitrep",
)


class MainActions:
    """The window's actions by name (``actions_.import_json``), its recent menu and toolbar."""

    def __init__(self, actions: dict[str, QAction], recent_menu: QMenu, toolbar: QToolBar):
        self._actions = actions
        self.recent_menu = recent_menu
        self.toolbar = toolbar

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["_actions"][name]
        except KeyError:
            raise AttributeError(name) from None

    def where(self, **flags: bool) -> list[QAction]:
        """The actions whose flags are as given: ``where(needs_selection=True)``."""
        return [
            self._actions[spec.name]
            for spec in ACTIONS
            if all(getattr(spec, flag) == value for flag, value in flags.items())
        ]

    def slots(self) -> Iterator[tuple[QAction, str]]:
        """Each action that calls a window method, with the method's (dotted) name."""
        for spec in ACTIONS:
            if spec.slot is not None:
                yield self._actions[spec.name], spec.slot


def _action(window: QMainWindow, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, window)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        action.setStatusTip(spec.tip)
        shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{spec.tip} ({shortcut_text})" if shortcut_text else spec.tip)
    if spec.icon is not None:
        action.setIcon(window.style().standardIcon(spec.icon))
    action.setCheckable(spec.checkable)
    if spec.role is not None:
        action.setMenuRole(spec.role)
    # Shortcuts work anywhere in the window, also while focus is in the table or a filter.
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def build_actions(window: QMainWindow) -> MainActions:
    a = MainActions(
        {spec.name: _action(window, spec) for spec in ACTIONS},
        QMenu("Open &recent", window),
        QToolBar("Main toolbar", window),
    )
    a.undo_delete.setEnabled(False)
    # Delete must not fire while the analyst edits text in the search box: the window
    # adds this action to the table and it answers only when the table has focus.
    a.delete_incident.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    _menus(window, a)
    _toolbar(window, a)
    return a


def _menus(window: QMainWindow, a: MainActions) -> None:
    bar = window.menuBar()
    menus = {title: bar.addMenu(title) for title in MENUS}
    for spec in ACTIONS:
        menu = menus[spec.menu]
        if spec.separator:
            menu.addSeparator()
        menu.addAction(getattr(a, spec.name))
        if spec.name == "open_database":
            menu.addMenu(a.recent_menu)


def _toolbar(window: QMainWindow, a: MainActions) -> None:
    toolbar = a.toolbar
    toolbar.setObjectName("main-toolbar")  # saveState needs a name
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(18, 18))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in TOOLBAR:
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(getattr(a, name))
    a.show_toolbar.setChecked(True)
    a.show_toolbar.toggled.connect(toolbar.setVisible)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)


def recent_icon(window: QMainWindow) -> QIcon:
    return window.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogStart)
