from __future__ import annotations

import pytest
from django.utils.module_loading import import_string

from ficshelf.core.periodic import FIRST_RUN_AFTER, PERIODIC_TASKS, PeriodicSchedule


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_due_right_after_start() -> None:
    schedule = PeriodicSchedule(tasks=[("a", 60)], clock=FakeClock())
    assert schedule.due() == []


def test_task_runs_soon_after_start_then_once_per_interval() -> None:
    clock = FakeClock()
    schedule = PeriodicSchedule(tasks=[("a", 60), ("b", 600)], clock=clock)
    clock.now += FIRST_RUN_AFTER
    assert schedule.due() == ["a", "b"]
    clock.now += 59
    assert schedule.due() == []
    clock.now += 1
    assert schedule.due() == ["a"]


@pytest.mark.parametrize(("path", "interval"), PERIODIC_TASKS)
def test_every_periodic_task_is_a_real_task(path: str, interval: float) -> None:
    assert hasattr(import_string(path), "enqueue")
    assert interval > 0
