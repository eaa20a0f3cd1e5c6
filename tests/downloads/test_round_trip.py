"""Our downloads read back through our own importers with nothing lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from ficshelf.importers import epub as epub_importer
from ficshelf.importers.ao3_download import parse_download_html
from ficshelf.importers.base import ImportedWork
from ficshelf.works.models import Work
from tests.downloads.conftest import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def from_html(client: Client, multi_chapter_work: Work) -> ImportedWork:
    return parse_download_html(download(client, multi_chapter_work, "html").decode())


@pytest.fixture
def from_epub(client: Client, multi_chapter_work: Work, tmp_path: Path) -> ImportedWork:
    path = tmp_path / "work.epub"
    path.write_bytes(download(client, multi_chapter_work, "epub"))
    return epub_importer.parse(path)


@pytest.fixture(params=["html", "epub"])
def imported(request: pytest.FixtureRequest) -> ImportedWork:
    return request.getfixturevalue(f"from_{request.param}")


def test_round_trip_keeps_title_and_creators(imported: ImportedWork) -> None:
    assert imported.title == "Tides of Salt"
    assert imported.creators == ["Wren Marlow"]


def test_round_trip_keeps_tags_by_type(imported: ImportedWork) -> None:
    assert imported.rating == "General Audiences"
    assert imported.fandoms == ["Tidewatch (Invented Novels)"]
    assert imported.relationships == ["Ada Fenn/Ilse Varro"]
    assert imported.characters == ["Ada Fenn"]
    assert imported.freeforms == ["Lighthouses"]
    assert imported.language == "English"
    assert imported.collections == ["Sea Week 2025"]


def test_round_trip_keeps_stats(imported: ImportedWork) -> None:
    assert str(imported.published_on) == "2024-05-01"
    assert imported.expected_chapter_count == 4
    assert imported.notices == []  # the posted chapter count matches the chapters read


def test_round_trip_keeps_work_summary_notes_and_end_notes(imported: ImportedWork) -> None:
    assert imported.summary_html == "<p>A keeper counts ships.</p>"
    assert imported.notes_html == "<p>Written for a <em>prompt</em>.</p>"
    assert imported.end_notes_html == "<p>Thanks for reading!</p>"


def test_round_trip_keeps_chapters_with_titles_notes_and_text(imported: ImportedWork) -> None:
    assert [c.title for c in imported.chapters] == ["Low Tide", "", "High Water"]
    first, second, _ = imported.chapters
    assert first.summary_html == "<p>The ledger is opened.</p>"
    assert first.notes_html == "<p>Short one.</p>"
    assert first.text_html == (
        '<p>The first entry.</p><p class="scene-break">* * *</p><p>The second entry.</p>'
    )
    assert second.end_notes_html == "<p>More soon.</p>"
    assert second.text_html == "<p>The blank page.</p>"


def test_epub_round_trip_keeps_the_series_and_part(from_epub: ImportedWork) -> None:
    assert [(part.title, part.position) for part in from_epub.series] == [("Coastal Lights", 2)]


def test_epub_is_read_as_an_ao3_style_book(from_epub: ImportedWork) -> None:
    assert from_epub.source_format == "epub-ao3"


def test_seed_html_round_trip_keeps_notes_and_scenes(seed_downloads: dict[str, bytes]) -> None:
    imported = parse_download_html(seed_downloads["html"].decode())
    assert imported.title == "The Idol" and imported.creators == ["seedwriter"]
    assert imported.rating == "Explicit"
    assert "CW: suicide ideation" in imported.notes_html
    (chapter,) = imported.chapters
    assert chapter.text_html.count('class="scene-break"') == 11
    assert "Yell at me on tumblr" in imported.end_notes_html


def test_seed_epub_round_trip_keeps_notes_and_scenes(
    seed_downloads: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "seed.epub"
    path.write_bytes(seed_downloads["epub"])
    imported = epub_importer.parse(path)
    assert imported.title == "The Idol" and imported.creators == ["seedwriter"]
    assert "CW: suicide ideation" in imported.notes_html
    (chapter,) = imported.chapters
    assert chapter.text_html.count('class="scene-break"') == 11
    assert "Yell at me on tumblr" in imported.end_notes_html


@pytest.mark.parametrize("extension", ["html", "epub"])
def test_import_command_takes_our_download_as_a_new_work(
    client: Client, multi_chapter_work: Work, tmp_path: Path, extension: str
) -> None:
    path = tmp_path / f"Tides of Salt - Wren Marlow.{extension}"
    path.write_bytes(download(client, multi_chapter_work, extension))
    call_command("import", str(path), "--no-progress", stdout=io.StringIO())
    copy = Work.objects.exclude(pk=multi_chapter_work.pk).get()
    assert copy.title == "Tides of Salt"
    assert [c.heading for c in copy.chapters.all()] == [
        "Chapter 1: Low Tide",
        "Chapter 2",
        "Chapter 3: High Water",
    ]
    assert {t.name for t in copy.tags.all()} >= {"Ada Fenn/Ilse Varro", "Lighthouses"}
