"""PDF, AZW3 and MOBI are made by the worker: the first request queues the file and answers
a page that refreshes itself; the file is then stored and served at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tasks import default_task_backend

from ficshelf.downloads.files import PREPARATION_TIMEOUT_SECONDS
from ficshelf.works.models import Work
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_only(settings: pytest.FixtureRequest) -> None:
    """A worker that never runs: tasks are only recorded, as a busy queue would hold them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]


def stored_files(work: Work) -> list[str]:
    folder = Path(settings.DATA_DIR) / "downloads" / str(work.pk)
    return sorted(path.name for path in folder.glob("*/*") if not path.name.endswith(".queued"))


def test_first_request_answers_202_with_a_refreshing_page(client: Client) -> None:
    response = client.get(f"/downloads/{WorkFactory().pk}/x.pdf")
    assert response.status_code == 202
    html = response.content.decode()
    assert "Your download is being prepared" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "<script" not in html


def test_preparing_page_is_not_stored_by_caches(client: Client) -> None:
    response = client.get(f"/downloads/{WorkFactory().pk}/x.pdf")
    assert "no-store" in response["Cache-Control"]


def test_next_request_gets_the_file(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_stored_file_is_served_at_once(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (path,) = (Path(settings.DATA_DIR) / "downloads" / str(work.pk)).glob("*/work-a5.pdf")
    path.write_bytes(b"%PDF- stored copy")
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert b"".join(response.streaming_content) == b"%PDF- stored copy"  # type: ignore[attr-defined]


def test_letter_pdf_is_stored_apart_from_a5(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    client.get(f"/downloads/{work.pk}/x.pdf?paper=letter")
    assert stored_files(work) == ["work-a5.pdf", "work-letter.pdf"]


def test_unknown_paper_is_404(client: Client) -> None:
    assert client.get(f"/downloads/{WorkFactory().pk}/x.pdf?paper=a0").status_code == 404


@pytest.mark.usefixtures("queued_only")
def test_same_version_is_queued_once(client: Client) -> None:
    work = WorkFactory()
    statuses = [client.get(f"/downloads/{work.pk}/x.pdf").status_code for _ in range(3)]
    assert statuses == [202, 202, 202]
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


@pytest.mark.usefixtures("queued_only")
def test_each_paper_is_queued_on_its_own(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    client.get(f"/downloads/{work.pk}/x.pdf?paper=letter")
    assert len(default_task_backend.results) == 2  # type: ignore[attr-defined]


@pytest.mark.usefixtures("queued_only")
def test_file_queued_by_a_lost_task_is_queued_again_later(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (marker,) = (Path(settings.DATA_DIR) / "downloads" / str(work.pk)).glob("*/*.queued")
    long_ago = time.time() - PREPARATION_TIMEOUT_SECONDS - 60
    os.utime(marker, (long_ago, long_ago))
    client.get(f"/downloads/{work.pk}/x.pdf")
    assert len(default_task_backend.results) == 2  # type: ignore[attr-defined]


def test_editing_the_work_queues_a_new_file(client: Client) -> None:
    work = WorkFactory(title="Before")
    client.get(f"/downloads/{work.pk}/x.pdf")
    work.title = "After"
    work.save()
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202


@pytest.fixture
def failing_maker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's conversion fails (calibre or WeasyPrint chokes on the work)."""

    def choke(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the converter choked")

    monkeypatch.setattr("ficshelf.downloads.actions.build_work_document", choke)


@pytest.mark.usefixtures("failing_maker")
def test_a_file_that_could_not_be_made_says_so_instead_of_refreshing(client: Client) -> None:
    work = WorkFactory(title="Choked On")
    client.get(f"/downloads/{work.pk}/x.pdf")  # queued; the worker fails
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 500
    html = response.content.decode()
    assert "This download could not be made" in html
    assert "Choked On" in html
    assert 'http-equiv="refresh"' not in html
    assert "no-store" in response["Cache-Control"]
    # The formats made in the request are offered instead.
    for extension in ("epub", "html", "txt"):
        assert f'.{extension}" download>' in html
    assert '.pdf" download>' not in html


@pytest.mark.usefixtures("failing_maker")
def test_a_failed_file_is_not_tried_again_until_the_timeout(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")  # the worker fails at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    for _ in range(3):
        assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 500
    assert len(default_task_backend.results) == 0  # type: ignore[attr-defined]
    (marker,) = (Path(settings.DATA_DIR) / "downloads" / str(work.pk)).glob("*/*.failed")
    long_ago = time.time() - PREPARATION_TIMEOUT_SECONDS - 1
    os.utime(marker, (long_ago, long_ago))
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]
