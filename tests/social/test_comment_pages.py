"""Comments come a page of threads at a time, and a comment's address finds its page."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.social.comment_pages import THREADS_PER_PAGE
from ficshelf.social.models import Comment
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import mute

pytestmark = pytest.mark.django_db


def threads(work: Work, count: int) -> list[Comment]:
    chapter = work.chapters.get()
    return [
        Comment.objects.create(
            work=work, chapter=chapter, text=f"<p>Thread {n}</p>", guest_name="a reader"
        )
        for n in range(1, count + 1)
    ]


def chapter_url(work: Work) -> str:
    return f"/works/{work.pk}/chapters/{work.chapters.get().pk}/"


def test_a_page_shows_a_page_of_threads_with_their_replies(client: Client) -> None:
    work = WorkFactory()
    made = threads(work, THREADS_PER_PAGE + 3)
    Comment.objects.create(
        work=work, chapter=made[0].chapter, parent=made[0], text="<p>A reply</p>",
        guest_name="another",
    )  # fmt: skip
    first = client.get(chapter_url(work)).content.decode()
    assert "Thread 1<" in first and f"Thread {THREADS_PER_PAGE}<" in first
    assert f"Thread {THREADS_PER_PAGE + 1}<" not in first
    assert "A reply" in first
    assert f"Comments ({THREADS_PER_PAGE + 4})" in first  # the count covers every page
    assert 'href="?comments_page=2#comments" rel="next"' in first
    second = client.get(chapter_url(work) + "?comments_page=2").content.decode()
    assert f"Thread {THREADS_PER_PAGE + 1}<" in second and "Thread 1<" not in second


@pytest.mark.parametrize("asked", ["99", "0", "nonsense"])
def test_a_page_out_of_range_shows_the_nearest(client: Client, asked: str) -> None:
    work = WorkFactory()
    threads(work, 3)
    response = client.get(chapter_url(work) + f"?comments_page={asked}")
    assert response.status_code == 200
    assert "Thread 3<" in response.content.decode()


def test_a_comment_address_goes_to_the_page_of_its_thread(client: Client) -> None:
    work = WorkFactory()
    made = threads(work, THREADS_PER_PAGE + 2)
    late = made[-1]
    reply = Comment.objects.create(
        work=work, chapter=late.chapter, parent=late, text="<p>Late reply</p>", guest_name="x"
    )
    response = client.get(f"/comments/{reply.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{chapter_url(work)}?comments_page=2#comment_{reply.pk}"
    first = client.get(f"/comments/{made[0].pk}/")
    assert first["Location"] == f"{chapter_url(work)}#comment_{made[0].pk}"


def test_the_page_is_counted_as_the_reader_sees_the_threads() -> None:
    work = WorkFactory()
    reader = UserFactory()
    noisy = UserFactory()
    chapter = work.chapters.get()
    for n in range(THREADS_PER_PAGE):
        Comment.objects.create(work=work, chapter=chapter, user=noisy, text=f"<p>Noise {n}</p>")
    target = threads(work, 1)[0]
    mute(reader, noisy)
    client = Client()
    client.force_login(reader)
    # Muted, the 50 threads before it are not shown: it is on the first page for this reader.
    assert client.get(f"/comments/{target.pk}/")["Location"].endswith(f"#comment_{target.pk}")
    assert "comments_page" not in client.get(f"/comments/{target.pk}/")["Location"]
    assert "comments_page=2" in Client().get(f"/comments/{target.pk}/")["Location"]


def test_a_comment_the_reader_may_not_see_has_no_address() -> None:
    work = WorkFactory(restricted=True)
    comment = threads(work, 1)[0]
    assert Client().get(f"/comments/{comment.pk}/").status_code == 404


def test_many_pages_are_linked_with_the_middle_left_out() -> None:
    from ficshelf.social.comment_pages import CommentPages

    assert CommentPages(1, 3).numbers == [1, 2, 3]
    assert CommentPages(10, 20).numbers == [1, 2, None, 8, 9, 10, 11, 12, None, 19, 20]
    assert CommentPages(1, 20).numbers == [1, 2, 3, None, 19, 20]
