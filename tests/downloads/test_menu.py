"""The Download menu include: a <details> of AO3's six formats, links only where available."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(monkeypatch: pytest.MonkeyPatch) -> str:
    # As on a server with calibre, whether or not this machine has it.
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: f"/usr/bin/{name}")
    work = WorkFactory(title="The Idol", pk=41588007)
    return render_to_string("downloads/_menu.html", {"work": work})


def test_menu_is_a_details_element_without_javascript(menu: str) -> None:
    assert menu.strip().startswith("<details")
    assert "<summary>Download</summary>" in menu
    assert "<script" not in menu and "onclick" not in menu


def test_menu_lists_the_formats_in_ao3s_order(menu: str) -> None:
    labels = re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)(\w+)", menu)
    assert labels == ["AZW3", "EPUB", "MOBI", "PDF", "HTML", "TXT"]


def test_menu_links_every_format_when_calibre_is_installed(menu: str) -> None:
    links = re.findall(r'<a href="([^"]+)"[^>]*>(\w+)</a>', menu)
    assert links == [
        ("/downloads/41588007/The_Idol.azw3", "AZW3"),
        ("/downloads/41588007/The_Idol.epub", "EPUB"),
        ("/downloads/41588007/The_Idol.mobi", "MOBI"),
        ("/downloads/41588007/The_Idol.pdf", "PDF"),
        ("/downloads/41588007/The_Idol.html", "HTML"),
        ("/downloads/41588007/The_Idol.txt", "TXT"),
    ]


def test_menu_offers_the_pdf_on_us_letter_too(menu: str) -> None:
    assert '<a class="paper" href="/downloads/41588007/The_Idol.pdf?paper=letter">' in menu


def test_menu_saves_only_the_files_made_in_the_request(menu: str) -> None:
    # The others first answer a "being prepared" page, which must not be saved as the file.
    saved = re.findall(r'<a href="[^"]+" download>(\w+)</a>', menu)
    assert saved == ["EPUB", "HTML", "TXT"]
