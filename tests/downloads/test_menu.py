"""The Download menu include: a <details> of AO3's six formats, links only where available."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu() -> str:
    work = WorkFactory(title="The Idol", pk=41588007)
    return render_to_string("downloads/_menu.html", {"work": work})


def test_menu_is_a_details_element_without_javascript(menu: str) -> None:
    assert menu.strip().startswith("<details")
    assert "<summary>Download</summary>" in menu
    assert "<script" not in menu and "onclick" not in menu


def test_menu_lists_the_formats_in_ao3s_order(menu: str) -> None:
    labels = re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)(\w+)", menu)
    assert labels == ["AZW3", "EPUB", "MOBI", "PDF", "HTML", "TXT"]


def test_menu_links_the_available_formats(menu: str) -> None:
    links = re.findall(r'<a href="([^"]+)"[^>]*>(\w+)</a>', menu)
    assert links == [
        ("/downloads/41588007/The_Idol.epub", "EPUB"),
        ("/downloads/41588007/The_Idol.html", "HTML"),
        ("/downloads/41588007/The_Idol.txt", "TXT"),
    ]


def test_menu_shows_unavailable_formats_as_text(menu: str) -> None:
    for label in ("AZW3", "MOBI", "PDF"):
        assert re.search(rf'<span class="unavailable"[^>]*>{label}\b', menu)
        assert f">{label}</a>" not in menu
