from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: pytest.FixtureRequest) -> None:
    # Tests run background tasks in-process, at once (DESIGN.md).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
