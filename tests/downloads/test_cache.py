"""Generated files are kept per work version and made again when the work changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ficshelf.works.models import Work
from tests.downloads.conftest import download
from tests.factories import TagFactory, WorkFactory

pytestmark = pytest.mark.django_db


def cached_files(work: Work) -> list[Path]:
    return sorted((Path(settings.DATA_DIR) / "downloads" / str(work.pk)).glob("*/work.*"))


def test_download_is_stored_in_the_data_folder_per_version(client: Client) -> None:
    work = WorkFactory()
    data = download(client, work, "epub")
    (path,) = cached_files(work)
    assert path.name == "work.epub" and path.read_bytes() == data


def test_second_download_is_served_from_the_stored_file(client: Client) -> None:
    work = WorkFactory()
    download(client, work, "html")
    (path,) = cached_files(work)
    path.write_bytes(b"stored copy")
    assert download(client, work, "html") == b"stored copy"


def test_editing_the_work_makes_a_new_file(client: Client) -> None:
    work = WorkFactory(title="Before")
    download(client, work, "html")
    work.title = "After"
    work.save()
    assert b"After" in download(client, work, "html")


def test_editing_a_chapter_makes_a_new_file(client: Client) -> None:
    work = WorkFactory()
    download(client, work, "txt")
    chapter = work.chapters.get()
    chapter.text = "<p>Rewritten from the start.</p>"
    chapter.save()
    assert b"Rewritten from the start." in download(client, work, "txt")


def test_renaming_a_tag_makes_a_new_file(client: Client) -> None:
    work = WorkFactory()
    tag = TagFactory(name="Fluff")
    work.tags.add(tag)
    download(client, work, "txt")
    tag.name = "Tooth-Rotting Fluff"
    tag.save()
    assert b"Tooth-Rotting Fluff" in download(client, work, "txt")


def test_new_version_replaces_the_old_files(client: Client) -> None:
    work = WorkFactory(title="Before")
    download(client, work, "html")
    download(client, work, "epub")
    (old_html, _) = cached_files(work)
    work.title = "After"
    work.save()
    download(client, work, "html")
    (new_html,) = cached_files(work)
    assert new_html.parent != old_html.parent
    assert not old_html.parent.exists()


def test_formats_of_one_version_share_its_folder(client: Client) -> None:
    work = WorkFactory()
    for extension in ("html", "epub", "txt"):
        download(client, work, extension)
    assert [path.name for path in cached_files(work)] == ["work.epub", "work.html", "work.txt"]
    assert len({path.parent for path in cached_files(work)}) == 1
