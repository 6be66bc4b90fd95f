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
    # Every installed copy's record (a source tree's own incident_desk.egg-info has none).
    installs = [
        json.loads(dist.read_text("direct_url.json") or "{}")
        for dist in importlib.metadata.distributions(name="incident-desk")
    ]
    if not any(
        info.get("dir_info", {}).get("editable") and info.get("url") == ROOT.as_uri()
        for info in installs
    ):
        pytest.skip("incident-desk is not installed editable from this tree (a PYTHONPATH run)")
    files = importlib.resources.files(resources.RESOURCES_PACKAGE)
    assert Path(str(files)).resolve() == (ROOT / "resources").resolve()
