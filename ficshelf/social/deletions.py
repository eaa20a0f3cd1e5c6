"""What one deletion takes from each work, handed over once rather than per row.

A member closing their account with thousands of subscriptions, a work deleted with
thousands of comments: Django deletes the rows of a cascade one model at a time and sends
``post_delete`` for each row, so a count written per row costs a statement (a recount: a
``COUNT`` too) per row. But Django sends ``pre_delete`` for every row the deletion
collected before it deletes any, and all of a model's rows are gone by the first of that
model's ``post_delete`` signals. So ``PerDeletion`` sums the works' amounts as
``pre_delete`` comes, and the first ``post_delete`` takes the sum (``take``); the rest find
nothing left. Every row deleted is in a sum handed over, once.

Sums are kept per deletion, by the object ``delete()`` was called on (the signals'
``origin``): a deletion that fails between the two signals leaves its sum behind unused,
never added to another's. One ``PerDeletion`` per model: each model's rows are deleted,
and its ``post_delete`` sent, in their own turn.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from typing import Any


class PerDeletion:
    """Amounts per work, summed per deletion in this thread (a deletion runs in one)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def add(self, origin: object, work_id: int, amount: int = 1) -> None:
        """At ``pre_delete``: the row going from ``work_id`` counts ``amount`` there."""
        sums = self._sums()
        found = sums.get(id(origin))
        if found is None or found[0]() is not origin:
            # A new deletion. Sums left by failed ones are dropped once their origin is.
            for key in [key for key, (held, _) in sums.items() if held() is None]:
                del sums[key]
            found = sums[id(origin)] = (_reference(origin), Counter())
        found[1][work_id] += amount

    def take(self, origin: object) -> Counter[int]:
        """At ``post_delete``: the deletion's sums, the first time it is asked (empty after,
        and for a deletion whose rows counted on no work)."""
        found = self._sums().pop(id(origin), None)
        if found is None or found[0]() is not origin:
            return Counter()
        return found[1]

    def _sums(self) -> dict[int, tuple[Any, Counter[int]]]:
        if not hasattr(self._local, "sums"):
            self._local.sums = {}
        sums: dict[int, tuple[Any, Counter[int]]] = self._local.sums
        return sums


def _reference(origin: object) -> Any:
    """A callable giving ``origin`` back: weak where it can be (a model instance, a
    queryset), so a sum left by a failed deletion goes with it."""
    try:
        return weakref.ref(origin)
    except TypeError:  # None (a signal sent by hand), or another kind without weak references
        return lambda: origin
