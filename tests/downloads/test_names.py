"""Download file names: "<Title> - <creators>.<ext>", readable and safe everywhere."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.downloads.names import ascii_filename, download_filename, url_slug
from tests.factories import PseudFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_file_name_is_title_and_creator() -> None:
    work = WorkFactory(title="The Idol", creator=PseudFactory(user__username="seedwriter"))
    assert download_filename(work, "epub") == "The Idol - seedwriter.epub"


def test_download_is_an_attachment_with_ascii_and_unicode_names(client: Client) -> None:
    work = WorkFactory(title="Pokémon: 夏の夜?", creator=PseudFactory(user__username="ash"))
    response = client.get(f"/downloads/{work.pk}/Pokemon.epub")
    assert response["Content-Disposition"] == (
        'attachment; filename="Pokemon - ash.epub"; '
        "filename*=UTF-8''Pok%C3%A9mon%20%E5%A4%8F%E3%81%AE%E5%A4%9C%20-%20ash.epub"
    )
    assert response["Content-Type"] == "application/epub+zip"


def test_file_name_drops_characters_file_systems_refuse() -> None:
    work = WorkFactory(title='../a/b\\c:"d"*<e>|f?', creator=PseudFactory(user__username="x"))
    assert download_filename(work, "txt") == "a b c d e f - x.txt"


def test_file_name_without_ascii_letters_falls_back_to_work() -> None:
    assert ascii_filename("夏の夜.epub") == "work.epub"


def test_long_title_is_cut_at_a_word() -> None:
    work = WorkFactory(title="word " * 40, creator=PseudFactory(user__username="x"))
    name = download_filename(work, "html")
    assert len(name) <= 105 and name.endswith("word.html")


def test_file_name_lists_every_creator() -> None:
    work = WorkFactory(title="Duet", creator=PseudFactory(user__username="ann"))
    work.creatorships.create(pseud=PseudFactory(user__username="bo"), position=1)
    assert download_filename(work, "epub") == "Duet - ann, bo.epub"


def test_url_slug_is_ao3_style() -> None:
    assert url_slug("The Idol") == "The_Idol"
    assert url_slug("Pokémon: 夏!") == "Pokemon"
    assert url_slug("夏") == "work"


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("html", "text/html; charset=utf-8"),
        ("txt", "text/plain; charset=utf-8"),
        ("epub", "application/epub+zip"),
    ],
)
def test_each_format_has_its_content_type(
    client: Client, extension: str, content_type: str
) -> None:
    response = client.get(f"/downloads/{WorkFactory().pk}/x.{extension}")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
