"""A work page's public comment threads and kudos givers are kept under the work's page
versions (``social.kept_work_footer``): a second reader who sees only the public comments is
served them kept, every change shows on the next page, and a reader who sees more or less
(the threads' own commenters, creators, moderators, admins, a reader who muted a commenter)
gets threads written for them. On the embedded cache and on Redis (``shared_cache``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.actions import mute_user
from ficshelf.accounts.models import Preference, User
from ficshelf.accounts.moderation import ban_users
from ficshelf.core.spam import SpamState
from ficshelf.social import kept_work_footer
from ficshelf.social.actions import (
    approve_comment,
    delete_comment,
    edit_comment,
    leave_kudos,
    post_comment,
)
from ficshelf.social.comment_html import ThreadOptions
from ficshelf.social.comment_moderation import set_hidden
from ficshelf.social.models import Comment, Kudos
from ficshelf.works.models import CommentPermission, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.social.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the public threads were read and written, and threads for one reader."""
    counted = {"public": 0, "own": 0}
    for name, kind in (("_public_comments", "public"), ("_written_for", "own")):
        real = getattr(kept_work_footer, name)

        def counting(*args: Any, _real: Any = real, _kind: str = kind) -> Any:
            counted[_kind] += 1
            return _real(*args)

        monkeypatch.setattr(kept_work_footer, name, counting)
    return counted


def page(work: Work, reader: User | None) -> str:
    client = Client()
    if reader is not None:
        client.force_login(reader)
    answer = client.get(work.get_absolute_url())
    assert answer.status_code == 200
    return answer.content.decode()


def commented_work(**kwargs: Any) -> tuple[Work, User, Comment]:
    creator = PseudFactory(name="Writer")
    work = WorkFactory(creator=creator, **kwargs)
    commenter = UserFactory(username="first_reader")
    comment = post_comment(work.chapters.get(), actor=commenter, text="<p>Such a good story.</p>")
    return work, commenter, comment


def test_a_second_reader_is_served_the_kept_threads_and_kudos_givers(
    shared_cache: str, builds: dict[str, int]
) -> None:
    work, _, _ = commented_work()
    leave_kudos(work, actor=UserFactory(username="kind_reader"))
    first = page(work, UserFactory())
    assert "Such a good story." in first and "kind_reader left kudos" in first
    assert builds == {"public": 1, "own": 0}
    with CaptureQueriesContext(connection) as queries:
        second = page(work, UserFactory())
    assert builds == {"public": 1, "own": 0}
    assert "Such a good story." in second and "kind_reader left kudos" in second
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert Comment._meta.db_table not in tables and Kudos._meta.db_table not in tables


def test_kept_threads_carry_no_readers_token_address_or_buttons(shared_cache: str) -> None:
    work, _, comment = commented_work()
    reader = UserFactory()
    client = Client()
    client.force_login(reader)
    client.get(work.get_absolute_url())
    options = ThreadOptions(
        reply_links=True, span_chapters=False, csrf_token="TOKEN", next_url="/somewhere/"
    )
    chapters = list(work.chapters.all())
    request = client.get(work.get_absolute_url()).wsgi_request
    public = kept_work_footer._public_comments(request, chapters, options)
    html = str(public.shown.threads_html)
    assert "Such a good story." in html and f'data-inline-reply="{comment.pk}"' in html
    for personal in ("TOKEN", "/somewhere/", "csrfmiddlewaretoken", "Edit", "Delete", "Hide"):
        assert personal not in html


def _reply(work: Work, comment: Comment) -> str:
    post_comment(work.chapters.get(), actor=UserFactory(), text="<p>A reply.</p>", parent=comment)
    return "A reply."


def _edit(work: Work, comment: Comment) -> str:
    edit_comment(comment, actor=comment.user, text="<p>Edited words.</p>")
    return "Edited words."


def _delete(work: Work, comment: Comment) -> str:
    delete_comment(comment, actor=comment.user)
    return "Comments (0)"


