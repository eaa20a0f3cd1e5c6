"""Our EPUBs pass epubcheck without a single error or warning (slow: epubcheck is Java)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from ficshelf.works.models import Work
from tests.downloads.conftest import download, run_epubcheck


def test_seed_epub_passes_epubcheck(seed_downloads: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "The Idol.epub"
    path.write_bytes(seed_downloads["epub"])
    result = run_epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout


@pytest.mark.django_db
def test_multi_chapter_epub_with_legacy_markup_passes_epubcheck(
    client: Client, multi_chapter_work: Work, tmp_path: Path
) -> None:
    path = tmp_path / "Tides of Salt.epub"
    path.write_bytes(download(client, multi_chapter_work, "epub"))
    result = run_epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout
