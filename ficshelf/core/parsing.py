"""Reading numbers that visitors send: ids in forms and query strings."""

from __future__ import annotations

# The largest value a signed 64-bit integer column holds (SQLite and PostgreSQL bigint).
MAX_ID = 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """The row id in ``value``, or None when it is not one.

    ``str.isdigit()`` accepts "²" and other Unicode digits that ``int()`` then refuses, and
    ``int()`` accepts "٣" and "+3"; a huge number overflows the database. Only plain ASCII
    digits naming an id from 1 to ``MAX_ID`` count.
    """
    if value is None or not value.isascii() or not value.isdecimal():
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None
