"""PDF downloads: WeasyPrint lays out the HTML download with a print stylesheet."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.works.models import Work
from tests.downloads.conftest import download_prepared, page_count, pdf_objects, pdf_text

CW_LINE = "CW: suicide ideation, suicidal thoughts, mental health issues"
GLOSSARY_TERMS = ["Terms to Know", "(SOF)", "(HALO jump)", "(PTSD)", "(CNO)"]
END_NOTES = ["End Notes", "This literally started as a", "Yell at me on tumblr"]

# The seed fixtures need the test database even when no test in the module asks for it.
pytestmark = pytest.mark.django_db


@pytest.fixture(params=["fed to WeasyPrint", "in the PDF"])
def seed_pdf_text(request: pytest.FixtureRequest, seed_pdfs: dict[str, bytes]) -> str:
    if request.param == "fed to WeasyPrint":
        return seed_pdfs["html"].decode()
    return " ".join(pdf_text(seed_pdfs["a5"]).split())


def test_seed_pdf_is_a_pdf_of_many_pages(seed_pdfs: dict[str, bytes]) -> None:
    assert seed_pdfs["a5"].startswith(b"%PDF-")
    assert page_count(seed_pdfs["a5"]) > 1


def test_seed_pdf_keeps_the_content_warning_line(seed_pdf_text: str) -> None:
    assert CW_LINE in seed_pdf_text


def test_seed_pdf_keeps_the_glossary(seed_pdf_text: str) -> None:
    for term in GLOSSARY_TERMS:
        assert term in seed_pdf_text


def test_seed_pdf_keeps_the_end_notes(seed_pdf_text: str) -> None:
    for text in END_NOTES:
        assert text in seed_pdf_text


def test_pdf_source_numbers_the_pages_in_the_footer(seed_pdfs: dict[str, bytes]) -> None:
    html = seed_pdfs["html"].decode()
    assert re.search(r"@bottom-center\s*{\s*content:\s*counter\(page\)", html)


def test_seed_pdf_prints_page_numbers(seed_pdfs: dict[str, bytes]) -> None:
    pages = pdf_text(seed_pdfs["a5"]).split("\f")
    assert [page.split()[-1] for page in pages[1:4] if page.split()] == ["2", "3", "4"]


def test_pdf_embeds_its_fonts(seed_pdfs: dict[str, bytes]) -> None:
    assert b"/FontFile2" in pdf_objects(seed_pdfs["a5"])


def test_pdf_prefers_serif_fonts_and_falls_back_to_cjk(seed_pdfs: dict[str, bytes]) -> None:
    family = re.search(r"font-family:([^;]+);", seed_pdfs["html"].decode().split("@page")[-1])
    assert family is not None
    fonts = [name.strip().strip('"') for name in family.group(1).split(",")]
    assert fonts[0] == "DejaVu Serif"
    assert fonts.index("serif") < fonts.index("Noto Sans CJK JP")


def test_pdf_is_a5_by_default(seed_pdfs: dict[str, bytes]) -> None:
    assert re.search(
        rb"/MediaBox\s*\[\s*0 0 419\.5\d* 595\.2\d*\s*\]", pdf_objects(seed_pdfs["a5"])
    )


def test_letter_pdf_is_us_letter(seed_pdfs: dict[str, bytes]) -> None:
    assert re.search(rb"/MediaBox\s*\[\s*0 0 612 792\s*\]", pdf_objects(seed_pdfs["letter"]))
    assert page_count(seed_pdfs["letter"]) < page_count(seed_pdfs["a5"])


@pytest.mark.django_db
def test_pdf_starts_each_chapter_on_a_new_page(client: Client, multi_chapter_work: Work) -> None:
    pages = pdf_text(download_prepared(client, multi_chapter_work, "pdf")).split("\f")
    first_lines = [page.strip().splitlines()[0] for page in pages if page.strip()]
    for heading in ["Chapter 1: Low Tide", "Chapter 2", "Chapter 3: High Water"]:
        assert heading in first_lines


@pytest.mark.django_db
def test_pdf_shows_a_remote_image_as_a_link_and_fetches_nothing(
    client: Client, multi_chapter_work: Work
) -> None:
    text = pdf_text(download_prepared(client, multi_chapter_work, "pdf"))
    assert "[A map]" in text
