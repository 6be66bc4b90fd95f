"""Hostile files named for import: each is refused in one sentence (or read, when it is a
real document in another Unicode encoding), and the workspace stays as it was."""

from __future__ import annotations

import copy
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from desktop.errors import ValidationError
from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import filebytes, interchange

if TYPE_CHECKING:
    from desktop.store.engine import Database

SAMPLE_TEXT = resource_path("sample", "workspace.json").read_text(encoding="utf-8")


def _refused(db: Database, path: Path, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        interchange.import_file(db, path)
    assert "\n" not in str(info.value)
    assert json_v1.document_json(interchange.export_records(db))["incidents"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": ' + "1" * 5000 + "}", "a number of more than 4,300 digits"),
        ('{"format": -' + "9" * 100_000 + "}", "a number of more than 4,300 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ("\u0000{}", "binary file"),
    ],
)
def test_hostile_json_is_one_sentence(
    db: Database, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    _refused(db, path, message)


@pytest.mark.parametrize(
    "encoding",
    ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"],
)
def test_utf16_and_utf32_files_are_read(db: Database, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"sample-{encoding}.json"
    path.write_bytes(SAMPLE_TEXT.encode(encoding))
    result = interchange.import_file(db, path)
    assert result.incidents_created == 7
    assert any(
        "al-Asad" in i["title"]
        for i in json_v1.document_json(interchange.export_records(db))["incidents"]
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(db: Database, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    _refused(db, Path(device), "is a device or socket, not a file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_without_waiting_for_a_writer(db: Database, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            interchange.read_file(fifo)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock it, then fail: opening the pipe waited for a writer
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a named pipe blocked")
    assert len(outcome) == 1
    assert isinstance(outcome[0], ValidationError)
    assert "is a pipe, not a file" in str(outcome[0])


def test_a_pipe_swapped_in_after_the_check_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    regular = os.stat(resource_path("sample", "workspace.json"))
    # The first look sees a regular file; the file opened is the pipe.
    monkeypatch.setattr(Path, "stat", lambda self, **_: regular)
    with pytest.raises(ValidationError, match="is a pipe, not a file"):
        filebytes.read_bytes(fifo)


def test_the_size_cap_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filebytes, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"x": "y" * 200}), encoding="utf-8")
    with pytest.raises(ValidationError, match="larger than 1 GiB; split it first"):
        filebytes.read_bytes(path)


def test_the_cap_is_well_above_a_100k_incident_export() -> None:
    # docs/performance.md: the 100,000-incident benchmark file is about 320 MB unindented,
    # about 430 MB as `export json` indents it.
    assert filebytes.MAX_FILE_BYTES >= 2 * 430_000_000


def test_a_deep_but_legal_nesting_in_a_value_is_refused_by_type(
    db: Database, tmp_path: Path
) -> None:
    document = json.loads(SAMPLE_TEXT)
    document["incidents"][0]["notes"] = copy.deepcopy([[[[[["x"]]]]]])
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _refused(db, path, r"incidents\[0\]\.notes: must be text, not a list")
