"""One definition of an incident's fields: the table every layer reads.

Each :class:`Field` is one leaf of :class:`desktop.services.dto.IncidentData`, named by the
same dotted path as validation problems and the interchange format (``title``,
``where.name``, ``casualties.killed``). The ORM mapping, the fast bulk insert, the change
history, the three-way merge, the length checks of validation, the editor's problem
labels and the JSON interchange format (its keys, their order, how each value is read and
written) all walk :data:`INCIDENT_FIELDS` instead of listing the fields again.

Most fields are *simple*: one value copied to one column, perhaps trimmed (``stored``) or
kept as an enum (``enum``). The rest (the times, the coordinates in history, the lists of
actors, tags and citations) have an entry for their labels and merge part, and ``simple``
False: each reader keeps its own explicit code for them.

Adding a simple scalar field: its column in ``store/models.py`` and a migration, an entry
here, the attribute in ``records.IncidentData`` and a widget in the editor (for a text of
the record itself, made and laid out in ``views/partials/editor_form.py`` and put in its
``text_widgets``: the form's state, undo and save follow the table). The JSON format then
writes and reads it; a new key is a new version of that format though
(``docs/interchange.md``, Versions).

Plain Python: no Qt, no SQLAlchemy, so the store, services, reports and views can all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

from desktop.domain import Confidence, Status, normalise_marking

if TYPE_CHECKING:
    from collections.abc import Callable


# Names are stored trimmed: str.strip itself, called from C (a function of our own around it
# cost a Python call for each of three names of every imported incident).
_trimmed = str.strip


@dataclass(frozen=True)
class Field:
    """One field of an incident."""

    key: str  # dotted path in IncidentData: "title", "where.name", "casualties.killed"
    label: str  # how the history (and the merge dialog) names it: "Place"
    part: str  # the merge part (the editor's section) it belongs to: "Where"
    column: str = ""  # the ORM column, when its name differs from the key's last segment
    problem_label: str = ""  # how the editor's problem messages name it, when not ``label``
    simple: bool = True  # copied generically to and from its column; False: handled by hand
    stored: Callable[[Any], Any] | None = None  # normalised as stored: trimmed, canonical…
    enum: type[Any] | None = None  # kept as this StrEnum in the record, as text in the column
    # A length checked by validation: "column" for the String(N) of its column, a number for
    # the cap of a free text.
    length: int | Literal["column"] | None = None
    list_noun: str = ""  # a list field's one item in problem messages: "Actor"

    @property
    def group(self) -> str:
        """The IncidentData attribute holding it: ``where`` for ``where.name``."""
        return self.key.split(".", 1)[0]

    @property
    def attribute(self) -> str:
        """Its name within its group: ``name`` for ``where.name``, ``title`` for ``title``."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def column_name(self) -> str:
        return self.column or self.attribute

    @property
    def problem_name(self) -> str:
        return self.problem_label or self.label

    @cached_property
    def get(self) -> Callable[[Any], Any]:
        """The value of this field in an IncidentData: ``field.get(data)``. One C call for
        the dotted path, made once per field: validation and the writers of a large import
        call it some twenty times per incident."""
        return attrgetter(self.key)

    def as_stored(self, value: Any) -> Any:
        """``value`` normalised as the database keeps it (still the record's type)."""
        return self.stored(value) if self.stored is not None else value

    def to_column(self, value: Any) -> Any:
        """``value`` as written to its column."""
        value = self.as_stored(value)
        return str(value) if self.enum is not None else value

    def from_column(self, value: Any) -> Any:
        """A column's value as the record holds it."""
        return self.enum(value) if self.enum is not None else value


# In the order the history lists changes (and the merge lists its parts).
INCIDENT_FIELDS: tuple[Field, ...] = (
    Field("title", "Title", "Title", stored=_trimmed, length="column"),
    Field("summary", "Summary", "Summary", length=20_000),
    Field("notes", "Notes", "Notes", length=20_000),
    Field("when.start", "Start", "When", column="start_at", simple=False),
    Field("when.end", "End", "When", column="end_at", simple=False),
    Field("when.precision", "Time precision", "When", column="time_precision", simple=False),
    Field("where.name", "Place", "Where", column="place_name", stored=_trimmed, length="column"),
    Field(
        "where.admin1",
        "Region",
        "Where",
        problem_label="Province",
        stored=_trimmed,
        length="column",
    ),
    Field("where.country", "Country", "Where"),
    Field("where.lat", "Coordinates", "Where", problem_label="Latitude"),
    Field("where.lon", "Coordinates", "Where", problem_label="Longitude"),
    Field(
        "where.precision",
        "Location precision",
        "Where",
        column="geo_precision",
        problem_label="Geo-precision",
    ),
    Field("event_type", "Event type", "Event type", problem_label="Type"),
    Field("sub_event_type", "Sub-event type", "Event type", problem_label="Sub-type"),
    Field("actors", "Actors", "Actors", simple=False, list_noun="Actor"),
    Field("casualties.killed", "Killed", "Casualties"),
    Field("casualties.injured", "Injured", "Casualties"),
    Field("casualties.note", "Casualty note", "Casualties", column="casualty_note", length=2_000),
    Field("status", "Status", "Status", enum=Status),
    Field("confidence", "Confidence", "Confidence", enum=Confidence),
    Field("likelihood", "Likelihood", "Confidence"),
    Field("tags", "Tags", "Tags", simple=False, list_noun="Tag"),
    Field("marking", "Marking", "Marking", stored=normalise_marking),
    Field("citations", "Citations", "Citations", simple=False, list_noun="Citation"),
)

FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in INCIDENT_FIELDS}

# The simple fields, copied generically between record and row.
SIMPLE_FIELDS: tuple[Field, ...] = tuple(f for f in INCIDENT_FIELDS if f.simple)

# The IncidentData attributes that are no field of the incident itself (bookkeeping).
RECORD_ATTRIBUTES = ("id", "version", "audit")


def merge_parts() -> dict[str, tuple[str, ...]]:
    """Merge part → the IncidentData attributes it covers, in table order."""
    parts: dict[str, dict[str, None]] = {}
    for f in INCIDENT_FIELDS:
        parts.setdefault(f.part, {})[f.group] = None
    return {part: tuple(groups) for part, groups in parts.items()}


def part_labels(part: str) -> tuple[str, ...]:
    """The history labels of one merge part, in table order (``Coordinates`` once)."""
    return tuple(dict.fromkeys(f.label for f in INCIDENT_FIELDS if f.part == part))


def field(key: str) -> Field:
    return FIELDS_BY_KEY[key]
