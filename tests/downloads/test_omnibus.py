"""A series or a reading list as one EPUB: each work whole (preface, chapters, afterword)
in part order, a contents page, a two-level table of contents, one book identity per
series, and a package epubcheck accepts."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ficshelf.downloads.exporters.epub import book_identifier
from ficshelf.social.models import ReadingListItem
from ficshelf.works.models import Series, SeriesWork, Work
from tests.downloads.conftest import run_epubcheck
from tests.factories import ChapterFactory, PseudFactory, UserFactory, WorkFactory
from tests.social.factories import ReadingListFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.downloads.bulk_urls")]


@pytest.fixture(autouse=True)
def _bulk_urls(_downloads_app: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.downloads.bulk_urls"


def fetch_book(client: Client, url: str) -> bytes:
    """The book at ``url``: the first request queues it (tests run tasks at once)."""
    first = client.get(url)
    assert first.status_code == 202, first.status_code
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/epub+zip"
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def series_of(*works: Work, title: str = "Coastal Lights", summary: str = "") -> Series:
    series = Series.objects.create(title=title, summary=summary)
    for position, work in enumerate(works, start=1):
        SeriesWork.objects.create(series=series, work=work, position=position)
    return series


def two_part_series() -> Series:
    wren = PseudFactory(name="wren", user__username="wren")
    first = WorkFactory(title="Low Tide", creator=wren, end_notes="<p>Part one ends.</p>")
    second = WorkFactory(title="High Water", creator=PseudFactory(name="ada"))
    ChapterFactory(work=second, position=2, title="The Flood", text="<p>Water rose.</p>")
    return series_of(first, second, summary="<p>Two storms.</p>")


def read(book: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(book))


def test_series_book_holds_each_work_whole_in_part_order(client: Client) -> None:
    series = two_part_series()
    archive = read(fetch_book(client, f"/series/{series.pk}/download.epub"))
    opf = archive.read("OEBPS/content.opf").decode()
    spine = re.findall(r'<itemref idref="([^"]+)"/>', opf)
    assert spine == [
        "contents",
        "work1-preface", "work1-chapter1", "work1-afterword",
        "work2-preface", "work2-chapter1", "work2-chapter2", "work2-afterword",
    ]  # fmt: skip
    assert "<dc:title>Coastal Lights</dc:title>" in opf
    assert ">wren</dc:creator>" in opf and ">ada</dc:creator>" in opf
    assert "<dc:description>Two storms.</dc:description>" in opf
    assert "Low Tide" in archive.read("OEBPS/work1-preface.xhtml").decode()
    assert "Part one ends." in archive.read("OEBPS/work1-afterword.xhtml").decode()
    assert "Water rose." in archive.read("OEBPS/work2-chapter2.xhtml").decode()
    contents = archive.read("OEBPS/contents.xhtml").decode()
    assert contents.index("Low Tide") < contents.index("High Water")


def test_table_of_contents_lists_works_and_their_chapters(client: Client) -> None:
    series = two_part_series()
    archive = read(fetch_book(client, f"/series/{series.pk}/download.epub"))
    nav = archive.read("OEBPS/nav.xhtml").decode()
    assert '<a href="work2-preface.xhtml">High Water by ada (' in nav  # "pseud (user)"
    assert '<a href="work2-chapter2.xhtml">Chapter 2: The Flood</a>' in nav
    ncx = archive.read("OEBPS/toc.ncx").decode()
    orders = [int(n) for n in re.findall(r'playOrder="(\d+)"', ncx)]
    assert orders == sorted(orders) == list(range(1, len(orders) + 1))
    assert '<meta name="dtb:depth" content="2"/>' in ncx


def test_the_book_is_the_same_book_after_the_series_changes(client: Client) -> None:
    series = two_part_series()
    url = f"/series/{series.pk}/download.epub"
    before = read(fetch_book(client, url)).read("OEBPS/content.opf").decode()
    series.title = "Coastal Lights, Revised"
    series.save()
    after = read(fetch_book(client, url)).read("OEBPS/content.opf").decode()
    assert "Coastal Lights, Revised" in after
    identifier = book_identifier(f"http://testserver/series/{series.pk}/")
    assert f">{identifier}</dc:identifier>" in before
    assert f">{identifier}</dc:identifier>" in after


def test_series_book_leaves_out_works_the_reader_may_not_see(client: Client) -> None:
    series = series_of(
        WorkFactory(title="Open"), WorkFactory(title="Members Only", restricted=True)
    )
    opf = read(fetch_book(client, f"/series/{series.pk}/download.epub")).read("OEBPS/content.opf")
    assert b"work2-preface" not in opf
    client.force_login(UserFactory())
    opf = read(fetch_book(client, f"/series/{series.pk}/download.epub")).read("OEBPS/content.opf")
    assert b"work2-preface" in opf


def test_reading_list_book_for_its_owner(client: Client) -> None:
    reading_list = ReadingListFactory(is_public=False, name="Beach reads")
    for title in ("First Pick", "Second Pick"):
        ReadingListItem.objects.create(reading_list=reading_list, work=WorkFactory(title=title))
    assert client.get(f"/lists/{reading_list.pk}/download.epub").status_code == 404
    client.force_login(reading_list.owner)
    archive = read(fetch_book(client, f"/lists/{reading_list.pk}/download.epub"))
    opf = archive.read("OEBPS/content.opf").decode()
    assert f"<dc:title>Beach reads ({reading_list.owner.username})</dc:title>" in opf
    assert "work2-preface" in opf


def test_a_book_with_no_work_to_show_is_404(client: Client) -> None:
    series = series_of(WorkFactory(restricted=True))
    assert client.get(f"/series/{series.pk}/download.epub").status_code == 404


def test_series_book_passes_epubcheck(client: Client, tmp_path: Path) -> None:
    series = two_part_series()
    path = tmp_path / "Coastal Lights.epub"
    path.write_bytes(fetch_book(client, f"/series/{series.pk}/download.epub"))
    result = run_epubcheck(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors or warnings detected" in result.stdout


def test_series_page_offers_one_epub_and_a_zip(client: Client) -> None:
    series = two_part_series()
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert f'href="/series/{series.pk}/download.epub">one EPUB</a>' in html
    assert f'href="/series/{series.pk}/download.zip">a zip of EPUBs</a>' in html
