"""Locate the files kept in the repository's top-level ``resources/`` folder.

The folder is also the package ``desktop._resources`` (``setup.py`` maps the package to the
folder, ``pyproject.toml`` lists its data files), so a wheel ships it inside the installed
package and an editable install maps it back to the checkout. Everything reads through
:func:`resource_path`:

* in a source tree (a checkout run with ``PYTHONPATH``, the tests, an editable install) the
  tree's own ``resources/`` folder beside ``desktop/`` — never another checkout's, even when
  the interpreter has one of those installed;
* otherwise the installed package data, found with :mod:`importlib.resources`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources
from functools import cache
from pathlib import Path

RESOURCES_PACKAGE = "desktop._resources"
_TREE = Path(__file__).resolve().parents[1]


def source_tree_resources() -> Path | None:
    """The ``resources/`` folder of the source tree this package runs from, if it does."""
    folder = _TREE / "resources"
    if (_TREE / "pyproject.toml").is_file() and folder.is_dir():
        return folder
    return None


@cache
def resources_dir() -> Path:
    """The folder that holds the bundled resources (fonts, geo, sample)."""
    folder = source_tree_resources()
    if folder is not None:
        return folder
    try:
        files = importlib.resources.files(RESOURCES_PACKAGE)
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"missing bundled resources: no package {RESOURCES_PACKAGE}"
        ) from exc
    # An unzipped install (pip's) gives its real folder; a zipped one (Python 3.12+) is
    # extracted for the run and removed at exit.
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(importlib.resources.as_file(files)))


def resource_path(*parts: str) -> Path:
    """Return the path of ``resources/<parts...>``; raise FileNotFoundError if it is missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing bundled resource: {path}")
    return path
