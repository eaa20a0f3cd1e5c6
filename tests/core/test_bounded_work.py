"""Work on a user's file runs in a child process that is stopped when it runs too long."""

from __future__ import annotations

import os
import time

import pytest

from ficshelf.core.bounded_work import WorkFailed, WorkTooLong, run_bounded

MEGABYTE = 1024 * 1024


def test_the_result_comes_back_from_the_child() -> None:
    assert run_bounded(len, "seven", seconds=10, memory_bytes=1024 * MEGABYTE) == 5


def test_work_past_its_time_is_stopped_and_said_so() -> None:
    started = time.monotonic()
    with pytest.raises(WorkTooLong, match=r"stopped after 0\.5 seconds"):
        run_bounded(time.sleep, 30, seconds=0.5, memory_bytes=1024 * MEGABYTE)
    assert time.monotonic() - started < 10


def test_work_that_needs_too_much_memory_fails_and_the_caller_lives_on() -> None:
    with pytest.raises(WorkFailed, match="more memory than it is allowed"):
        run_bounded(bytearray, 3000 * MEGABYTE, seconds=30, memory_bytes=1024 * MEGABYTE)


def test_a_child_that_dies_is_a_failure_not_a_hang() -> None:
    with pytest.raises(WorkFailed, match="without a result"):
        run_bounded(os._exit, 3, seconds=30, memory_bytes=1024 * MEGABYTE)


def test_an_exception_in_the_child_is_reported() -> None:
    with pytest.raises(WorkFailed, match="ValueError"):
        run_bounded(int, "not a number", seconds=30, memory_bytes=1024 * MEGABYTE)
