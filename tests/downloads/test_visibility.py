"""Downloads follow the one visibility rule, and refuse drafts and hidden works outright."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.works.models import Work
from tests.downloads.conftest import download_prepared, pdf_text
from tests.factories import ChapterFactory, PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def get(client: Client, work: Work, extension: str = "epub") -> int:
    return client.get(f"/downloads/{work.pk}/Some_Title.{extension}").status_code


@pytest.fixture
def creator() -> User:
    return UserFactory(username="writer")


@pytest.fixture
def creator_client(client: Client, creator: User) -> Client:
    client.force_login(creator)
    return client


def test_guest_downloads_a_posted_work(client: Client) -> None:
    assert get(client, WorkFactory()) == 200


@pytest.mark.parametrize("extension", ["html", "epub", "txt"])
def test_guest_gets_404_for_restricted_work(client: Client, extension: str) -> None:
    assert get(client, WorkFactory(restricted=True), extension) == 404


def test_signed_in_reader_downloads_restricted_work(client: Client) -> None:
    client.force_login(UserFactory())
    assert get(client, WorkFactory(restricted=True)) == 200


def test_restricted_download_is_marked_private_for_caches(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(f"/downloads/{WorkFactory(restricted=True).pk}/x.epub")
    assert "private" in response["Cache-Control"]


def test_guest_gets_404_for_draft(client: Client) -> None:
    assert get(client, WorkFactory(draft=True)) == 404


def test_guest_gets_404_for_hidden_work(client: Client) -> None:
    assert get(client, WorkFactory(hidden=True)) == 404


def test_creator_gets_404_for_own_draft(creator_client: Client, creator: User) -> None:
    work = WorkFactory(draft=True, creator=PseudFactory(user=creator))
    assert get(creator_client, work) == 404


def test_creator_gets_404_for_own_hidden_work(creator_client: Client, creator: User) -> None:
    work = WorkFactory(hidden=True, creator=PseudFactory(user=creator))
    assert get(creator_client, work) == 404


def test_admin_gets_404_for_hidden_work(client: Client) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert get(client, WorkFactory(hidden=True)) == 404


def test_creator_download_leaves_out_unposted_chapters(
    creator_client: Client, creator: User
) -> None:
    work = WorkFactory(creator=PseudFactory(user=creator))
    ChapterFactory(work=work, position=2, is_posted=False, text="<p>Secret draft chapter.</p>")
    response = creator_client.get(f"/downloads/{work.pk}/x.html")
    assert b"Secret draft chapter." not in b"".join(response.streaming_content)


def test_work_with_no_posted_chapter_cannot_be_downloaded(client: Client) -> None:
    work = WorkFactory()
    work.chapters.update(is_posted=False)
    assert get(client, work) == 404


def test_missing_work_is_404(client: Client) -> None:
    assert client.get("/downloads/999999/Nothing.epub").status_code == 404


@pytest.mark.parametrize("extension", ["pdf", "azw3", "mobi"])
def test_guest_gets_404_for_restricted_work_in_worker_made_formats(
    client: Client, extension: str
) -> None:
    assert get(client, WorkFactory(restricted=True), extension) == 404


@pytest.mark.parametrize("extension", ["pdf", "azw3", "mobi"])
def test_guest_gets_404_for_draft_in_worker_made_formats(client: Client, extension: str) -> None:
    assert get(client, WorkFactory(draft=True), extension) == 404


@pytest.mark.parametrize("extension", ["pdf", "azw3", "mobi"])
def test_creator_gets_404_for_own_hidden_work_in_worker_made_formats(
    creator_client: Client, creator: User, extension: str
) -> None:
    work = WorkFactory(hidden=True, creator=PseudFactory(user=creator))
    assert get(creator_client, work, extension) == 404


def test_signed_in_reader_gets_restricted_pdf_marked_private(client: Client) -> None:
    client.force_login(UserFactory())
    work = WorkFactory(restricted=True)
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_guest_gets_404_for_restricted_pdf_made_for_a_reader(client: Client) -> None:
    reader = Client()
    reader.force_login(UserFactory())
    work = WorkFactory(restricted=True)
    reader.get(f"/downloads/{work.pk}/x.pdf")
    assert reader.get(f"/downloads/{work.pk}/x.pdf").status_code == 200
    assert get(client, work, "pdf") == 404


def test_creator_pdf_leaves_out_unposted_chapters(creator_client: Client, creator: User) -> None:
    work = WorkFactory(creator=PseudFactory(user=creator))
    ChapterFactory(work=work, position=2, is_posted=False, text="<p>Secret draft chapter.</p>")
    text = pdf_text(download_prepared(creator_client, work, "pdf"))
    assert "Secret draft chapter." not in text
