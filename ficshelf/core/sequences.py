"""Small helpers for sequences that several apps share."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def unique_in_order(items: Iterable[T]) -> list[T]:
    """Each item once, where it first appeared."""
    return list(dict.fromkeys(items))
