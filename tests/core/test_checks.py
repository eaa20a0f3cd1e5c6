from __future__ import annotations

from pathlib import Path

import pytest
from django.core.checks import Info

from ficshelf import checks


def test_unwritable_data_dir_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # Faked: CI runs as root, who can write anywhere.
    monkeypatch.setattr("os.access", lambda path, mode: False)
    assert [m.id for m in checks.check_data_dir_writable(None)] == ["ficshelf.E001"]


def test_writable_data_dir_passes(tmp_path: Path, settings: pytest.FixtureRequest) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    assert checks.check_data_dir_writable(None) == []


def test_debug_with_public_host_warns(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = ["fics.example.org"]  # type: ignore[attr-defined]
    assert [m.id for m in checks.check_debug_off_when_public(None)] == ["ficshelf.W001"]


def test_missing_calibre_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    (message,) = checks.check_calibre_for_kindle_files(None)
    assert isinstance(message, Info) and message.id == "ficshelf.I001"


@pytest.mark.django_db
def test_changes_waiting_long_for_the_search_index_warn() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from ficshelf.search.models import IndexQueueEntry

    IndexQueueEntry.objects.all().delete()
    entry = IndexQueueEntry.objects.create(work_id=1)
    assert checks.check_search_index_queue_drained(None) == []
    old = timezone.now() - timedelta(minutes=checks.STALE_QUEUE_MINUTES + 1)
    IndexQueueEntry.objects.filter(pk=entry.pk).update(queued_at=old)
    [warning] = checks.check_search_index_queue_drained(None)
    assert warning.id == "ficshelf.W002"
    assert "Changes to 1 work have waited" in warning.msg
