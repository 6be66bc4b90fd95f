"""Reading parsed JSON values strictly, for every JSON-based format.

Each reader checks one value's type and says what is wrong with its path
(``ValidationError("where.lat", "must be a number or null, not text")``); :func:`each` and
:func:`at` put a nested problem under its place in the file. They run for every key of every
record of a file of 100,000 incidents, so they do little besides the check.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from desktop.errors import ValidationError
from desktop.wording import printable, quoted

if TYPE_CHECKING:
    from collections.abc import Callable

_T = TypeVar("_T")


def each(
    items: list[Any], where: str, parse: Callable[[Any], _T], consume: bool = False
) -> tuple[_T, ...]:
    """``parse`` of every item, a problem located at ``where[i]``.

    One ``try`` around the loop: the item's path is made only for the item that fails, not
    for each of the hundreds of thousands that do not. ``consume`` lets go of each item once
    its record is made (see ``json_v1.parse_document``).
    """
    records: list[_T] = []
    index = 0
    try:
        for index, item in enumerate(items):
            if consume:
                items[index] = None
            records.append(parse(item))
    except ValidationError as exc:
        raise exc.under(f"{where}[{index}]") from None
    return tuple(records)


def at(prefix: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except ValidationError as exc:
        raise exc.under(prefix) from None


def json_object(
    value: Any, where: str, keys: frozenset[str], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(where, f"must be an object, not {kind(value)}")
    # The lists for the message are made only when something is wrong. (issuperset of the
    # dict: its keys read in C, without the view that ``value.keys() <= keys`` makes.)
    if not keys.issuperset(value):
        unknown = [key for key in value if key not in keys]
        raise ValidationError(where, "unknown key(s) " + ", ".join(quoted(k) for k in unknown))
    for key in required:
        if key not in value:
            missing = [k for k in required if k not in value]
            raise ValidationError(where, "missing key(s) " + ", ".join(quoted(k) for k in missing))
    return value


def json_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(where, f"must be a list, not {kind(value)}")
    return value


def shown(value: Any) -> str:
    """A value from the file as JSON writes it, safe to print (see wording.printable)."""
    return printable(json.dumps(value, ensure_ascii=False))


def kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), "a value")


def text(obj: dict[str, Any], key: str, default: str = "") -> str:
    value = obj.get(key, default)
    if not isinstance(value, str):
        raise ValidationError(key, f"must be text, not {kind(value)}")
    return value


def optional_text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(key, f"must be text or null, not {kind(value)}")
    return value


_MEMBERS: dict[type[Any], dict[str, Any]] = {}


def _members(choices: type[Any]) -> dict[str, Any]:
    """An enum's members by value, made once: a parse checks several per incident, and
    looking the member up is cheaper than calling the enum to find it."""
    members = _MEMBERS.get(choices)
    if members is None:
        members = _MEMBERS[choices] = {c.value: c for c in choices}
    return members


def choice(obj: dict[str, Any], key: str, choices: type[Any], default: str | None = None) -> Any:
    value = obj.get(key, default)
    member = _members(choices).get(value) if isinstance(value, str) else None
    if member is None:
        allowed = [c.value for c in choices]
        raise ValidationError(key, f"{shown(value)} is not one of " + ", ".join(allowed))
    return member


def number(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(key, f"must be a number or null, not {kind(value)}")
    return float(value)


def count(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(key, f"must be a whole number or null, not {kind(value)}")
    return value
