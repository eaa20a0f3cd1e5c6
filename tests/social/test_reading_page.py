"""The reading page's parts: the bar at the end of the work, commenters' names linked to
their profiles, replies that open inline (with the reply page as the fallback), and the
comment box's character counter."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.social.forms import COMMENT_MAX_LENGTH
from ficshelf.social.models import Comment
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import guarded
from tests.social.factories import CommentFactory, creator_of

pytestmark = pytest.mark.django_db


def end_bar(html: str) -> str:
    start = html.index('class="work-end-actions"')
    return html[start : html.index("</nav>", start)]


def work_page(client: Client, work: Work) -> str:
    return client.get(work.get_absolute_url()).content.decode()


def test_the_end_of_the_work_has_kudos_bookmark_comments_and_top(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    CommentFactory(work=work)
    client.force_login(UserFactory())
    bar = end_bar(work_page(client, work))
    assert reverse("social:kudos", args=[work.pk]) in bar and "Kudos ♥" in bar
    assert reverse("social:bookmark_work", args=[work.pk]) in bar
    assert 'href="#comments">Comments (1)' in bar
    assert 'href="#main">↑ Top' in bar


def test_the_end_bar_offers_guests_no_bookmark_and_creators_no_kudos(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    guest_bar = end_bar(work_page(Client(), work))
    assert "Kudos ♥" in guest_bar and "Bookmark" not in guest_bar
    client.force_login(creator_of(work))
    creator_bar = end_bar(work_page(client, work))
    assert "Kudos ♥" not in creator_bar and "Bookmark" in creator_bar


def test_members_names_link_to_their_profiles_guests_names_do_not(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    member = UserFactory(username="kindreader")
    CommentFactory(work=work, user=member)
    CommentFactory(work=work, guest=True, guest_name="<img src=x onerror=alert(1)>")
    gone = UserFactory(username="closedaccount", is_active=False)
    CommentFactory(work=work, user=gone)
    html = work_page(client, work)
    profile = reverse("users:profile", args=["kindreader"])
    assert f'<a class="comment-author" href="{profile}">kindreader</a>' in html
    assert '<span class="comment-author">&lt;img src=x onerror=alert(1)&gt;</span>' in html
    assert "<img src=x" not in html
    assert '<span class="comment-author">closedaccount</span>' in html


def test_an_anonymous_creator_is_named_so_and_never_linked(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    Work.objects.filter(pk=work.pk).update(in_anonymous_collection=True)
    creator = creator_of(work)
    CommentFactory(work=work, user=creator)
    html = work_page(client, work)
    assert '<span class="comment-author">Anonymous Creator</span>' in html
    assert reverse("users:profile", args=[creator.username]) not in html


def test_reply_links_open_inline_with_the_script_and_the_reply_page_without(
    client: Client,
) -> None:
    work = WorkFactory(rating="General Audiences")
    comment = CommentFactory(work=work)
    html = work_page(client, work)
    reply = reverse("social:reply", args=[comment.pk])
    assert f'<a href="{reply}" data-inline-reply="{comment.pk}">Reply</a>' in html
    assert "ficshelf/comment-replies.js" in html
    # The page the script takes its form from, and the one readers without it use.
    page = client.get(reply).content.decode()
    assert 'class="comment-form"' in page and 'name="parent_id"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'name="form_started"' in page


def test_a_reply_sent_as_the_script_sends_it_lands_in_its_thread(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    parent = CommentFactory(work=work)
    client.force_login(UserFactory(username="replier"))
    response = client.post(
        reverse("social:post_comment", args=[work.pk, parent.chapter_id]),
        guarded(text="Inline thanks!", parent_id=str(parent.pk)),
        follow=True,
    )
    reply = Comment.objects.get(parent=parent)
    html = response.content.decode()
    # The script finds the new reply in the page the redirect ends on, under its parent.
    thread = html[html.index(f'id="comment_{parent.pk}"') :]
    assert f'id="comment_{reply.pk}"' in thread and "Inline thanks!" in thread


def test_the_comment_box_counts_down_from_the_comment_limit(client: Client) -> None:
    work = WorkFactory(rating="General Audiences")
    html = work_page(client, work)
    assert f'data-char-limit="{COMMENT_MAX_LENGTH}"' in html
    assert "ficshelf/char-limit.js" in html


def test_guests_kept_page_holds_nothing_of_a_member(client: Client) -> None:
    work = WorkFactory(rating="General Audiences", chapters=3)
    member = UserFactory(username="memberreader")
    client.force_login(member)
    client.get(work.chapters.get(position=3).get_absolute_url())
    work_page(client, work)  # a member's view is never kept
    guest = work_page(Client(), work)
    assert "memberreader" not in guest
    assert "Continue reading" not in guest and "reading-place" not in guest
