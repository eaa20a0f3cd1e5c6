"""A work of several chapters: headings, chapter notes, end notes, only posted chapters."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.test import Client

from ficshelf.works.models import Work
from tests.downloads.conftest import download, epub_member

pytestmark = pytest.mark.django_db


def test_html_download_has_a_heading_per_posted_chapter(
    client: Client, multi_chapter_work: Work
) -> None:
    html = download(client, multi_chapter_work, "html").decode()
    headings = re.findall(r'<h2 class="heading">(.*?)</h2>', html)
    assert headings == ["Chapter 1: Low Tide", "Chapter 2", "Chapter 3: High Water"]


def test_html_download_leaves_out_unposted_chapters(
    client: Client, multi_chapter_work: Work
) -> None:
    html = download(client, multi_chapter_work, "html").decode()
    assert "Not yet." not in html
    assert "Chapters: 3/4" in html


def test_html_download_keeps_chapter_summary_notes_and_end_notes(
    client: Client, multi_chapter_work: Work
) -> None:
    html = download(client, multi_chapter_work, "html").decode()
    assert (
        '<p>Chapter Summary</p>\n  <blockquote class="userstuff"><p>The ledger is opened.' in html
    )
    assert '<p>Chapter Notes</p>\n  <blockquote class="userstuff"><p>Short one.' in html
    assert 'id="endnotes2"' in html
    assert '<blockquote class="userstuff"><p>More soon.</p></blockquote>' in html


def test_html_download_ends_with_the_works_end_notes_in_the_afterword(
    client: Client, multi_chapter_work: Work
) -> None:
    html = download(client, multi_chapter_work, "html").decode()
    afterword = html[html.index('<div id="afterword">') :]
    assert "Thanks for reading!" in afterword


def test_epub_has_one_page_per_posted_chapter_between_preface_and_afterword(
    client: Client, multi_chapter_work: Work
) -> None:
    epub = download(client, multi_chapter_work, "epub")
    opf = epub_member(epub, "OEBPS/content.opf")
    spine = re.findall(r'<itemref idref="([^"]+)"/>', opf)
    assert spine == ["preface", "chapter1", "chapter2", "chapter3", "afterword"]


def test_epub_chapter_page_carries_heading_notes_and_end_notes(
    client: Client, multi_chapter_work: Work
) -> None:
    epub = download(client, multi_chapter_work, "epub")
    first = epub_member(epub, "OEBPS/chapter1.xhtml")
    second = epub_member(epub, "OEBPS/chapter2.xhtml")
    assert '<h2 class="heading">Chapter 1: Low Tide</h2>' in first
    assert "The ledger is opened." in first and "Short one." in first
    assert '<p class="scene-break">* * *</p>' in first
    assert "Chapter End Notes" in second and "More soon." in second


def test_epub_table_of_contents_lists_chapter_headings(
    client: Client, multi_chapter_work: Work
) -> None:
    epub = download(client, multi_chapter_work, "epub")
    nav = epub_member(epub, "OEBPS/nav.xhtml")
    ncx = epub_member(epub, "OEBPS/toc.ncx")
    labels = ["Preface", "Chapter 1: Low Tide", "Chapter 2", "Chapter 3: High Water", "Afterword"]
    assert re.findall(r'<li><a href="[^"]+">(.*?)</a></li>', nav) == labels
    assert re.findall(r"<text>(.*?)</text>", ncx)[1:] == labels


def test_epub_starts_with_the_stored_mimetype(client: Client, multi_chapter_work: Work) -> None:
    epub = download(client, multi_chapter_work, "epub")
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert epub[30:38] == b"mimetype" and epub[38:58] == b"application/epub+zip"


def test_text_download_has_chapter_headings_notes_and_end_notes_in_order(
    client: Client, multi_chapter_work: Work
) -> None:
    text = download(client, multi_chapter_work, "txt").decode()
    order = [
        "Summary\n\nA keeper counts ships.",
        "Notes\n\nWritten for a prompt.",
        "(See the end of the work for more notes.)",
        "Chapter 1: Low Tide",
        "Chapter Summary\n\nThe ledger is opened.",
        "Chapter Notes\n\nShort one.",
        "The first entry.\n\n* * *\n\nThe second entry.",
        "Chapter 2\n\nThe blank page.",
        "Chapter End Notes\n\nMore soon.",
        "Chapter 3: High Water",
        "End Notes\n\nThanks for reading!",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "Not yet." not in text


def test_text_download_lists_the_tags_by_type(client: Client, multi_chapter_work: Work) -> None:
    text = download(client, multi_chapter_work, "txt").decode()
    assert "Rating: General Audiences\n" in text
    assert "Fandoms: Tidewatch (Invented Novels)\n" in text
    assert "Relationships: Ada Fenn/Ilse Varro\n" in text
    assert "Series: Part 2 of Coastal Lights\n" in text
    assert "Stats: Published: 2024-05-01 Words: 1,234 Chapters: 3/4\n" in text


def test_html_download_is_one_self_contained_file(client: Client, multi_chapter_work: Work) -> None:
    html = download(client, multi_chapter_work, "html").decode()
    assert "<style>" in html
    assert "<link" not in html and "<script" not in html


def test_downloads_link_to_the_work_on_this_archive(
    client: Client, multi_chapter_work: Work
) -> None:
    url = f"http://testserver/works/{multi_chapter_work.pk}/"
    html = download(client, multi_chapter_work, "html").decode()
    text = download(client, multi_chapter_work, "txt").decode()
    assert (
        'Posted originally on the <a href="http://testserver/">Ficshelf</a> archive at '
        f'<a href="{url}">' in html
    )
    assert f"Posted originally on the Ficshelf archive at {url}." in text
