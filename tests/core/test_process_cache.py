"""The process's own short-lived cache in front of the shared cache (``core.process_cache``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ficshelf.core import process_cache


def test_a_value_is_computed_once_then_kept_here_and_in_the_shared_cache() -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return "answer"

    assert process_cache.cached_value("k", compute, seconds=60) == "answer"
    assert process_cache.cached_value("k", compute, seconds=60) == "answer"
    assert calls == [1]
    assert cache.get("k") == "answer"


def test_another_process_finds_it_in_the_shared_cache() -> None:
    cache.set("k", "from elsewhere", 60)
    assert process_cache.cached_value("k", lambda: "computed", seconds=60) == "from elsewhere"


def test_none_is_a_value_like_any_other() -> None:
    calls: list[int] = []
    for _ in range(2):
        assert process_cache.cached_value("nothing", lambda: calls.append(1), seconds=60) is None
    assert calls == [1]


def test_the_copy_here_lasts_a_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    process_cache.process_cache_set("k", "old")
    now[0] += process_cache.PROCESS_CACHE_SECONDS + 1
    assert process_cache.process_cache_get("k") is process_cache.MISSING


def test_the_least_recently_used_go_first() -> None:
    for n in range(process_cache.PROCESS_CACHE_ENTRIES):
        process_cache.process_cache_set(f"k{n}", n)
    assert process_cache.process_cache_get("k0") == 0  # now the most recently used
    process_cache.process_cache_set("one more", -1)
    assert process_cache.process_cache_get("k0") == 0
    assert process_cache.process_cache_get("k1") is process_cache.MISSING
    assert len(process_cache._process_cache) == process_cache.PROCESS_CACHE_ENTRIES


def test_a_value_it_may_not_keep_is_given_but_kept_nowhere() -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return "personal"

    for _ in range(2):
        assert (
            process_cache.cached_value("p", compute, seconds=60, may_cache=lambda _: False)
            == "personal"
        )
    assert calls == [1, 1]
    assert cache.get("p") is None
    assert process_cache.process_cache_get("p") is process_cache.MISSING