def _hide(work: Work, comment: Comment) -> str:
    set_hidden(comment, hidden=True, actor=work.creatorships.get().pseud.user)
    return "Comments (0)"


def _rename_commenter(work: Work, comment: Comment) -> str:
    comment.user.username = "renamed_reader"
    comment.user.save()  # as the admin's user form saves it
    return "/users/renamed_reader/"


def _ban_commenter(work: Work, comment: Comment) -> str:
    ban_users([comment.user], reason="spam", actor=UserFactory(is_staff=True))
    # A closed or banned account's name is no longer a link to a profile.
    return '<span class="comment-author">first_reader</span>'


def _kudos(work: Work, comment: Comment) -> str:
    leave_kudos(work, actor=UserFactory(username="late_giver"))
    return "late_giver and early_giver left kudos"


@pytest.mark.parametrize(
    "change", [_reply, _edit, _delete, _hide, _rename_commenter, _ban_commenter, _kudos]
)
def test_a_change_shows_on_the_next_page(
    shared_cache: str, change: Callable[[Work, Comment], str]
) -> None:
    work, _, comment = commented_work()
    leave_kudos(work, actor=UserFactory(username="early_giver"))  # givers kept too
    before = page(work, UserFactory())
    page(work, UserFactory())  # kept now
    shown = change(work, comment)
    assert shown not in before
    assert shown in page(work, UserFactory())


def test_an_approved_comment_shows_at_once(shared_cache: str) -> None:
    work = WorkFactory(moderated_comments=True)
    waiting = CommentFactory(work=work, unreviewed=True, text="<p>Waiting words.</p>")
    assert "Waiting words." not in page(work, UserFactory())
    approve_comment(waiting, actor=work.creatorships.get().pseud.user)
    assert "Waiting words." in page(work, UserFactory())


def test_readers_who_see_more_or_less_get_their_own_threads(
    shared_cache: str, builds: dict[str, int]
) -> None:
    work, commenter, _ = commented_work()
    pending_author = UserFactory()
    CommentFactory(work=work, user=pending_author, unreviewed=True, text="<p>My pending.</p>")
    CommentFactory(work=work, is_hidden=True, text="<p>Hidden words.</p>")
    CommentFactory(work=work, spam_state=SpamState.HELD, text="<p>Held words.</p>")
    leave_kudos(work, actor=commenter)
    plain = page(work, UserFactory())  # kept: the public threads
    for unseen in ("My pending.", "Hidden words.", "Held words."):
        assert unseen not in plain
    assert builds["own"] == 0

    own = page(work, commenter)
    assert "Such a good story." in own and ">Edit</a>" in own
    assert "My pending." in page(work, pending_author)
    creator = page(work, work.creatorships.get().pseud.user)
    assert "Hidden words." in creator and ">Approve</button>" in creator
    assert "Held words." in page(work, UserFactory(is_staff=True))
    muter = UserFactory()
    mute_user(commenter, actor=muter)
    muted = page(work, muter)
    assert "Such a good story." not in muted and "first_reader left kudos" not in muted
    assert builds == {"public": 1, "own": 5}


def test_reply_links_follow_the_reader_not_the_kept_copy(shared_cache: str) -> None:
    work, _, comment = commented_work(comment_permission=CommentPermission.REGISTERED)
    reply_link = f'data-inline-reply="{comment.pk}"'
    assert reply_link in page(work, UserFactory())  # kept for members
    assert reply_link not in page(work, None)  # guests may not comment here


def test_dates_follow_each_readers_time_zone(shared_cache: str) -> None:
    work, _, _ = commented_work()
    tokyo, oslo = UserFactory(), UserFactory()
    Preference.objects.create(user=tokyo, time_zone="Asia/Tokyo")
    Preference.objects.create(user=oslo, time_zone="Europe/Oslo")
    assert "+09:00" in page(work, tokyo)
    oslo_page = page(work, oslo)
    assert "+09:00" not in oslo_page and ("+01:00" in oslo_page or "+02:00" in oslo_page)
