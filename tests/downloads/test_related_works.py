"""Downloads carry AO3's related works: "Inspired by …" in the preface, and "Works inspired
by this one" in the afterword, as the public sees them (one file serves every reader)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from ficshelf.importers import epub as epub_importer
from ficshelf.importers.ao3_download import parse_download_html
from ficshelf.works.models import Inspiration, Work
from tests.downloads.conftest import download, epub_member
from tests.factories import PseudFactory, WorkFactory

pytestmark = pytest.mark.django_db


def inspired_pair() -> tuple[Work, Work]:
    source = WorkFactory(title="The Lighthouse", creator=PseudFactory(name="original"))
    child = WorkFactory(title="The Keeper", creator=PseudFactory(name="fan"))
    Inspiration.objects.create(
        work=child, source=source, title=source.title, creator="original", approval="approved"
    )
    return source, child


def test_child_downloads_say_what_inspired_them(client: Client) -> None:
    source, child = inspired_pair()
    preface = epub_member(download(client, child, "epub"), "OEBPS/preface.xhtml")
    assert (
        f'Inspired by <a href="http://testserver/works/{source.pk}/">The Lighthouse</a> by '
        "original" in preface
    )
    html = download(client, child, "html").decode()
    assert 'class="associations"' in html and "The Lighthouse" in html
    text = download(client, child, "txt").decode()
    assert "Inspired by The Lighthouse by original (" in text  # "pseud (user)"
    assert f"(http://testserver/works/{source.pk}/)" in text


def test_source_downloads_list_the_works_inspired_by_it(client: Client) -> None:
    source, child = inspired_pair()
    afterword = epub_member(download(client, source, "epub"), "OEBPS/afterword.xhtml")
    assert "Works inspired by this one:" in afterword
    assert f'<a href="http://testserver/works/{child.pk}/">The Keeper</a> by fan' in afterword
    assert "The Keeper by fan" in download(client, source, "txt").decode()


def test_a_new_inspired_work_makes_a_new_file(client: Client) -> None:
    source = WorkFactory(title="The Lighthouse")
    before = download(client, source, "txt").decode()
    assert "Works inspired by this one" not in before
    child = WorkFactory(title="Late Answer")
    Inspiration.objects.create(work=child, source=source, title=source.title, approval="approved")
    assert "Late Answer" in download(client, source, "txt").decode()


def test_restricted_inspired_works_stay_out_of_the_shared_file(client: Client) -> None:
    source = WorkFactory(title="The Lighthouse")
    child = WorkFactory(title="Members Only Answer", restricted=True)
    Inspiration.objects.create(work=child, source=source, title=source.title, approval="approved")
    assert "Members Only Answer" not in download(client, source, "txt").decode()


def test_an_inspired_work_reads_back_without_the_related_lines_in_its_text(
    client: Client, tmp_path: Path
) -> None:
    source, child = inspired_pair()
    child.notes = "<p>For the lighthouse keepers.</p>"
    child.save()
    path = tmp_path / "child.epub"
    path.write_bytes(download(client, child, "epub"))
    for imported in (
        parse_download_html(download(client, child, "html").decode()),
        epub_importer.parse(path),
    ):
        assert imported.title == "The Keeper"
        assert "For the lighthouse keepers." in imported.notes_html
        assert "Inspired by" not in imported.notes_html + imported.summary_html
        assert not imported.gift_recipients
    # And the source's afterword list stays out of its end notes.
    imported = parse_download_html(download(client, source, "html").decode())
    assert "Works inspired by" not in imported.end_notes_html
