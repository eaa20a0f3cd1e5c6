"""The EPUB's package metadata: what e-readers and library apps read."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.downloads.document import language_tag
from ficshelf.works.models import Language, Work
from tests.downloads.conftest import download, epub_member
from tests.factories import PseudFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opf(client: Client, multi_chapter_work: Work) -> str:
    return epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")


def test_opf_names_title_creators_and_language(opf: str) -> None:
    assert "<dc:title>Tides of Salt</dc:title>" in opf
    assert '<dc:creator id="creator1">Wren Marlow</dc:creator>' in opf
    assert "<dc:language>en</dc:language>" in opf


def test_opf_has_a_dc_creator_per_creator(client: Client, multi_chapter_work: Work) -> None:
    multi_chapter_work.creatorships.create(pseud=PseudFactory(name="Quill"), position=1)
    multi_chapter_work.save()
    opf = epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")
    assert re.findall(r"<dc:creator [^>]*>(.*?)</dc:creator>", opf) == ["Wren Marlow", "Quill"]


def test_opf_identifier_is_a_uuid_stable_per_work(client: Client, multi_chapter_work: Work) -> None:
    first = epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")
    multi_chapter_work.title = "Renamed"
    multi_chapter_work.save()
    second = epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")
    identifier = re.compile(r'<dc:identifier id="bookid">(urn:uuid:[0-9a-f-]{36})</dc:identifier>')
    match = identifier.search(first)
    assert match is not None
    assert identifier.findall(second) == [match.group(1)]


def test_opf_has_a_subject_per_tag(opf: str) -> None:
    subjects = re.findall(r"<dc:subject>(.*?)</dc:subject>", opf)
    assert subjects == [
        "General Audiences",
        "Tidewatch (Invented Novels)",
        "Ada Fenn/Ilse Varro",
        "Ada Fenn",
        "Lighthouses",
    ]


def test_opf_names_the_work_url_as_source_and_dates(opf: str, multi_chapter_work: Work) -> None:
    assert f"<dc:source>http://testserver/works/{multi_chapter_work.pk}/</dc:source>" in opf
    assert "<dc:date>2024-05-01</dc:date>" in opf
    assert re.search(
        r'<meta property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</meta>', opf
    )


def test_opf_puts_the_work_in_its_series_at_its_part(opf: str) -> None:
    assert '<meta property="belongs-to-collection" id="series1">Coastal Lights</meta>' in opf
    assert '<meta refines="#series1" property="collection-type">series</meta>' in opf
    assert '<meta refines="#series1" property="group-position">2</meta>' in opf


def test_opf_uses_the_works_language_code(client: Client, multi_chapter_work: Work) -> None:
    multi_chapter_work.language = Language.objects.get_or_create(short="fr", name="Français")[0]
    multi_chapter_work.save()
    opf = epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")
    assert "<dc:language>fr</dc:language>" in opf


def test_work_without_language_is_english(client: Client, multi_chapter_work: Work) -> None:
    multi_chapter_work.language = None
    multi_chapter_work.save()
    opf = epub_member(download(client, multi_chapter_work, "epub"), "OEBPS/content.opf")
    assert "<dc:language>en</dc:language>" in opf


@pytest.mark.parametrize(
    ("code", "tag"), [("en", "en"), ("ptBR", "pt-BR"), ("zh", "zh"), ("", "und"), ("x y", "und")]
)
def test_language_codes_become_bcp47_tags(code: str, tag: str) -> None:
    assert language_tag(code) == tag
