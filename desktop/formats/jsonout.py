"""JSON text exactly as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it, faster,
and a document whose long list is written a part at a time.

Python's C encoder ignores ``indent`` (up to 3.12 at least): with it, ``json.dumps`` runs the
pure-Python encoder, a generator per container and a yield per token, which made writing an
export cost as much as reading the whole workspace. Here every container whose values are
all scalars (most of them: an incident's place, time, casualties, actors, tags, a citation
without evidence, a history entry) goes to the C encoder in one call, with the line break
and indentation of its depth as the item separator; only containers holding containers are
joined in Python. Strings, numbers, ``true``/``false``/``null`` come out as ``json.dumps``
writes them (the same escaping function, ``float.__repr__``, ``NaN``/``Infinity``), so the
bytes are the same: tests/test_jsonout.py compares them on every kind of value.
"""

from __future__ import annotations

import json.encoder
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import BinaryIO

_INDENT = "  "
_NESTED = (dict, list, tuple)
_string: Callable[[str], str] = json.encoder.encode_basestring  # the C one when built


def _float(value: float) -> str:
    # As json.encoder's floatstr with allow_nan (the default).
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _unknown(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _python_flat(separator: str) -> Callable[[Any, int], list[str]]:
    """The pure-Python encoder with ``separator`` between items, where the C one is missing."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))

    def encode(value: Any, _level: int) -> list[str]:
        return [encoder.encode(value)]

    return encode


class _Depth:
    """What a container at one depth is written with: its line breaks and its C encoder."""

    def __init__(self, depth: int) -> None:
        self.open = "\n" + _INDENT * (depth + 1)
        self.close = "\n" + _INDENT * depth
        self.separator = "," + self.open
        make = getattr(json.encoder, "c_make_encoder", None)
        if make is None:  # pragma: no cover - CPython always has it
            self.flat = _python_flat(self.separator)
        else:
            # markers None: no cycle check (records hold none); then default, the string
            # encoder, indent (unused), key and item separators, sort_keys, skipkeys,
            # allow_nan.
            self.flat = make(
                None, _unknown, _string, None, ": ", self.separator, False, False, True
            )


_DEPTHS = [_Depth(depth) for depth in range(32)]
_KEYS: dict[str, str] = {}  # a key's text with its separator, made once per key


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``."""
    return encode(value, 0)


def encode(value: Any, depth: int) -> str:
    """``value``'s text as it is written at ``depth`` (0: the document itself)."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict:
        return _object(value, depth) if value else "{}"
    if kind is list or kind is tuple:
        return _array(value, depth) if value else "[]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict | list | tuple):
        return _container(value, depth)
    return str(_unknown(value))


def _container(value: Any, depth: int) -> str:
    # Subclasses of dict, list or tuple: rare, and written as their base type.
    if isinstance(value, dict):
        return _object(dict(value), depth) if value else "{}"
    return _array(list(value), depth) if value else "[]"


def _object(value: dict[str, Any], depth: int) -> str:
    level = _DEPTHS[depth]
    for item in value.values():
        if isinstance(item, _NESTED):
            break
    else:
        text = "".join(level.flat(value, 0))
        return "{" + level.open + text[1:-1] + level.close + "}"
    parts = []
    keys = _KEYS
    inner = depth + 1
    for key, item in value.items():
        name = keys.get(key)
        if name is None:
            if not isinstance(key, str):
                return _python(value, depth)
            name = keys[key] = _string(key) + ": "
        parts.append(name + encode(item, inner))
    return "{" + level.open + level.separator.join(parts) + level.close + "}"


def _array(value: list[Any] | tuple[Any, ...], depth: int) -> str:
    level = _DEPTHS[depth]
    for item in value:
        if isinstance(item, _NESTED):
            break
    else:
        text = "".join(level.flat(value, 0))
        return "[" + level.open + text[1:-1] + level.close + "]"
    inner = depth + 1
    return (
        "["
        + level.open
        + level.separator.join([encode(item, inner) for item in value])
        + level.close
        + "]"
    )


def _python(value: Any, depth: int) -> str:
    """A value this module does not take apart (keys that are not text), as json writes it
    at ``depth``."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + _INDENT * depth)


def write_document(
    stream: BinaryIO, head: dict[str, Any], key: str, parts: Iterable[list[Any]]
) -> None:
    """Write ``{**head, key: [every item of parts]}`` as :func:`dumps` does, then a line
    break, UTF-8; each part of the list is written as it comes, so only one is in memory."""
    write_texts(stream, head, key, ([encode(item, 2) for item in part] for part in parts))


def _scalars_encoder() -> Callable[[Any, int], Any]:
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return _python_flat("\n")
    return make(None, _unknown, _string, None, ": ", "\n", False, False, True)


# The C encoder with a bare line break between items: a line break never occurs in a
# scalar's text (strings escape it), so the text of a list of scalars splits back into each
# one's text.
_scalars = _scalars_encoder()


def scalar_texts(values: list[Any]) -> list[str]:
    """Each scalar's text as :func:`dumps` writes it, from one call of the C encoder."""
    return "".join(_scalars(values, 0))[1:-1].split("\n")


class ObjectShape:
    """Objects with the same keys in the same order, written at ``depth`` as :func:`dumps`
    writes them, without a dict: one %-format of the keys' text (made once) with the values'.

    ``inner`` names the keys whose value is itself an object of fixed keys (``when``): its
    text is part of the format, its values' texts among the others. :meth:`text` takes every
    value's text (see :func:`scalar_texts`) in the order written.
    """

    def __init__(
        self, keys: Iterable[str], depth: int, inner: Mapping[str, Any] | None = None
    ) -> None:
        level = _DEPTHS[depth]
        inner = inner or {}
        parts = []
        for key in keys:
            value: str = ObjectShape(inner[key], depth + 1).format if key in inner else "%s"
            parts.append(_string(key).replace("%", "%%") + ": " + value)
        self.format: str = "{" + level.open + level.separator.join(parts) + level.close + "}"

    def text(self, texts: list[str]) -> str:
        return self.format % tuple(texts)


def array_text(texts: list[str], depth: int) -> str:
    """An array at ``depth`` of items already written (at ``depth + 1``)."""
    if not texts:
        return "[]"
    level = _DEPTHS[depth]
    return "[" + level.open + level.separator.join(texts) + level.close + "]"


def write_texts(
    stream: BinaryIO, head: dict[str, Any], key: str, parts: Iterable[list[str]]
) -> None:
    """As :func:`write_document`, the list's items already written (at depth 2)."""
    first = _DEPTHS[0]
    items = _DEPTHS[1]
    text = "{"
    for name, value in head.items():
        text += first.open + _string(name) + ": " + encode(value, 1) + ","
    text += first.open + _string(key) + ": "
    empty = True
    for pieces in parts:
        if not pieces:
            continue
        text += ("[" + items.open if empty else items.separator) + items.separator.join(pieces)
        stream.write(text.encode("utf-8"))
        text = ""
        empty = False
    text += "[]" if empty else items.close + "]"
    stream.write((text + first.close + "}\n").encode("utf-8"))
