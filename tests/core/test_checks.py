from __future__ import annotations

from pathlib import Path

import pytest
from django.core.checks import Info
from django.core.checks.registry import registry

from ficshelf.core import checks
from ficshelf.downloads import checks as downloads_checks
from ficshelf.search import checks as search_checks


def test_every_app_check_is_registered() -> None:
    # Each app registers its own checks in its ready(), core imports no higher app; a check
    # that nobody registers would never run in `ficshelf check`.
    registered = registry.get_checks(include_deployment_checks=True)
    for check in (
        checks.check_data_dir_writable,
        checks.check_debug_off_when_public,
        checks.check_calibre_for_kindle_files,
        downloads_checks.check_fonts_for_pdfs,
        search_checks.check_search_index_queue_drained,
    ):
        assert check in registered, check.__name__


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
    assert search_checks.check_search_index_queue_drained(None) == []
    old = timezone.now() - timedelta(minutes=search_checks.STALE_QUEUE_MINUTES + 1)
    IndexQueueEntry.objects.filter(pk=entry.pk).update(queued_at=old)
    [warning] = search_checks.check_search_index_queue_drained(None)
    assert warning.id == "ficshelf.W002"
    assert "Changes to 1 work have waited" in warning.msg


def test_missing_cjk_and_emoji_fonts_warn_and_name_the_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ficshelf.downloads.exporters import pdf_fonts

    monkeypatch.setattr(pdf_fonts, "font_count", lambda pattern: 0)

    (message,) = downloads_checks.check_fonts_for_pdfs(None)

    assert message.id == "ficshelf.W003"
    assert "Chinese, Japanese, Korean or emoji" in message.msg
    assert (
        message.hint == "Install fonts that do (apt install fonts-noto-cjk fonts-noto-color-emoji)."
    )


def test_a_missing_emoji_font_alone_names_only_its_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ficshelf.downloads.exporters import pdf_fonts

    monkeypatch.setattr(pdf_fonts, "font_count", lambda pattern: 0 if "charset" in pattern else 4)

    (message,) = downloads_checks.check_fonts_for_pdfs(None)

    assert "draws emoji:" in message.msg
    assert "fonts-noto-cjk" not in (message.hint or "")


def test_installed_cjk_and_emoji_fonts_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from ficshelf.downloads.exporters import pdf_fonts

    monkeypatch.setattr(pdf_fonts, "font_count", lambda pattern: 3)

    assert downloads_checks.check_fonts_for_pdfs(None) == []


def test_missing_fontconfig_warns_that_no_pdf_can_be_made(monkeypatch: pytest.MonkeyPatch) -> None:
    from ficshelf.downloads.exporters import pdf_fonts

    pdf_fonts._fontconfig.cache_clear()
    monkeypatch.setattr("ctypes.util.find_library", lambda name: None)
    try:
        (message,) = downloads_checks.check_fonts_for_pdfs(None)
    finally:
        pdf_fonts._fontconfig.cache_clear()

    assert message.id == "ficshelf.W003"
    assert "fontconfig" in message.msg
