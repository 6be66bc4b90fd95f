"""Locate files shipped in the repository's top-level ``resources/`` folder."""

from __future__ import annotations

from pathlib import Path

# resources/ sits beside the desktop package (desktop/resources.py -> parents[1] is the root).
# The app runs from a checkout or an editable install, so this is the one place to change if
# resources are ever moved into the package for a wheel.
RESOURCES_DIR = Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of ``resources/<parts...>``; raise FileNotFoundError if it is missing."""
    path = RESOURCES_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing bundled resource: {path}")
    return path
