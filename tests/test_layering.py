"""The layers stay apart: no Qt below the views, and the store knows nothing of services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "desktop"
QT_FREE = sorted(
    [
        *(DESKTOP / "store").rglob("*.py"),
        *(DESKTOP / "services").rglob("*.py"),
        *(DESKTOP / "reports").rglob("*.py"),
        DESKTOP / "domain.py",
        DESKTOP / "errors.py",
        DESKTOP / "parsing.py",
        DESKTOP / "geography.py",
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
