"""The import wizard's saved mappings ("presets"), kept in the user's settings (QSettings).

A preset is a name and field path → column header. ACLED's is built in and not stored: it
reads the file with the ACLED format itself (its precision codes, actors by side, ids),
which a mapping of columns alone cannot say.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

ACLED = "ACLED (built in)"
GUESSED = "Guessed from the headers"
_KEY = "import/presets"


class PresetStore:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def saved(self) -> dict[str, dict[str, str]]:
        """Name → mapping of every saved preset (an unreadable entry is left out)."""
        raw = self._settings.value(_KEY, "{}")
        try:
            value = json.loads(raw if isinstance(raw, str) else "{}")
        except ValueError:
            return {}
        if not isinstance(value, dict):
            return {}
        return {
            str(name): {str(k): str(v) for k, v in mapping.items()}
            for name, mapping in value.items()
            if isinstance(mapping, dict)
        }

    def names(self) -> list[str]:
        return [GUESSED, ACLED, *sorted(self.saved())]

    def save(self, name: str, mapping: dict[str, str]) -> None:
        presets = self.saved()
        presets[name] = dict(mapping)
        self._settings.setValue(_KEY, json.dumps(presets, ensure_ascii=False))
