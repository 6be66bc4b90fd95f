"""What the app remembers between runs (QSettings): window layout and the databases used.

Kept apart from the window so the rules (how many recent entries, which comes first) are
tested without widgets, and so tests can point the settings at a temporary file.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8


class WindowSettings:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    # --- databases -------------------------------------------------------------------

    def recent_databases(self) -> list[str]:
        """Most recent first; each a file path or a password-free database URL."""
        value = self._settings.value("databases/recent", [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-item list
            return [value] if value else []
        if isinstance(value, list | tuple):
            return [str(v) for v in value if v]
        return []

    def remember_database(self, location: str) -> None:
        recent = [location, *(r for r in self.recent_databases() if r != location)]
        self._settings.setValue("databases/recent", recent[:MAX_RECENT])
        self._settings.setValue("databases/last", location)

    def forget_database(self, location: str) -> None:
        recent = [r for r in self.recent_databases() if r != location]
        self._settings.setValue("databases/recent", recent)
        if self.last_database() == location:
            self._settings.remove("databases/last")

    def clear_recent(self) -> None:
        self._settings.setValue("databases/recent", [])

    def last_database(self) -> str | None:
        value = self._settings.value("databases/last")
        return str(value) if value else None

    # --- layout ----------------------------------------------------------------------

    def state(self, key: str) -> QByteArray | None:
        value = self._settings.value(f"window/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(f"window/{key}", value)

    def flag(self, key: str, default: bool) -> bool:
        value = self._settings.value(f"window/{key}", default)
        if isinstance(value, str):
            return value.lower() == "true"
        return bool(value)

    def set_flag(self, key: str, value: bool) -> None:
        self._settings.setValue(f"window/{key}", value)

    def column_choices(self) -> dict[str, bool]:
        """The table's columns the analyst chose to show (True) or hide, by column key."""
        value = self._settings.value("window/columns-chosen", "")
        choices: dict[str, bool] = {}
        for item in str(value or "").split(","):
            key, _, shown = item.partition("=")
            if key and shown in ("0", "1"):
                choices[key] = shown == "1"
        return choices

    def set_column_choices(self, choices: dict[str, bool]) -> None:
        text = ",".join(f"{key}={int(shown)}" for key, shown in sorted(choices.items()))
        self._settings.setValue("window/columns-chosen", text)

    def sync(self) -> None:
        self._settings.sync()
