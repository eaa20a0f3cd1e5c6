"""The process's own short memory in front of the shared cache (``core.memo``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from ficshelf.core import memo


def test_a_value_is_computed_once_then_kept_here_and_in_the_shared_cache() -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return "answer"

    assert memo.remembered("k", compute, seconds=60) == "answer"
    assert memo.remembered("k", compute, seconds=60) == "answer"
    assert calls == [1]
    assert cache.get("k") == "answer"


def test_another_process_finds_it_in_the_shared_cache() -> None:
    cache.set("k", "from elsewhere", 60)
    assert memo.remembered("k", lambda: "computed", seconds=60) == "from elsewhere"


def test_none_is_a_value_like_any_other() -> None:
    calls: list[int] = []
    for _ in range(2):
        assert memo.remembered("nothing", lambda: calls.append(1), seconds=60) is None
    assert calls == [1]


def test_the_copy_here_lasts_a_few_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: now[0])
    memo.keep_here("k", "old")
    now[0] += memo.LOCAL_SECONDS + 1
    assert memo.recall("k") is memo.MISSING


def test_the_least_recently_used_go_first() -> None:
    for n in range(memo.LOCAL_ENTRIES):
        memo.keep_here(f"k{n}", n)
    assert memo.recall("k0") == 0  # now the most recently used
    memo.keep_here("one more", -1)
    assert memo.recall("k0") == 0
    assert memo.recall("k1") is memo.MISSING
    assert len(memo._entries) == memo.LOCAL_ENTRIES


def test_a_value_it_may_not_keep_is_given_but_kept_nowhere() -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return "personal"

    for _ in range(2):
        assert memo.remembered("p", compute, seconds=60, may_keep=lambda _: False) == "personal"
    assert calls == [1, 1]
    assert cache.get("p") is None
    assert memo.recall("p") is memo.MISSING
