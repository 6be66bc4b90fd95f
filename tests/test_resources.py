"""The one way to the bundled resources: desktop.resources (the wheel: tests/test_wheel.py)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from pathlib import Path

import pytest

from desktop import resources

ROOT = Path(__file__).resolve().parent.parent


def test_a_source_tree_reads_its_own_resources_folder() -> None:
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.resource_path("fonts", "DejaVuSans.ttf").is_file()


def test_a_missing_resource_is_named() -> None:
    with pytest.raises(FileNotFoundError, match="missing bundled resource"):
        resources.resource_path("fonts", "NoSuchFont.ttf")


def test_an_editable_install_of_this_tree_maps_the_package_to_the_folder() -> None:
    try:
        direct_url = importlib.metadata.distribution("incident-desk").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        direct_url = None
    info = json.loads(direct_url or "{}")
    if not info.get("dir_info", {}).get("editable") or info.get("url") != ROOT.as_uri():
        pytest.skip("incident-desk is not installed editable from this tree (a PYTHONPATH run)")
    files = importlib.resources.files(resources.RESOURCES_PACKAGE)
    assert Path(str(files)).resolve() == (ROOT / "resources").resolve()
