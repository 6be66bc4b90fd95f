"""Counted nouns in messages: "1 incident", "7 incidents", never "7 incident(s)"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one}" if count == 1 else f"{count:,} {many or one + 's'}"
