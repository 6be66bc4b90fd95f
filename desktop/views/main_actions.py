"""The main window's actions, menus and toolbar, built in one place.

Each action is created once with its text, shortcut, icon and tip, then placed in the menus
and the toolbar; the window connects them to its slots and enables them as the selection and
the undo list change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QToolBar

from desktop import APP_NAME, formats

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


# Shortcuts of File ▸ Export ▸ entries, by format name.
EXPORT_SHORTCUTS = {"json": "Ctrl+Shift+E"}


class MainActions(NamedTuple):
    """The window's actions and toolbar (a named tuple: made in a quarter of a dataclass's
    time, and the window's start makes its classes before the first paint)."""

    new_database: QAction
    open_database: QAction
    recent_menu: QMenu
    load_sample: QAction
    import_file: QAction
    export_menu: QMenu
    exports: dict[str, QAction]  # File ▸ Export ▸ one per registered writer, by its name
    export_sitrep: QAction
    quit: QAction
    new_incident: QAction
    edit_incident: QAction
    delete_incident: QAction
    undo_delete: QAction
    history: QAction
    find: QAction
    sources: QAction
    trash: QAction
    refresh: QAction
    clear_filters: QAction
    best_match: QAction
    show_detail: QAction
    show_toolbar: QAction
    grading_scales: QAction
    about: QAction
    toolbar: QToolBar


def _action(
    window: QMainWindow,
    text: str,
    shortcut: QKeySequence.StandardKey | str | None = None,
    tip: str = "",
    icon: QStyle.StandardPixmap | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shortcut_text})" if shortcut_text else tip)
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    # Shortcuts work anywhere in the window, also while focus is in the table or a filter.
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def build_actions(window: QMainWindow) -> MainActions:
    pix = QStyle.StandardPixmap
    key = QKeySequence.StandardKey
    a = MainActions(
        new_database=_action(
            window, "&New database…", "Ctrl+Shift+N", "Create an empty workspace file"
        ),
        open_database=_action(
            window, "&Open database…", key.Open, "Open a workspace file", pix.SP_DialogOpenButton
        ),
        recent_menu=QMenu("Open &recent", window),
        load_sample=_action(
            window,
            "Load &sample workspace",
            tip="Add the sample incidents and sources to this workspace",
        ),
        import_file=_action(
            window,
            "&Import…",
            "Ctrl+I",
            f"Import incidents from an interchange file: {formats.supported()}",
            pix.SP_ArrowDown,
        ),
        export_menu=QMenu("&Export", window),
        exports={
            writer.name: _action(
                window,
                f"&{writer.label}…",
                EXPORT_SHORTCUTS.get(writer.name),
                f"Export the incidents shown as {writer.dialog_filter}",
            )
            for writer in formats.writers()
        },
        export_sitrep=_action(
            window,
            "&SITREP (PDF)…",
            key.Print,
            "Write a situation report of the incidents shown",
            pix.SP_FileDialogDetailedView,
        ),
        quit=_action(window, "&Quit", "Ctrl+Q"),  # StandardKey.Quit is empty on some desktops
        new_incident=_action(
            window, "&New incident…", key.New, "Record a new incident", pix.SP_FileIcon
        ),
        edit_incident=_action(
            window,
            "&Edit incident…",
            "Ctrl+E",
            "Edit the selected incident",
            pix.SP_FileDialogContentsView,
        ),
        delete_incident=_action(
            window,
            "&Delete incident",
            key.Delete,
            "Move the selected incident to the trash",
            pix.SP_TrashIcon,
        ),
        undo_delete=_action(
            window, "&Undo delete", key.Undo, "Bring back the incident deleted last"
        ),
        history=_action(
            window, "&History…", "Ctrl+H", "Who changed the selected incident, and what"
        ),
        find=_action(window, "&Find…", key.Find, "Search the incidents"),
        sources=_action(
            window, "&Sources…", "Ctrl+Shift+S", "Review, edit and merge sources", pix.SP_DirIcon
        ),
        trash=_action(window, "&Trash…", "Ctrl+Shift+T", "Restore or purge deleted incidents"),
        refresh=_action(
            window, "&Refresh", key.Refresh, "Read the workspace again", pix.SP_BrowserReload
        ),
        clear_filters=_action(
            window, "&Clear filters", "Ctrl+Shift+L", "Show every incident again"
        ),
        best_match=_action(
            window,
            "Search results by &best match",
            "Ctrl+Shift+B",
            "While searching, list the best matches first instead of the table's order",
        ),
        show_detail=_action(window, "Show &detail pane", "F9"),
        show_toolbar=_action(window, "Show &toolbar"),
        grading_scales=_action(
            window,
            "&Grading scales",
            key.HelpContents,
            "The Admiralty source and information grades",
        ),
        about=_action(window, f"&About {APP_NAME}"),
        toolbar=QToolBar("Main toolbar", window),
    )
    a.quit.setMenuRole(QAction.MenuRole.QuitRole)
    a.about.setMenuRole(QAction.MenuRole.AboutRole)
    a.show_detail.setCheckable(True)
    a.best_match.setCheckable(True)
    a.show_toolbar.setCheckable(True)
    a.undo_delete.setEnabled(False)
    # Delete must not fire while the analyst edits text in the search box: the window
    # adds this action to the table and it answers only when the table has focus.
    a.delete_incident.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    _menus(window, a)
    _toolbar(window, a)
    return a


def _fill(container: QMenu | QToolBar, items: tuple[QAction | None, ...]) -> None:
    """Add actions in order; None stands for a separator."""
    for item in items:
        if item is None:
            container.addSeparator()
        else:
            container.addAction(item)


def _menus(window: QMainWindow, a: MainActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for item in (a.new_database, a.open_database):
        file_menu.addAction(item)
    file_menu.addMenu(a.recent_menu)
    file_menu.addSeparator()
    file_menu.addAction(a.load_sample)
    file_menu.addAction(a.import_file)
    file_menu.addMenu(a.export_menu)
    _fill(a.export_menu, (*a.exports.values(), None, a.export_sitrep))
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    edit_menu = bar.addMenu("&Edit")
    _fill(
        edit_menu,
        (
            a.undo_delete,
            None,
            a.new_incident,
            a.edit_incident,
            a.delete_incident,
            a.history,
            None,
            a.find,
            None,
            a.sources,
            a.trash,
        ),
    )

    view_menu = bar.addMenu("&View")
    _fill(
        view_menu, (a.refresh, a.clear_filters, a.best_match, None, a.show_detail, a.show_toolbar)
    )

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.grading_scales)
    help_menu.addAction(a.about)


def _toolbar(window: QMainWindow, a: MainActions) -> None:
    toolbar = a.toolbar
    toolbar.setObjectName("main-toolbar")  # saveState needs a name
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(18, 18))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    _fill(
        toolbar,
        (
            a.new_incident,
            a.edit_incident,
            a.delete_incident,
            None,
            a.sources,
            None,
            a.import_file,
            a.export_sitrep,
        ),
    )
    a.show_toolbar.setChecked(True)
    a.show_toolbar.toggled.connect(toolbar.setVisible)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)


def recent_icon(window: QMainWindow) -> QIcon:
    return window.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogStart)
