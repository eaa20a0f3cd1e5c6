from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: pytest.FixtureRequest) -> None:
    # Tests run background tasks in-process, at once (docs/design.md).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_cache(settings: pytest.FixtureRequest) -> None:
    # Argon2 is slow on purpose; tests need speed, not resistance to cracking.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with empty rate-limit counters.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    from ficshelf.core import process_cache

    cache.clear()
    process_cache.clear_process_cache()


@pytest.fixture(autouse=True)
def _data_folder_of_its_own(
    settings: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory
) -> None:
    # Files a test makes (download caches, bulk zips) go to a folder of its own.
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[operator]
