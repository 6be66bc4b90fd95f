"""The interchange formats, and the registry the command line and the File menu read.

Each module here is one format: a :class:`~desktop.formats.base.Format` with its name,
label, suffix and a reader and/or writer, pure functions over the plain records of
:mod:`desktop.records`. Formats import only ``desktop.domain``, ``desktop.errors``,
``desktop.fields``, ``desktop.records``, ``desktop.timetext``, ``desktop.wording`` and each
other: never the store, the services, SQLAlchemy or Qt (the import-linter contracts in
pyproject.toml).

Adding a format is one module here and its line in :data:`FORMATS`; ``incident-desk
export NAME``, ``incident-desk import``, File ▸ Import… and File ▸ Export ▸ follow.
"""

from __future__ import annotations

from pathlib import PurePath

from desktop.errors import ValidationError
from desktop.formats import acled, bundle, json_v2, misp, stix, table_write
from desktop.formats.base import Checks as Checks
from desktop.formats.base import Format as Format  # noqa: TC001 - re-exported
from desktop.wording import quoted

# Every format, in the order menus and help list them.
# JSON version 2's reader reads version 1 too; its writer writes version 2 only.
FORMATS: tuple[Format, ...] = (
    json_v2.JSON,
    stix.STIX,
    misp.MISP,
    table_write.CSV,
    table_write.XLSX,
    acled.ACLED,
)


def readers() -> tuple[Format, ...]:
    """The formats that can be imported."""
    return tuple(f for f in FORMATS if f.read is not None)


def writers() -> tuple[Format, ...]:
    """The formats that can be exported."""
    return tuple(f for f in FORMATS if f.write is not None)


def writer(name: str) -> Format:
    """The export format called ``name``."""
    for candidate in writers():
        if candidate.name == name:
            return candidate
    names = ", ".join(f.name for f in writers())
    raise ValidationError("", f"no export format {quoted(name)} (there are: {names})")


def reader(name: str) -> Format:
    """The import format called ``name`` (``import --format NAME``)."""
    for candidate in readers():
        if candidate.name == name:
            return candidate
    names = ", ".join(f.name for f in readers())
    raise ValidationError("", f"no import format {quoted(name)} (there are: {names})")


def supported() -> str:
    """What can be imported, in words: ``Incident Desk JSON (*.json), …, Evidence bundle
    (*.zip)`` (the command's help, the Import button's tip, a refusal)."""
    return ", ".join([*(f.dialog_filter for f in readers()), BUNDLE_FILTER])


def reader_for(name: str, raw: bytes) -> Format:
    """The format to read a file called ``name`` holding ``raw`` with.

    By content first: a reader that recognises the bytes reads them, whatever the file is
    called (one whose suffix also fits, if several do). Else by the suffix: its reader then
    says precisely what is wrong (``not valid JSON: line 3 …``). Else a one-line refusal
    that lists the formats there are.
    """
    suffix = PurePath(name).suffix.lower()
    by_content = [f for f in readers() if f.recognises is not None and f.recognises(raw)]
    for candidate in by_content:
        if candidate.suffix == suffix:
            return candidate
    if by_content:
        return by_content[0]
    for candidate in readers():
        if candidate.suffix == suffix:
            return candidate
    raise ValidationError(
        "", f"{name} is not a file Incident Desk can import; it imports {supported()}"
    )


# The evidence bundle is not a format of the registry (it holds one: the JSON, and files,
# imported by desktop.services.evidence_transfer), but Import… opens it all the same.
BUNDLE_FILTER = f"Evidence bundle (*{bundle.SUFFIX})"


def import_filter() -> str:
    """The Import… file dialog's filter: every importable format, each, and evidence
    bundles; then any file (a file is known by its content too)."""
    entries = [f.dialog_filter for f in readers()]
    patterns = " ".join(dict.fromkeys([*(f.pattern for f in readers()), f"*{bundle.SUFFIX}"]))
    return ";;".join([f"Importable files ({patterns})", *entries, BUNDLE_FILTER, "All files (*)"])
