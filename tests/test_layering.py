"""What import-linter (``lint-imports`` in ``make lint``, contracts in pyproject.toml) cannot
say: the views may name the store's types for type hints, but reach it only through services.

import-linter checks that nothing below the views imports Qt or the views, that the store
does not import services, that reports import neither the views nor the ORM, and that the
interchange formats (and the plain records they read and write) import neither the views,
the services, the store nor SQLAlchemy. It counts imports under ``if TYPE_CHECKING:`` like
any other, so it cannot tell a view's type hint (``Database``) from a view that opens
sessions itself; this test looks at run-time imports. It also does not see what importing a
package's ``__init__`` pulls in: a fresh interpreter checks that loading every format loads
no SQLAlchemy, Qt, store, services or views.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEWS = sorted((ROOT / "desktop" / "views").rglob("*.py"))


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def runtime_imports(source: str) -> set[str]:
    """Modules imported when the code runs: those under ``if TYPE_CHECKING:`` don't count."""
    tree = ast.parse(source)
    checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            checking.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_checker_tells_type_hints_apart() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "def f():\n    from desktop.store import engine\n"
        "if TYPE_CHECKING:\n    from desktop.store.models import Incident\n"
    )
    found = runtime_imports(source)
    assert {"sqlalchemy.orm", "desktop.store"} <= found
    assert "desktop.store.models" not in found


def test_views_are_found() -> None:
    assert len(VIEWS) > 10


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_reach_the_store_only_through_services(path: Path) -> None:
    """Widgets call use cases; the ORM, engine and files stay behind the services layer."""
    imported = runtime_imports(path.read_text(encoding="utf-8"))
    bad = {m for m in imported if _under(m, "desktop.store") or _under(m, "sqlalchemy")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


FORMATS = sorted((ROOT / "desktop" / "formats").rglob("*.py"))


def test_formats_load_without_sqlalchemy_qt_or_the_store() -> None:
    # A fresh interpreter: what loading every format really pulls in, indirectly too.
    modules = sorted(
        "desktop.formats" + ("" if p.stem == "__init__" else f".{p.stem}") for p in FORMATS
    )
    assert len(modules) > 2
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'PySide6', 'shiboken6', 'alembic') "
        "or m.startswith(('desktop.store', 'desktop.services', 'desktop.views')))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""
