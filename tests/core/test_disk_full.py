"""A full disk: reads go on, writes get a clear 503 page with what was typed, one log line
for the episode, and everything works again once there is room (tests/full_disk.py
simulates the disk at the database driver, the cache and file writes)."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.core import disk_full
from ficshelf.search.queue import drain_index_queue as drain_now
from ficshelf.social.hits import flush_hits
from ficshelf.social.models import Comment, Kudos
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.full_disk import full_disk
from tests.helpers import guarded, page_text
from tests.works.factories_posting import work_form_data, writer

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _new_episode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk_full, "_last_seen_at", None)


def guest(raise_errors: bool = False) -> Client:
    # As a browser sees it: the error page, not the exception re-raised into the test.
    return Client(raise_request_exception=False)


def member() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def comment_url(work: Work) -> str:
    chapter = work.chapters.get()
    return reverse("social:post_comment", args=[work.pk, chapter.pk])


def test_reads_go_on_while_the_disk_is_full() -> None:
    work = WorkFactory(title="Still Readable")
    drain_now()
    reader = member()
    with full_disk():
        for client in (guest(), reader):
            assert "Still Readable" in page_text(client.get("/works/"))
            assert "Still Readable" in page_text(client.get("/search/?q=Readable"))
            assert "Once there was a story" in page_text(client.get(work.get_absolute_url()))
        assert "Log in" in page_text(guest().get(reverse("accounts:login")))
    # Not counted while full: the page was shown all the same.
    assert flush_hits(now=time.time() + 60) == 0


def test_a_comment_is_refused_with_a_503_that_gives_the_text_back() -> None:
    work = WorkFactory()
    with full_disk():
        response = guest().post(
            comment_url(work),
            guarded(
                {
                    "text": "Such a good chapter, truly.",
                    "guest_name": "Pat",
                    "guest_email": "p@x.org",
                }
            ),
        )
    html = page_text(response, status=503)
    assert "is out of space" in html
    assert "this was not saved" in html
    assert "Such a good chapter, truly." in html  # to copy, not lost
    assert response["Retry-After"]
    assert not Comment.objects.exists()


def test_kudos_and_posting_are_refused_with_the_same_page() -> None:
    work = WorkFactory()
    author = writer("poster")
    poster = Client(raise_request_exception=False)
    poster.force_login(author)
    with full_disk():
        kudos = guest().post(reverse("social:kudos", args=[work.pk]))
        posted = poster.post(
            reverse("works:new"), work_form_data(title="Unsaved", text="<p>My new chapter.</p>")
        )
    assert "is out of space" in page_text(kudos, status=503)
    html = page_text(posted, status=503)
    assert "<p>My new chapter.</p>" in html
    assert not Kudos.objects.exists()
    assert not Work.objects.filter(title="Unsaved").exists()


def test_signing_in_is_refused_clearly_and_the_password_is_never_shown_back() -> None:
    UserFactory(username="reader")
    with full_disk():
        response = guest().post(
            reverse("accounts:login"), {"username": "reader", "password": PASSWORD}
        )
    html = page_text(response, status=503)
    assert "is out of space" in html
    assert PASSWORD not in html


def test_one_log_line_for_an_episode_not_a_traceback_per_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = WorkFactory()
    caplog.set_level(logging.INFO)
    with full_disk():
        for _ in range(3):
            guest().post(reverse("social:kudos", args=[work.pk]))
            guest().get(work.get_absolute_url())
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "The disk is full" in lines[0].getMessage()
    assert lines[0].exc_info is None


def test_writes_work_again_as_soon_as_there_is_room() -> None:
    work = WorkFactory()
    client = guest()
    data = guarded({"text": "Second try.", "guest_name": "Pat", "guest_email": "p@x.org"})
    with full_disk():
        assert client.post(comment_url(work), data).status_code == 503
    assert client.post(comment_url(work), data).status_code == 302
    assert "Second try." in Comment.objects.get().text


def test_a_download_is_served_though_it_cannot_be_kept() -> None:
    work = WorkFactory()
    with full_disk():
        response = guest().get(
            reverse("downloads:work", kwargs={"work_id": work.pk, "slug": "w", "extension": "html"})
        )
    assert response.status_code == 200
    assert b"Once there was a story" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


# The worker runs tasks in autocommit, as here: no test transaction around it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_updates_wait_in_the_queue_while_the_disk_is_full() -> None:
    from ficshelf.search.models import IndexQueueEntry
    from ficshelf.search.tasks import drain_index_queue

    work = WorkFactory()  # indexed at once: tasks run immediately in tests
    IndexQueueEntry.objects.create(work_id=work.pk)  # a change waiting for the worker
    queued = IndexQueueEntry.objects.count()
    with full_disk():
        assert drain_index_queue.call() == 0
    assert IndexQueueEntry.objects.count() == queued
    drain_index_queue.call()
    assert not IndexQueueEntry.objects.exists()


def test_a_bug_is_still_a_500_not_a_full_disk() -> None:
    assert not disk_full.is_disk_full(ValueError("something else"))
    assert disk_full.is_disk_full(OSError(28, "No space left on device"))
