"""The layers stay apart: no Qt below the views, the store knows nothing of services, and
the interchange formats see only plain records."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "desktop"
QT_FREE = sorted(
    [
        *(DESKTOP / "store").rglob("*.py"),
        *(DESKTOP / "services").rglob("*.py"),
        *(DESKTOP / "reports").rglob("*.py"),
        *(DESKTOP / "formats").rglob("*.py"),
        DESKTOP / "domain.py",
        DESKTOP / "records.py",
        DESKTOP / "errors.py",
        DESKTOP / "parsing.py",
    ]
)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, with relative imports made absolute."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    return modules_in(path.read_text(encoding="utf-8"), package)


def modules_in(source: str, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                module = ".".join([*parts, node.module] if node.module else parts)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_files_are_found() -> None:
    assert len(QT_FREE) > 10
    assert all(path.exists() for path in QT_FREE)


@pytest.mark.parametrize("path", QT_FREE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_qt_or_views_below_the_views(path: Path) -> None:
    bad = {
        m
        for m in imported_modules(path)
        if _under(m, "PySide6") or _under(m, "desktop.views") or _under(m, "shiboken6")
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", sorted((DESKTOP / "store").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_store_does_not_import_services(path: Path) -> None:
    bad = {m for m in imported_modules(path) if _under(m, "desktop.services")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_checker_sees_imports() -> None:
    source = (
        "from PySide6.QtCore import Qt\n"
        "import desktop.views.main\n"
        "from ..services import x\n"
        "if True:\n    from desktop.views import y\n"
    )
    found = modules_in(source, "desktop.store")
    assert "PySide6.QtCore" in found
    assert "desktop.views.main" in found
    assert "desktop.services" in found
    assert "desktop.views.y" in found


VIEWS = sorted((DESKTOP / "views").rglob("*.py"))


def runtime_imports(path: Path) -> set[str]:
    """Modules imported when the file runs: those under ``if TYPE_CHECKING:`` don't count."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_reach_the_store_only_through_services(path: Path) -> None:
    """Widgets call use cases; the ORM, engine and files stay behind the services layer."""
    imported = runtime_imports(path)
    bad = {m for m in imported if _under(m, "desktop.store") or _under(m, "sqlalchemy")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


FORMATS = sorted((DESKTOP / "formats").rglob("*.py"))
# All a format may import of the app: plain records, rules and words, and other formats.
FORMATS_MAY_IMPORT = (
    "desktop.domain",
    "desktop.errors",
    "desktop.records",
    "desktop.timetext",
    "desktop.wording",
    "desktop.formats",
)


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formats_import_no_sqlalchemy_no_qt_and_no_services(path: Path) -> None:
    imported = imported_modules(path)
    bad = {
        m
        for m in imported
        if _under(m, "sqlalchemy")
        or _under(m, "PySide6")
        or _under(m, "shiboken6")
        or (_under(m, "desktop") and not any(_under(m, ok) for ok in FORMATS_MAY_IMPORT))
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "module", [m for m in FORMATS_MAY_IMPORT if m != "desktop.formats"], ids=str
)
def test_what_formats_may_import_stays_below_the_layers(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    bad = {
        m
        for m in imported_modules(path)
        if _under(m, "sqlalchemy")
        or _under(m, "PySide6")
        or any(_under(m, f"desktop.{layer}") for layer in ("store", "services", "views"))
    }
    assert not bad, f"{module} imports {sorted(bad)}"


def test_formats_load_without_sqlalchemy_qt_or_the_store() -> None:
    # A fresh interpreter: what loading every format really pulls in, indirectly too.
    modules = sorted(
        "desktop.formats" + ("" if p.stem == "__init__" else f".{p.stem}") for p in FORMATS
    )
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
