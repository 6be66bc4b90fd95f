"""Records made from a reader's values, faster than their dataclass's ``__init__``.

The readers (:mod:`desktop.formats.json_v1` and the formats built on its shape) make some
800,000 frozen records from a file of 100,000 incidents; most of ``__init__``'s cost there is
its ``object.__setattr__`` per field (docs/performance.md, "The reader's checks (v3)").
"""

from __future__ import annotations

from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

_R = TypeVar("_R")


def defaults_of(record: type[Any]) -> dict[str, Any]:
    """A dataclass's attributes and their defaults, MISSING for a required one."""
    return {
        f.name: f.default if f.default_factory is MISSING else f.default_factory()
        for f in dataclass_fields(record)
    }


def maker(record: type[_R], given: Collection[str] | None = None) -> Callable[[dict[str, Any]], _R]:
    """What makes a record of ``values`` (its fields by name, a field left out taking its
    default): ``record(**values)``, without the per-field ``object.__setattr__`` of a frozen
    dataclass's ``__init__``, most of the cost of the some 800,000 records of a file of
    100,000 incidents. ``values`` (naming fields only: the readers' own names, never a
    file's) becomes the record's own: the caller must not keep it.

    ``given`` names the fields every ``values`` holds, when the caller always gives the same
    ones: the others' defaults are then added as they are, without finding out which are
    missing each time.

    A record whose ``__init__`` does more than assign its fields (``__post_init__``, a field
    out of ``__init__``, slots), or values that miss a field without a plain default, go
    through ``record(**values)`` itself, as do its refusals.
    """
    fields = dataclass_fields(cast("Any", record))
    if (
        hasattr(record, "__post_init__")
        or hasattr(record, "__slots__")
        or not all(f.init for f in fields)
    ):
        return lambda values: record(**values)
    names = frozenset(f.name for f in fields)
    plain = {f.name: f.default for f in fields if f.default is not MISSING}
    new, assign = object.__new__, object.__setattr__
    count = len(names)
    if given is not None:
        rest = names - set(given)
        if rest <= plain.keys():
            defaults = {name: plain[name] for name in rest}

            def make_given(values: dict[str, Any]) -> _R:
                values.update(defaults)
                made = new(record)
                assign(made, "__dict__", values)
                return made

            return make_given

    def make(values: dict[str, Any]) -> _R:
        # The readers here name fields only: as many values as fields is all of them.
        if len(values) != count:
            values = {**plain, **values}
            if values.keys() != names:
                return record(**values)
        made = new(record)
        assign(made, "__dict__", values)
        return made

    return make
