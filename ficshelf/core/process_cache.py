"""The process cache: values a process keeps in its own memory for a few seconds, in front
of the shared cache (Django's ``cache``).

Only for keys that change whenever their value would: a reader's choices under their
version, lookups and listing parts under the data state (``accounts.reader_cache``,
``search.page_cache``). Such a key never needs deleting, so a copy in one process's memory
is as good as the shared cache's, and it spares a signed-in listing request the half a
millisecond of reading and unpickling files that the shared cache costs. The copy lives
a few seconds beyond the shared cache's own time at most. (One value is kept by time
alone: the filter's language menu, where a new language showing a minute late is harmless.)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from ficshelf.core.disk_full import skipped_if_full

T = TypeVar("T")
PROCESS_CACHE_SECONDS = 10
PROCESS_CACHE_ENTRIES = 128  # a listing part is about 140 KB: under 20 MB a process
MISSING: Any = object()

_process_cache: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_lock = threading.Lock()


def cached_value(
    key: str,
    compute: Callable[[], T],
    *,
    seconds: int,
    may_cache: Callable[[T], bool] = lambda _: True,
) -> T:
    """The value under ``key``: from this process, else the shared cache, else ``compute()``,
    kept in both when ``may_cache`` says so."""
    here = process_cache_get(key)
    if here is not MISSING:
        return here  # type: ignore[no-any-return]
    shared = cache.get(key, MISSING)
    if shared is not MISSING:
        process_cache_set(key, shared)
        return shared  # type: ignore[no-any-return]
    computed = compute()
    if may_cache(computed):
        with skipped_if_full("keeping a value in the cache"):
            cache.set(key, computed, seconds)
        process_cache_set(key, computed)
    return computed


def process_cache_get(key: str) -> Any:
    """What this process keeps under ``key``, or ``MISSING``."""
    with _lock:
        entry = _process_cache.get(key)
        if entry is None:
            return MISSING
        if entry[0] < time.monotonic():
            del _process_cache[key]
            return MISSING
        _process_cache.move_to_end(key)
        return entry[1]


def process_cache_set(key: str, value: Any) -> None:
    with _lock:
        _process_cache[key] = (time.monotonic() + PROCESS_CACHE_SECONDS, value)
        _process_cache.move_to_end(key)
        while len(_process_cache) > PROCESS_CACHE_ENTRIES:
            _process_cache.popitem(last=False)


def process_cache_forget(key: str) -> None:
    """Drop this process's copy under ``key`` (a value kept by time alone that this
    process just changed; other processes see the change when their copy runs out)."""
    with _lock:
        _process_cache.pop(key, None)


def clear_process_cache() -> None:
    """For tests, which start each with an empty cache."""
    with _lock:
        _process_cache.clear()
