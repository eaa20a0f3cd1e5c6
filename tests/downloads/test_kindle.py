"""AZW3 and MOBI by calibre's ebook-convert from our own EPUB; unavailable without calibre."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from ficshelf.importers import kindle as kindle_importer
from ficshelf.importers.base import ImportedWork
from ficshelf.works.models import Work
from tests.downloads.conftest import KINDLE, download_prepared, require_calibre
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_calibre(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: None)


def import_back(data: bytes, extension: str, folder: Path) -> ImportedWork:
    path = folder / f"work.{extension}"
    path.write_bytes(data)
    return kindle_importer.parse(path)


@pytest.mark.parametrize("extension", KINDLE)
def test_seed_kindle_file_starts_with_the_mobi_magic(
    seed_kindle_files: dict[str, bytes], extension: str
) -> None:
    assert seed_kindle_files[extension][60:68] == b"BOOKMOBI"


@pytest.mark.parametrize("extension", KINDLE)
def test_seed_kindle_file_imports_back_with_title_and_chapter(
    seed_kindle_files: dict[str, bytes], extension: str, tmp_path: Path
) -> None:
    imported = import_back(seed_kindle_files[extension], extension, tmp_path)
    assert imported.title == "The Idol"
    assert len(imported.chapters) == 1


@pytest.mark.parametrize("extension", KINDLE)
def test_kindle_file_imports_back_with_every_chapter(
    client: Client, multi_chapter_work: Work, extension: str, tmp_path: Path
) -> None:
    require_calibre()
    imported = import_back(download_prepared(client, multi_chapter_work, extension), extension,
                           tmp_path)  # fmt: skip
    assert imported.title == "Tides of Salt"
    assert len(imported.chapters) == 3


def test_calibre_writes_nothing_into_home(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    require_calibre()
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    download_prepared(client, WorkFactory(), "azw3")
    assert list(home.iterdir()) == []


@pytest.mark.usefixtures("without_calibre")
def test_without_calibre_the_menu_shows_kindle_formats_unavailable() -> None:
    menu = render_to_string("downloads/_menu.html", {"work": WorkFactory()})
    for label in ("AZW3", "MOBI"):
        assert f">{label} <small>(needs calibre on the server)</small></span>" in menu
        assert f">{label}</a>" not in menu
    assert ">PDF</a>" in menu


@pytest.mark.usefixtures("without_calibre")
@pytest.mark.parametrize("extension", KINDLE)
def test_without_calibre_kindle_downloads_are_404(client: Client, extension: str) -> None:
    assert client.get(f"/downloads/{WorkFactory().pk}/x.{extension}").status_code == 404
