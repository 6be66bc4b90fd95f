"""The main window's actions, declared once: text, shortcut, tip, icon, slot, flags and menu.

Each row of :data:`ACTIONS` is one action. :func:`build_actions` makes it, places it in its
menu (in table order; ``separator`` starts a group) and, if named in :data:`TOOLBAR`, in the
toolbar; the window connects it to the method named by ``slot`` and enables it from its
flags: ``needs_workspace`` (waits until a workspace is attached), ``needs_selection``
(needs a selected incident; also offered on right-click of a row) and ``waits_for_tasks``
(disabled while an import or export runs in the background). Adding an action takes a row
here and the method it calls.

File ▸ Export ▸ has one row per registered writer (:func:`format_rows`, read from
:mod:`desktop.formats` when the window is built, so a new format gets its entry), then the
SITREP; :func:`rows` is the whole table the window is built from. A window that paints a
preview first (app.py) is built without them, and :func:`add_format_actions` adds them when
its workspace is attached: importing every format's reader and writer would delay those first
rows, and the menus wait for the workspace anyway. ``submenu`` puts a row in
a submenu of its menu, made where the submenu's first row falls; ``arg`` is passed to the
slot (the export entries call ``export_to(name)``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    submenu: str | None = None  # a submenu of its menu: EXPORT_MENU
    arg: str | None = None  # passed to the slot: slot(arg)


A = ActionSpec
EXPORT_MENU = "&Export"  # File ▸ Export ▸: the rows of format_rows(), then the SITREP
# fmt: off
ACTIONS: tuple[ActionSpec, ...] = (
    A("new_database", "&New database…", "&File", "new_database", "Ctrl+Shift+N",
      "Create an empty workspace file", waits_for_tasks=True),
    A("open_database", "&Open database…", "&File", "open_database", _key.Open,
      "Open a workspace file", _pix.SP_DialogOpenButton, waits_for_tasks=True),
    # (the Open recent submenu follows Open database)
    A("load_sample", "Load &sample workspace", "&File", "load_sample",
      tip="Add the sample incidents and sources to this workspace", separator=True),
    # (rows() adds the formats that can be imported to the tip)
    A("import_file", "&Import…", "&File", "import_file", "Ctrl+I",
      "Import incidents from an interchange file", _pix.SP_ArrowDown, waits_for_tasks=True),
    # (File ▸ Export ▸ lists one row per registered writer first: format_rows())
    A("export_sitrep", "&SITREP (PDF)…", "&File", "export_sitrep", _key.Print,
      "Write a situation report of the incidents shown", _pix.SP_FileDialogDetailedView,
      separator=True, submenu=EXPORT_MENU),
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
    A("add_evidence", "Add e&vidence…", "&Edit", "add_evidence", "Ctrl+Shift+A",
      "Attach files to the selected incident (screenshots, pages, videos), kept byte for "
      "byte with their SHA-256; or drop them on the detail pane", needs_selection=True,
      waits_for_tasks=True),
    A("check_evidence", "&Check evidence now", "&Edit", "check_evidence_now",
      tip="Rehash every stored evidence file and check its custody trail (done by itself "
      "once a day when the workspace opens)"),
    A("damaged_evidence", "Da&maged evidence…", "&Edit", "show_evidence_damage",
      tip="What the last check of the evidence found damaged or missing"),
    A("find", "&Find…", "&Edit", "focus_search", _key.Find, "Search the incidents",
      separator=True),
    A("sources", "&Sources…", "&Edit", "show_sources", "Ctrl+Shift+S",
      "Review, edit and merge sources", _pix.SP_DirIcon, separator=True),
    A("find_duplicates", "Find d&uplicates…", "&Edit", "find_duplicates",
      tip="List incidents that may record the same event, to merge or mark as different",
      waits_for_tasks=True),
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
    A("show_map", "Show &map", "&View", None, "Ctrl+Shift+M",
      "Where the incidents shown are: click a place to select its incidents, Shift+drag a box "
      "or double-click a country to filter", checkable=True),
    A("show_timeline", "Show t&imeline", "&View", None, "Ctrl+Shift+Y",
      "When the incidents shown happened: drag over a span to set the period",
      checkable=True),
    A("reset_layout", "&Reset layout", "&View", "reset_layout", None,
      "Show the detail pane, the map and the timeline where and as large as they start",
      needs_workspace=False),
    A("grading_scales", "&Grading scales", "&Help", "show_grading_scales", _key.HelpContents,
      "The Admiralty source and information grades", needs_workspace=False),
    A("about", f"&About {APP_NAME}", "&Help", "show_about", needs_workspace=False,
      role=QAction.MenuRole.AboutRole),
)
# fmt: on
MENUS = ("&File", "&Edit", "&View", "&Help")
# Shortcuts of File ▸ Export ▸ entries, by format name.
EXPORT_SHORTCUTS = {"json": "Ctrl+Shift+E"}
TOOLBAR = (
    "new_incident",
    "edit_incident",
    "delete_incident",
    None,
    "sources",
    None,
    "import_file",
    "export_sitrep",
)


def format_rows() -> tuple[ActionSpec, ...]:
    """File ▸ Export ▸ entries, one per registered writer, named ``export:<format>``."""
    from desktop import formats

    return tuple(
        A(f"export:{writer.name}", f"&{writer.label}…", "&File", "export_to",
          EXPORT_SHORTCUTS.get(writer.name),
          f"Export the incidents shown as {writer.dialog_filter}",
          waits_for_tasks=True, submenu=EXPORT_MENU, arg=writer.name)
        for writer in formats.writers()
    )  # fmt: skip


def import_tip(spec: ActionSpec) -> str:
    """Import…'s tip, with the formats it reads."""
    from desktop import formats

    return f"{spec.tip}: {formats.supported()}"


def rows(with_formats: bool = True) -> tuple[ActionSpec, ...]:
    """:data:`ACTIONS` with what the registry of formats adds: the export rows before the
    SITREP, and the formats Import… reads in its tip (``with_formats``: see the module)."""
    table: list[ActionSpec] = []
    for spec in ACTIONS:
        if spec.name == "import_file" and with_formats:
            spec = replace(spec, tip=import_tip(spec))
        if spec.name == "export_sitrep" and with_formats:
            table.extend(format_rows())
        table.append(spec)
    return tuple(table)


class MainActions:
    """The window's actions by name (``actions_.import_file``), File ▸ Export ▸'s by format
    (``actions_.exports["json"]``), its recent and export menus and toolbar."""

    def __init__(
        self,
        specs: tuple[ActionSpec, ...],
        actions: dict[str, QAction],
        recent_menu: QMenu,
        export_menu: QMenu,
        toolbar: QToolBar,
    ):
        self.specs = specs
        self._actions = actions
        self.recent_menu = recent_menu
        self.export_menu = export_menu
        self.toolbar = toolbar
        self.exports: dict[str, QAction] = {}
        self._add_exports(specs)

    def _add_exports(self, specs: tuple[ActionSpec, ...]) -> None:
        self.exports.update(
            (spec.arg, self._actions[spec.name])
            for spec in specs
            if spec.slot == "export_to" and spec.arg is not None
        )

    def __getattr__(self, name: str) -> QAction:
        try:
            return self.__dict__["_actions"][name]
        except KeyError:
            raise AttributeError(name) from None

    def where(self, **flags: bool) -> list[QAction]:
        """The actions whose flags are as given: ``where(needs_selection=True)``."""
        return [
            self._actions[spec.name]
            for spec in self.specs
            if all(getattr(spec, flag) == value for flag, value in flags.items())
        ]

    def slots(
        self, specs: tuple[ActionSpec, ...] | None = None
    ) -> Iterator[tuple[QAction, str, str | None]]:
        """Each action (of ``specs``, else all) that calls a window method, with the method's
        (dotted) name and the argument to call it with, if any."""
        for spec in self.specs if specs is None else specs:
            if spec.slot is not None:
                yield self._actions[spec.name], spec.slot, spec.arg


def _set_tip(action: QAction, tip: str) -> None:
    action.setStatusTip(tip)
    shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shortcut_text})" if shortcut_text else tip)


def _action(window: QMainWindow, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, window)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        _set_tip(action, spec.tip)
    if spec.icon is not None:
        action.setIcon(window.style().standardIcon(spec.icon))
    action.setCheckable(spec.checkable)
    if spec.role is not None:
        action.setMenuRole(spec.role)
    # Shortcuts work anywhere in the window, also while focus is in the table or a filter.
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def build_actions(window: QMainWindow, with_formats: bool = True) -> MainActions:
    """The window's actions, menus and toolbar; File ▸ Export ▸'s formats only
    ``with_formats`` (else :func:`add_format_actions` adds them)."""
    specs = rows(with_formats)
    a = MainActions(
        specs,
        {spec.name: _action(window, spec) for spec in specs},
        QMenu("Open &recent", window),
        QMenu(EXPORT_MENU, window),
        QToolBar("Main toolbar", window),
    )
    a.undo_delete.setEnabled(False)
    # Delete must not fire while the analyst edits text in the search box: the window
    # adds this action to the table and it answers only when the table has focus.
    a.delete_incident.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    _menus(window, a)
    _toolbar(window, a)
    return a


def add_format_actions(window: QMainWindow, a: MainActions) -> tuple[ActionSpec, ...]:
    """Add File ▸ Export ▸'s formats, and Import…'s, to actions built without them; returns
    the rows added (none if they are there already), for the window to connect."""
    if a.exports:
        return ()
    added = format_rows()
    a._actions.update((spec.name, _action(window, spec)) for spec in added)
    a.specs = a.specs + added
    a._add_exports(added)
    # First in the submenu, as rows() places them: above the SITREP's separator.
    a.export_menu.insertActions(
        a.export_menu.actions()[0], [a._actions[spec.name] for spec in added]
    )
    import_spec = next(spec for spec in ACTIONS if spec.name == "import_file")
    _set_tip(a.import_file, import_tip(import_spec))
    return added


def _menus(window: QMainWindow, a: MainActions) -> None:
    bar = window.menuBar()
    menus = {title: bar.addMenu(title) for title in MENUS}
    submenus = {EXPORT_MENU: a.export_menu}
    for spec in a.specs:
        menu = menus[spec.menu]
        if spec.submenu is not None:
            submenu = submenus[spec.submenu]
            if submenu.menuAction() not in menu.actions():
                menu.addMenu(submenu)
            menu = submenu
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
