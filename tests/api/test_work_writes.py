"""Posting and editing works and chapters through the API: the site's forms and actions, so
the same validation, sanitizer, limits, spam holds, index queueing and notices; a refusal
names each field and writes nothing; only a work's creators reach it (404 for others)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.moderation import suspend
from ficshelf.core.spam import SpamState
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social.models import InboxItem, Subscription
from ficshelf.tags.models import Tag
from ficshelf.works.models import Chapter, Collection, Gift, Series, Work
from tests.api.helpers import call, token_for
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db

LINKS = "<p>" + " ".join(f'<a href="https://shop{n}.example/">buy</a>' for n in range(4)) + "</p>"


def new_work(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Through The Door",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Original Work"],
        "text": "<p>One two three four.</p>",
    }
    body.update(overrides)
    return body


def written() -> int:
    """Everything a posting writes, counted: a refusal leaves every count as it was."""
    return sum(
        model.objects.count() for model in (Work, Chapter, Tag, Series, Gift, IndexQueueEntry)
    )


def test_a_draft_is_saved_seen_by_its_creator_only(client: Client) -> None:
    author = writer()
    token = token_for(author, "read", "write:works")
    status, data = call(client, "POST", "/api/v1/works", token, new_work())
    assert status == 201, data
    assert data["is_posted"] is False
    assert data["title"] == "Through The Door"
    work = Work.objects.get(pk=data["id"])
    assert not work.is_posted
    assert call(client, "GET", f"/api/v1/works/{work.pk}", token)[0] == 200
    assert call(client, "GET", f"/api/v1/works/{work.pk}")[0] == 404
    other = token_for(UserFactory(), "read")
    assert call(client, "GET", f"/api/v1/works/{work.pk}", other)[0] == 404


def test_every_field_of_the_form_is_saved(client: Client) -> None:
    author = writer()
    second = PseudFactory(user=author, name="Second Name", is_default=False)
    UserFactory(username="friend")
    Collection.objects.create(name="fest", title="The Fest")
    token = token_for(author, "write:works")
    body = new_work(
        post=True,
        summary="<p>What <em>happens</em>.</p>",
        notes="Some notes",
        end_notes="The end notes",
        rating="Mature",
        warnings=["Graphic Depictions Of Violence"],
        categories=["F/F"],
        fandoms=["Fandom One", "Fandom Two"],
        relationships=["A/B"],
        characters=["A", "B"],
        freeforms=["Fluff"],
        language="de",
        pseud_id=second.pk,
        new_series_title="My Series",
        collections=["fest"],
        gift_recipients=["friend"],
        is_restricted=True,
        comment_permission="registered",
        moderated_comments=True,
        expected_chapter_count=3,
        chapter_title="Beginning",
        text="First line.\n\nSecond paragraph.",
        text_format="plain",
    )
    status, data = call(client, "POST", "/api/v1/works", token, body)
    assert status == 201, data
    work = Work.objects.get(pk=data["id"])
    assert work.is_posted and work.is_restricted and work.moderated_comments
    assert work.comment_permission == "registered"
    assert work.language is not None and work.language.short == "de"
    assert work.expected_chapter_count == 3
    assert {t.name for t in work.tags.all()} >= {
        "Mature",
        "Graphic Depictions Of Violence",
        "F/F",
        "Fandom One",
        "Fandom Two",
        "A/B",
        "A",
        "B",
        "Fluff",
    }
    assert [c.pseud.name for c in work.creatorships.all()] == ["Second Name"]
    assert work.series_works.get().series.title == "My Series"
    assert work.gifts.get().recipient_name == "friend"
    assert work.collection_items.get().collection.name == "fest"
    chapter = work.chapters.get()
    assert chapter.title == "Beginning"
    assert chapter.text == "<p>First line.</p>\n<p>Second paragraph.</p>"
    assert data["work_chapters"][0]["text"] == chapter.text
    assert IndexQueueEntry.objects.filter(work_id=work.pk).exists()


def test_html_goes_through_the_sanitizer(client: Client) -> None:
    token = token_for(writer(), "write:works")
    evil = '<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror="y()"></p>'
    body = new_work(summary=evil, notes=evil, end_notes=evil, chapter_notes=evil, text=evil)
    status, data = call(client, "POST", "/api/v1/works", token, body)
    assert status == 201, data
    work = Work.objects.get(pk=data["id"])
    chapter = work.chapters.get()
    for html in [work.summary, work.notes, work.end_notes, chapter.notes, chapter.text]:
        assert "<script" not in html and "onclick" not in html and "onerror" not in html
        assert "Hi" in html
    status, data = call(client, "PATCH", f"/api/v1/works/{work.pk}", token, {"summary": evil})
    assert status == 200
    assert "<script" not in Work.objects.get(pk=work.pk).summary
    url = f"/api/v1/works/{work.pk}/chapters"
    status, data = call(client, "POST", url, token, {"text": evil, "summary": evil})
    assert status == 201
    added = Chapter.objects.get(pk=data["id"])
    assert "<script" not in added.text and "onclick" not in added.summary


def test_bad_input_names_each_field_and_writes_nothing(client: Client) -> None:
    token = token_for(writer(), "write:works")
    before = written()
    body = new_work(
        title=" ",
        rating="Terrible",
        warnings=[],
        fandoms=[],
        text="",
        language="xx",
        published_on=str(timezone.localdate() + datetime.timedelta(days=3)),
        series_position=0,
        pseud_id=PseudFactory().pk,
        co_creators=["nobody-here"],
        collections=["no-such-collection"],
        freeforms=["x" * 151],
    )
    status, data = call(client, "POST", "/api/v1/works", token, body)
    assert status == 400
    detail = data["detail"]
    for field in [
        "title:",
        "rating:",
        "warnings:",
        "fandoms:",
        "text:",
        "language: There is no language “xx” here.",
        "published_on:",
        "series_position:",
        "pseud_id: That is not one of your pseuds.",
        "co_creators:",
        "collections: There is no collection named no-such-collection.",
        "freeforms:",
    ]:
        assert field in detail, field
    assert written() == before


def test_the_sites_input_limits_apply(client: Client) -> None:
    token = token_for(writer(), "write:works")
    before = written()
    too_long = new_work(title="t" * 256, summary="s" * 1251, text="w" * 500_001)
    status, data = call(client, "POST", "/api/v1/works", token, too_long)
    assert status == 400
    for field in ["title:", "summary:", "text:"]:
        assert field in data["detail"]
    many = new_work(freeforms=[f"Tag {n}" for n in range(80)])
    status, data = call(client, "POST", "/api/v1/works", token, many)
    assert status == 400
    assert "work: Fandom, relationship, character and additional tags" in data["detail"]
    assert written() == before


def test_a_token_without_the_works_scope_writes_nothing(client: Client) -> None:
    author = writer()
    work = posted_work(author)
    token = token_for(author, "read", "write:comments")
    before = written()
    status, data = call(client, "POST", "/api/v1/works", token, new_work())
    assert status == 403 and "write:works" in data["detail"]
    status, _ = call(client, "PATCH", f"/api/v1/works/{work.pk}", token, {"title": "New"})
    assert status == 403
    assert call(client, "DELETE", f"/api/v1/works/{work.pk}", token)[0] == 403
    assert call(client, "POST", "/api/v1/works", None, new_work())[0] == 401
    assert written() == before
    assert Work.objects.get(pk=work.pk).title == "A Posted Work"


def test_a_suspended_member_posts_and_edits_nothing(client: Client) -> None:
    author = writer()
    work = posted_work(author)
    token = token_for(author, "write:works")
    suspend(
        author,
        until=timezone.now() + datetime.timedelta(days=2),
        reason="Spam.",
        actor=UserFactory(is_staff=True, is_superuser=True),
    )
    before = written()
    chapter = work.chapters.get()
    for method, url, body in [
        ("POST", "/api/v1/works", new_work()),
        ("PATCH", f"/api/v1/works/{work.pk}", {"title": "Changed"}),
        ("POST", f"/api/v1/works/{work.pk}/chapters", {"text": "<p>More.</p>"}),
        ("PATCH", f"/api/v1/works/{work.pk}/chapters/{chapter.pk}", {"text": "<p>x</p>"}),
        ("DELETE", f"/api/v1/works/{work.pk}", None),
    ]:
        status, data = call(client, method, url, token, body)
        assert status == 403 and "suspended" in data["detail"], (method, url)
    assert written() == before
    assert Work.objects.get(pk=work.pk).title == "A Posted Work"


def test_a_new_members_linky_work_is_held_and_announced_to_nobody(client: Client) -> None:
    author, fan = writer(), UserFactory()
    Subscription.objects.create(user=fan, creator=author)
    token = token_for(author, "write:works")
    status, data = call(client, "POST", "/api/v1/works", token, new_work(post=True, text=LINKS))
    assert status == 201
    work = Work.objects.get(pk=data["id"])
    assert work.spam_state == SpamState.HELD
    assert not InboxItem.objects.filter(recipient=fan).exists()
    assert call(client, "GET", f"/api/v1/works/{work.pk}")[0] == 404


def test_subscribers_hear_of_a_posted_work_and_a_new_chapter(client: Client) -> None:
    author, fan = writer(), UserFactory()
    Subscription.objects.create(user=fan, creator=author)
    token = token_for(author, "write:works")
    status, data = call(client, "POST", "/api/v1/works", token, new_work())
    work_id = data["id"]
    assert not InboxItem.objects.filter(recipient=fan).exists()  # a draft tells nobody
    status, data = call(client, "POST", f"/api/v1/works/{work_id}/post", token)
    assert status == 200 and data["is_posted"] is True
    assert InboxItem.objects.filter(recipient=fan, work_id=work_id).count() == 1
    status, data = call(
        client, "POST", f"/api/v1/works/{work_id}/chapters", token, {"text": "<p>Two.</p>"}
    )
    assert status == 201 and data["position"] == 2 and data["is_posted"] is True
    assert InboxItem.objects.filter(recipient=fan, work_id=work_id).count() == 2


def test_an_edit_changes_what_is_sent_and_keeps_the_rest(client: Client) -> None:
    author = writer()
    token = token_for(author, "write:works")
    status, data = call(
        client,
        "POST",
        "/api/v1/works",
        token,
        new_work(post=True, freeforms=["Fluff"], summary="<p>Kept.</p>", is_restricted=True),
    )
    work_id = data["id"]
    status, data = call(
        client, "PATCH", f"/api/v1/works/{work_id}", token, {"title": "A New Title"}
    )
    assert status == 200, data
    work = Work.objects.get(pk=work_id)
    assert work.title == "A New Title"
    assert work.summary == "<p>Kept.</p>" and work.is_restricted
    assert "Fluff" in {t.name for t in work.tags.all()}
    assert work.chapters.get().text == "<p>One two three four.</p>"
    # A text format alone does not re-read the saved text.
    call(client, "PATCH", f"/api/v1/works/{work_id}", token, {"text_format": "plain"})
    assert work.chapters.get().text == "<p>One two three four.</p>"
    status, data = call(
        client, "PATCH", f"/api/v1/works/{work_id}", token, {"fandoms": [], "title": "Other"}
    )
    assert status == 400 and "fandoms:" in data["detail"]
    assert Work.objects.get(pk=work_id).title == "A New Title"


@pytest.mark.parametrize(
    "state", ["draft", "posted", "restricted", "hidden", "anonymous", "unrevealed"]
)
def test_nobody_but_its_creators_reaches_a_work(client: Client, state: str) -> None:
    flags = {state: True} if state in {"draft", "restricted", "hidden"} else {}
    work = WorkFactory(**flags)
    if state in {"anonymous", "unrevealed"}:
        Work.objects.filter(pk=work.pk).update(**{f"in_{state}_collection": True})
    chapter = work.chapters.get()
    token = token_for(UserFactory(), "read", "write:works")
    before = written()
    for method, url, body in [
        ("PATCH", f"/api/v1/works/{work.pk}", {"title": "Mine now"}),
        ("POST", f"/api/v1/works/{work.pk}/post", None),
        ("DELETE", f"/api/v1/works/{work.pk}", None),
        ("POST", f"/api/v1/works/{work.pk}/chapters", {"text": "<p>More.</p>"}),
        ("PATCH", f"/api/v1/works/{work.pk}/chapters/{chapter.pk}", {"text": "<p>x</p>"}),
        ("DELETE", f"/api/v1/works/{work.pk}/chapters/{chapter.pk}", None),
    ]:
        status, data = call(client, method, url, token, body)
        # The same answer as for a work that is not there at all.
        assert (status, data) == (404, {"detail": "No such work."}), (method, url)
    assert written() == before
    assert Work.objects.get(pk=work.pk).is_posted == (state != "draft")


def test_an_invited_co_creator_who_has_not_accepted_cannot_edit(client: Client) -> None:
    author, invited = writer(), writer("invited")
    token = token_for(author, "write:works")
    status, data = call(
        client, "POST", "/api/v1/works", token, new_work(post=True, co_creators=["invited"])
    )
    assert status == 201
    their = token_for(invited, "write:works")
    status, _ = call(client, "PATCH", f"/api/v1/works/{data['id']}", their, {"title": "X"})
    assert status == 404


def test_chapters_added_edited_posted_and_deleted(client: Client) -> None:
    author = writer()
    work = posted_work(author)
    token = token_for(author, "write:works")
    base = f"/api/v1/works/{work.pk}/chapters"
    status, data = call(
        client, "POST", base, token, {"title": "Later", "text": "<p>Two.</p>", "post": False}
    )
    assert status == 201 and data["is_posted"] is False
    chapter_id = data["id"]
    status, data = call(client, "PATCH", f"{base}/{chapter_id}", token, {"title": "Renamed"})
    assert status == 200 and data["title"] == "Renamed" and data["text"] == "<p>Two.</p>"
    assert data["is_posted"] is False
    status, data = call(client, "PATCH", f"{base}/{chapter_id}", token, {"post": True})
    assert status == 200 and data["is_posted"] is True
    assert Work.objects.get(pk=work.pk).chapter_count_display.startswith("2/")
    status, data = call(client, "PATCH", f"{base}/{chapter_id}", token, {"text": " "})
    assert status == 400 and data["detail"].startswith("text:")
    assert Chapter.objects.get(pk=chapter_id).text == "<p>Two.</p>"
    assert call(client, "DELETE", f"{base}/{chapter_id}", token)[0] == 200
    assert not Chapter.objects.filter(pk=chapter_id).exists()
    only = work.chapters.get()
    status, data = call(client, "DELETE", f"{base}/{only.pk}", token)
    assert status == 409 and "delete the work instead" in data["detail"]
    assert Chapter.objects.filter(pk=only.pk).exists()
    other = WorkFactory()
    status, _ = call(client, "DELETE", f"{base}/{other.chapters.get().pk}", token)
    assert status == 404


def test_a_work_is_deleted_and_gone_from_the_api(client: Client) -> None:
    author = writer()
    work = posted_work(author)
    token = token_for(author, "read", "write:works")
    status, data = call(client, "DELETE", f"/api/v1/works/{work.pk}", token)
    assert status == 200 and "A Posted Work" in data["detail"]
    assert not Work.objects.filter(pk=work.pk).exists()
    assert call(client, "GET", f"/api/v1/works/{work.pk}", token)[0] == 404


def test_characters_no_text_can_hold_are_refused_by_name(client: Client) -> None:
    author = writer()
    work = posted_work(author)
    token = token_for(author, "write:works")
    before = written()
    body = new_work(title="Bad\ud800", summary="a\x01b", text="<p>x\ufffe</p>", language="e\ud800n")
    status, data = call(client, "POST", "/api/v1/works", token, body)
    assert status == 400
    assert "title: This can't contain control characters (found U+D800)" in data["detail"]
    assert "summary: This can't contain control characters (found U+0001)" in data["detail"]
    assert "text: This can't contain control characters (found U+FFFE)" in data["detail"]
    assert "language: There is no language" in data["detail"]
    url = f"/api/v1/works/{work.pk}/chapters/{work.chapters.get().pk}"
    status, data = call(client, "PATCH", url, token, {"text": "<p>a\x0bb</p>"})
    assert status == 400 and "U+000B" in data["detail"]
    assert written() == before
    # Tabs and line breaks are text.
    status, _ = call(client, "PATCH", url, token, {"text": "<p>a\tb\r\nc</p>"})
    assert status == 200


def test_null_in_an_edit_empties_the_field(client: Client) -> None:
    author = writer()
    token = token_for(author, "write:works")
    body = new_work(post=True, new_series_title="Doors", expected_chapter_count=3)
    status, data = call(client, "POST", "/api/v1/works", token, body)
    assert status == 201 and data["series"][0]["title"] == "Doors"
    assert data["chapters"] == "1/3"
    url = f"/api/v1/works/{data['id']}"
    status, data = call(
        client,
        "PATCH",
        url,
        token,
        {"series_id": None, "expected_chapter_count": None, "language": None, "freeforms": None},
    )
    assert status == 200, data
    assert data["series"] == [] and data["chapters"] == "1/?"
    assert data["language"] == "English"
    status, data = call(client, "PATCH", url, token, {"title": None})
    assert status == 400 and data["detail"].startswith("title:")
