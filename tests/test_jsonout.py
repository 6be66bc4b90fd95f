"""desktop.formats.jsonout writes exactly what json.dumps(indent=2, ensure_ascii=False) does."""

from __future__ import annotations

import io
import json
from collections import OrderedDict
from enum import IntEnum, StrEnum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.formats import jsonout


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


def expected(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -17,
    10**30,
    1.5,
    -0.0,
    1e300,
    float("nan"),
    float("inf"),
    -float("inf"),
    "",
    'quotes " and \\ backslash, \n newline, \t tab, \x00 NUL, \u2028 separator',
    "كتائب حزب الله 🚀👩‍👩‍👧 \u200f",
    "lone \ud800 surrogate",
    [],
    {},
    [[]],
    [{}],
    {"a": {}},
    {"a": []},
    [1, "two", None, 3.0, True],
    {"a": 1, "b": [1, [2, {}], {"c": None}], "d": {"e": {"f": []}}},
    [{"name": "x", "role": "target"}, {"name": "y", "role": "other"}],
    (1, (2, 3)),
    {"k": (1,)},
    {"enum": Colour.RED, "int_enum": Level.HIGH, "list": [Colour.RED, Level.HIGH]},
    OrderedDict([("z", 1), ("a", [1])]),
    {1: "int key", "s": "text key"},
    {"outer": {2: [1]}},
    {"ünïcode kéy \n": "value"},
]


def test_every_kind_of_value_as_json_dumps_writes_it() -> None:
    for value in VALUES:
        assert jsonout.dumps(value) == expected(value), value


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_any_json_value_as_json_dumps_writes_it(value: Any) -> None:
    assert jsonout.dumps(value) == expected(value)


def _document(items: list[Any]) -> dict[str, Any]:
    return {"format": "x/1", "sources": [{"id": "a", "url": None}], "incidents": items}


def test_a_document_written_in_parts_is_the_document_written_whole() -> None:
    items = [{"n": n, "tags": ["a", "b"][: n % 3], "nested": {"x": [n]}} for n in range(7)]
    for parts in ([items], [items[:3], [], items[3:]], [[item] for item in items]):
        out = io.BytesIO()
        head = {"format": "x/1", "sources": [{"id": "a", "url": None}]}
        jsonout.write_document(out, head, "incidents", parts)
        assert out.getvalue() == (expected(_document(items)) + "\n").encode()


def test_a_document_with_no_items_writes_an_empty_list() -> None:
    for parts in ([], [[], []]):
        out = io.BytesIO()
        head = {"format": "x/1", "sources": []}
        jsonout.write_document(out, head, "incidents", parts)
        assert out.getvalue() == (expected(_document([]) | {"sources": []}) + "\n").encode()
