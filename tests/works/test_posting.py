"""The posting pages: new work, preview, drafts, editing, chapters, dashboard, permissions."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Block, User
from ficshelf.works import actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import Chapter, CommentPermission, Series, Work
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory
from tests.helpers import page_text
from tests.works.factories_posting import (
    docx_bytes,
    posted_work,
    work_form_data,
    writer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client: Client) -> User:
    user = writer()
    client.force_login(user)
    return user


def post_new(client: Client, **overrides: object) -> object:
    return client.post(reverse("works:new"), work_form_data(**overrides))


def test_guest_is_sent_to_log_in_from_the_new_work_form(client: Client) -> None:
    response = client.get(reverse("works:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_new_work_form_offers_every_work_field(client: Client, author: User) -> None:
    html = client.get(reverse("works:new")).content.decode()
    for name in [
        "rating", "warnings", "categories", "fandoms", "relationships", "characters",
        "freeforms", "language", "title", "summary", "notes", "end_notes", "series",
        "new_series_title", "series_position", "co_creators", "gift_recipients",
        "is_restricted", "comment_permission", "moderated_comments",
        "expected_chapter_count", "is_complete", "published_on", "chapter_title",
        "chapter_summary", "chapter_notes", "chapter_end_notes", "text", "text_format",
        "text_file",
    ]:  # fmt: skip
        assert f'name="{name}"' in html, name


def test_writer_with_several_pseuds_chooses_which_to_post_as(client: Client, author: User) -> None:
    other = PseudFactory(user=author, name="Nightwriter", is_default=False)
    post_new(client, pseud=other.pk)
    assert Work.objects.get().creatorships.get().pseud == other


def test_someone_elses_pseud_cannot_be_posted_as(client: Client, author: User) -> None:
    PseudFactory(user=author, name="Second", is_default=False)
    stranger = writer("stranger").pseuds.get()
    response = post_new(client, pseud=stranger.pk)
    assert "pseud" in response.context["form"].errors


def test_posting_a_work_shows_it_to_readers(client: Client, author: User) -> None:
    response = post_new(client, title="Hello Archive")
    work = Work.objects.get(title="Hello Archive")
    assert response["Location"] == work.get_absolute_url()
    assert work.is_posted
    assert Client().get(work.get_absolute_url()).status_code == 200


def test_preview_saves_a_draft_shown_with_post_and_edit_buttons(
    client: Client, author: User
) -> None:
    post_new(client, action="preview", title="Preview Me")
    work = Work.objects.get(title="Preview Me")
    assert not work.is_posted
    html = client.get(work.get_absolute_url()).content.decode()
    assert reverse("works:post", args=[work.pk]) in html
    assert reverse("works:edit", args=[work.pk]) in html
    assert "Unposted drafts are deleted on" in html


def test_post_button_on_the_preview_posts_the_draft(client: Client, author: User) -> None:
    post_new(client, action="preview")
    work = Work.objects.get()
    client.post(reverse("works:post", args=[work.pk]))
    work.refresh_from_db()
    assert work.is_posted


def test_save_as_draft_goes_to_the_dashboard_and_stays_private(
    client: Client, author: User
) -> None:
    response = post_new(client, action="draft", title="Secret Draft")
    assert response["Location"] == reverse("works:dashboard")
    work = Work.objects.get(title="Secret Draft")
    assert Client().get(work.get_absolute_url()).status_code == 404


def test_missing_required_fields_are_form_errors_and_nothing_is_saved(
    client: Client, author: User
) -> None:
    response = post_new(client, title="", fandoms="", warnings=[], rating="", text="")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {
        "title", "fandoms", "warnings", "rating", "text",
    }  # fmt: skip
    assert not Work.objects.exists()


def test_future_publication_date_is_refused(client: Client, author: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_new(client, published_on=tomorrow.isoformat())
    assert "published_on" in response.context["form"].errors


def test_backdated_work_shows_its_past_date(client: Client, author: User) -> None:
    post_new(client, published_on="2015-02-03")
    assert Work.objects.get().published_on == datetime.date(2015, 2, 3)


def test_plain_text_becomes_paragraphs(client: Client, author: User) -> None:
    post_new(client, text_format="plain", text="First line\nsame para\n\nSecond <b>para</b>")
    assert Chapter.objects.get().text == (
        "<p>First line<br>same para</p>\n<p>Second &lt;b&gt;para&lt;/b&gt;</p>"
    )


def test_html_text_is_sanitized(client: Client, author: User) -> None:
    post_new(client, text="<p>Safe</p><script>alert(1)</script>")
    assert Chapter.objects.get().text == "<p>Safe</p>"


def test_docx_upload_becomes_the_chapter_text(client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.docx", docx_bytes("Bold start", "Then more"))
    post_new(client, text="", text_file=upload)
    assert Chapter.objects.get().text == "<p><strong>Bold start</strong></p><p>Then more</p>"


def test_non_docx_upload_is_a_form_error(client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.pdf", b"%PDF-1.4 nothing")
    response = post_new(client, text="", text_file=upload)
    assert "text_file" in response.context["form"].errors
    assert not Work.objects.exists()


def test_corrupt_docx_is_a_form_error(client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.docx", b"PK\x03\x04 not really a zip")
    response = post_new(client, text="", text_file=upload)
    assert "text_file" in response.context["form"].errors


def test_unknown_co_creator_is_a_form_error(client: Client, author: User) -> None:
    response = post_new(client, co_creators="nobody_here")
    assert "co_creators" in response.context["form"].errors


def test_invited_co_creator_is_not_credited_until_accepting(client: Client, author: User) -> None:
    writer("friend")
    post_new(client, co_creators="friend")
    work = Work.objects.get()
    assert "friend" not in Client().get(work.get_absolute_url()).content.decode()


def test_co_creator_accepts_on_the_dashboard(client: Client) -> None:
    friend = writer("friend")
    work = posted_work(writer(), co_creators=[friend.pseuds.get()])
    client.force_login(friend)
    invitation = work.creatorships.get(pseud__user=friend)
    assert "Co-creator invitations" in client.get(reverse("works:dashboard")).content.decode()
    client.post(reverse("works:answer_invitation", args=[invitation.pk]), {"answer": "accept"})
    assert "friend" in Client().get(work.get_absolute_url()).content.decode()


def test_co_creator_declines_on_the_dashboard(client: Client) -> None:
    friend = writer("friend")
    work = posted_work(writer(), co_creators=[friend.pseuds.get()])
    client.force_login(friend)
    invitation = work.creatorships.get(pseud__user=friend)
    client.post(reverse("works:answer_invitation", args=[invitation.pk]), {"answer": "decline"})
    assert not work.creatorships.filter(pseud__user=friend).exists()


def test_an_unclear_answer_leaves_the_invitation_open(client: Client) -> None:
    friend = writer("friend")
    work = posted_work(writer(), co_creators=[friend.pseuds.get()])
    client.force_login(friend)
    invitation = work.creatorships.get(pseud__user=friend)
    client.post(reverse("works:answer_invitation", args=[invitation.pk]), {"answer": "maybe"})
    invitation.refresh_from_db()
    assert not invitation.is_approved


def test_editing_a_posted_work_says_it_was_updated(client: Client, author: User) -> None:
    work = posted_work(author)
    response = client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(title="New"), follow=True
    )
    assert "Work updated." in [str(m) for m in response.context["messages"]]


def test_nobody_else_can_answer_an_invitation(client: Client, author: User) -> None:
    friend = writer("friend")
    work = posted_work(writer("other"), co_creators=[friend.pseuds.get()])
    invitation = work.creatorships.get(pseud__user=friend)
    response = client.post(
        reverse("works:answer_invitation", args=[invitation.pk]), {"answer": "accept"}
    )
    assert response.status_code == 404


def test_gift_to_someone_who_blocked_the_writer_is_refused(client: Client, author: User) -> None:
    Block.objects.create(blocker=writer("blocker"), blocked=author)
    response = post_new(client, gift_recipients="blocker")
    assert "gift_recipients" in response.context["form"].errors
    assert not Work.objects.exists()


def test_inviting_someone_who_blocked_the_writer_is_refused(client: Client, author: User) -> None:
    Block.objects.create(blocker=writer("blocker"), blocked=author)
    response = post_new(client, co_creators="blocker")
    assert "co_creators" in response.context["form"].errors


def test_new_series_and_privacy_choices_are_saved(client: Client, author: User) -> None:
    post_new(
        client,
        new_series_title="Saga",
        is_restricted="on",
        comment_permission="registered",
        moderated_comments="on",
        expected_chapter_count="3",
        gift_recipients="A Friend",
    )
    work = Work.objects.get()
    assert work.series_works.get().series.title == "Saga"
    assert work.is_restricted and work.moderated_comments
    assert work.comment_permission == CommentPermission.REGISTERED
    assert work.chapter_count_display == "1/3"
    assert [g.recipient_name for g in work.gifts.all()] == ["A Friend"]


def test_series_part_number_too_large_is_a_form_error(client: Client, author: User) -> None:
    response = post_new(client, new_series_title="Saga", series_position=str(10**20))
    assert "series_position" in response.context["form"].errors
    assert not Work.objects.exists()


def test_series_part_number_up_to_9999_is_saved(client: Client, author: User) -> None:
    post_new(client, new_series_title="Saga", series_position="9999")
    assert Work.objects.get().series_works.get().position == 9999


def test_choosing_an_existing_and_a_new_series_is_a_form_error(
    client: Client, author: User
) -> None:
    posted_work(author, new_series_title="Mine")
    series = Series.objects.get()
    response = post_new(client, series=series.pk, new_series_title="Another")
    assert "new_series_title" in response.context["form"].errors


def test_someone_elses_series_is_not_offered(client: Client, author: User) -> None:
    posted_work(writer("other"), new_series_title="Not Yours")
    response = post_new(client, series=Series.objects.get().pk)
    assert "series" in response.context["form"].errors


def test_edit_form_is_filled_from_the_work(client: Client, author: User) -> None:
    work = posted_work(author, freeforms=["Fluff", "Angst"])
    form = client.get(reverse("works:edit", args=[work.pk])).context["form"]
    assert form.initial["freeforms"] == "Angst, Fluff"
    assert form.initial["text"] == "<p>One two three four.</p>"


def test_editing_a_work_saves_the_changes(client: Client, author: User) -> None:
    work = posted_work(author)
    client.post(reverse("works:edit", args=[work.pk]), work_form_data(title="Renamed"))
    work.refresh_from_db()
    assert work.title == "Renamed" and work.is_posted


@pytest.mark.parametrize("name", ["edit", "delete", "orphan", "add_chapter", "manage_chapters"])
def test_other_writers_get_404_on_a_works_posting_pages(client: Client, name: str) -> None:
    work = posted_work(writer("owner"))
    client.force_login(writer("intruder"))
    assert client.get(reverse(f"works:{name}", args=[work.pk])).status_code == 404


def test_unapproved_co_creator_cannot_edit(client: Client) -> None:
    friend = writer("friend")
    work = posted_work(writer(), co_creators=[friend.pseuds.get()])
    client.force_login(friend)
    assert client.get(reverse("works:edit", args=[work.pk])).status_code == 404


def test_other_writers_cannot_post_a_draft(client: Client) -> None:
    work = posted_work(writer("owner"), post=False)
    client.force_login(writer("intruder"))
    assert client.post(reverse("works:post", args=[work.pk])).status_code == 404
    work.refresh_from_db()
    assert not work.is_posted


def test_creator_actions_show_only_to_creators(client: Client, author: User) -> None:
    work = posted_work(author)
    edit_url = reverse("works:edit", args=[work.pk])
    assert edit_url in client.get(work.get_absolute_url()).content.decode()
    assert edit_url not in Client().get(work.get_absolute_url()).content.decode()


def test_delete_asks_first_then_deletes(client: Client, author: User) -> None:
    work = posted_work(author)
    url = reverse("works:delete", args=[work.pk])
    assert "Yes, delete it" in client.get(url).content.decode()
    assert Work.objects.filter(pk=work.pk).exists()
    client.post(url)
    assert not Work.objects.filter(pk=work.pk).exists()


def test_orphaning_takes_the_writers_name_off(client: Client, author: User) -> None:
    work = posted_work(author)
    client.post(reverse("works:orphan", args=[work.pk]))
    html = Client().get(work.get_absolute_url()).content.decode()
    assert "orphan_account" in html
    assert client.get(reverse("works:edit", args=[work.pk])).status_code == 404


def test_a_co_creator_removes_themselves_and_the_work_stays_with_the_others(
    client: Client, author: User
) -> None:
    work = posted_work(author)
    partner = PseudFactory(name="partner")
    work.creatorships.create(pseud=partner, position=1, is_approved=True)
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Remove me as co-creator" in page
    assert "Remove yourself" in client.get(reverse("works:leave", args=[work.pk])).content.decode()
    response = client.post(reverse("works:leave", args=[work.pk]))
    assert response.status_code == 302
    assert [c.pseud.name for c in work.creatorships.all()] == ["partner"]
    assert client.get(reverse("works:edit", args=[work.pk])).status_code == 404
    assert "orphan_account" not in Client().get(work.get_absolute_url()).content.decode()


def test_the_only_creator_cannot_remove_themselves(client: Client, author: User) -> None:
    work = posted_work(author)
    assert "Remove me as co-creator" not in client.get(work.get_absolute_url()).content.decode()
    response = client.post(reverse("works:leave", args=[work.pk]), follow=True)
    assert "orphan it or delete it instead" in response.content.decode()
    assert work.creatorships.filter(pseud__user=author).exists()


def test_adding_a_chapter_posts_it(client: Client, author: User) -> None:
    work = posted_work(author)
    client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {"title": "Two", "text": "<p>More.</p>", "text_format": "html", "action": "post"},
    )
    work.refresh_from_db()
    assert work.chapter_count_display == "2/?"
    assert work.chapters.get(position=2).title == "Two"


def test_chapter_saved_as_draft_is_hidden_from_readers(client: Client, author: User) -> None:
    work = posted_work(author)
    client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {"title": "Secret", "text": "<p>Later.</p>", "text_format": "html", "action": "draft"},
    )
    chapter = work.chapters.get(position=2)
    assert not chapter.is_posted
    assert Client().get(chapter.get_absolute_url()).status_code == 404


def test_chapter_without_text_is_a_form_error(client: Client, author: User) -> None:
    work = posted_work(author)
    response = client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {"title": "Empty", "text": "", "text_format": "html", "action": "post"},
    )
    assert "text" in response.context["form"].errors
    assert work.chapters.count() == 1


def test_editing_a_chapter_saves_its_text(client: Client, author: User) -> None:
    work = posted_work(author)
    chapter = work.chapters.get()
    client.post(
        reverse("works:edit_chapter", args=[work.pk, chapter.pk]),
        {"title": "Renamed", "text": "<p>Two words.</p>", "text_format": "html"},
    )
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.title == "Renamed" and work.word_count == 2


def test_posting_a_draft_chapter_from_manage_chapters(client: Client, author: User) -> None:
    work = posted_work(author)
    draft = actions.add_chapter(work, ChapterData(text="<p>x</p>"), post=False)
    client.post(reverse("works:post_chapter", args=[work.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.is_posted


def test_reordering_with_position_numbers(client: Client, author: User) -> None:
    work = posted_work(author)
    second = actions.add_chapter(work, ChapterData(title="B", text="<p>b</p>"), post=True)
    first = work.chapters.get(position=1)
    client.post(
        reverse("works:manage_chapters", args=[work.pk]),
        {f"position_{first.pk}": "2", f"position_{second.pk}": "1"},
    )
    assert list(work.chapters.values_list("title", flat=True)) == ["B", ""]


def test_duplicate_positions_are_a_form_error(client: Client, author: User) -> None:
    work = posted_work(author)
    second = actions.add_chapter(work, ChapterData(text="<p>b</p>"), post=True)
    first = work.chapters.get(position=1)
    response = client.post(
        reverse("works:manage_chapters", args=[work.pk]),
        {f"position_{first.pk}": "1", f"position_{second.pk}": "1"},
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_deleting_the_only_chapter_is_refused(client: Client, author: User) -> None:
    work = posted_work(author)
    chapter = work.chapters.get()
    client.post(reverse("works:delete_chapter", args=[work.pk, chapter.pk]))
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_deleting_a_chapter_after_confirming(client: Client, author: User) -> None:
    work = posted_work(author)
    second = actions.add_chapter(work, ChapterData(text="<p>b</p>"), post=True)
    url = reverse("works:delete_chapter", args=[work.pk, second.pk])
    assert "Yes, delete it" in client.get(url).content.decode()
    client.post(url)
    assert work.chapters.count() == 1


def test_dashboard_lists_works_drafts_with_deletion_dates_and_series(
    client: Client, author: User
) -> None:
    posted_work(author, title="Out There", new_series_title="My Saga")
    draft = posted_work(author, title="Not Yet", post=False)
    html = client.get(reverse("works:dashboard")).content.decode()
    assert "Out There" in html and "Not Yet" in html and "My Saga" in html
    assert f"{draft.draft_deleted_on:%-d %b %Y}" in html


def test_dashboard_series_link_to_their_series_pages(client: Client, author: User) -> None:
    work = posted_work(author, title="Out There", new_series_title="My Saga")
    series = work.series_works.get().series

    html = client.get(reverse("works:dashboard")).content.decode()

    assert f'<a class="dashboard-title" href="/series/{series.pk}/">My Saga</a>' in html
    assert client.get(f"/series/{series.pk}/").status_code == 200


def test_dashboard_leaves_out_other_writers_works(client: Client, author: User) -> None:
    posted_work(author, title="My Own Work")
    WorkFactory(title="Somebody Else's")
    html = page_text(client.get(reverse("works:dashboard")))
    assert "My Own Work" in html
    assert "Somebody Else" not in html


def test_tag_autocomplete_suggests_tags_of_the_type(client: Client, author: User) -> None:
    WorkFactory().tags.add(TagFactory(name="Harry Potter", type="fandom"))
    TagFactory(name="Harry Styles", type="character", is_canonical=True)
    response = client.get(reverse("works:tag_autocomplete"), {"type": "fandom", "term": "harr"})
    assert json.loads(response.content) == {"tags": ["Harry Potter"]}


def test_tag_autocomplete_keeps_draft_tags_private(client: Client, author: User) -> None:
    WorkFactory(draft=True).tags.add(TagFactory(name="Secret Fandom", type="fandom"))
    response = client.get(reverse("works:tag_autocomplete"), {"type": "fandom", "term": "Sec"})
    assert json.loads(response.content) == {"tags": []}


def test_the_dashboard_shows_the_latest_bookmarks_the_reader_may_still_see(
    client: Client, author: User
) -> None:
    from ficshelf.social.models import Bookmark

    kept = WorkFactory(title="Kept Bookmark")
    hidden = WorkFactory(title="Hidden Since", is_hidden_by_admin=True)
    for work in (kept, hidden):
        Bookmark.objects.create(user=author, work=work)
    html = client.get(reverse("works:dashboard")).content.decode()
    assert "Kept Bookmark" in html
    assert "Hidden Since" not in html
    assert reverse("social:my_bookmarks") in html


def test_previewing_an_edit_of_a_posted_work_saves_nothing(client: Client, author: User) -> None:
    from ficshelf.search.models import IndexQueueEntry

    work = posted_work(author, title="Before the Edit")
    IndexQueueEntry.objects.all().delete()
    response = client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(title="After the Edit", text="<p>New words.</p>", action="preview"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "After the Edit" in html and "New words." in html
    assert "Nothing is saved until you update the work." in html
    assert '<input type="hidden" name="title" value="After the Edit">' in html
    work.refresh_from_db()
    assert work.title == "Before the Edit"
    assert "New words." not in work.chapters.get().text
    assert not IndexQueueEntry.objects.exists()  # the reindex went with the rollback
    assert "Before the Edit" in Client().get(work.get_absolute_url()).content.decode()


def test_the_preview_updates_or_goes_back_to_the_form(client: Client, author: User) -> None:
    work = posted_work(author, title="Before the Edit")
    edited = work_form_data(title="After the Edit", text="<p>New words.</p>")
    back = client.post(reverse("works:edit", args=[work.pk]), {**edited, "action": "edit"})
    assert back.status_code == 200
    assert back.context["form"]["title"].value() == "After the Edit"
    work.refresh_from_db()
    assert work.title == "Before the Edit"
    client.post(reverse("works:edit", args=[work.pk]), {**edited, "action": "post"})
    work.refresh_from_db()
    assert work.title == "After the Edit"


def test_an_invited_co_creator_is_a_reader_until_they_accept(client: Client) -> None:
    friend = writer("friend")
    work = posted_work(writer(), co_creators=[friend.pseuds.get()])
    ChapterFactory(work=work, position=2, is_posted=False, title="Not Yet Posted")
    client.force_login(friend)
    page = client.get(work.get_absolute_url()).content.decode()
    assert "Edit work" not in page  # no creator bar
    assert "Not Yet Posted" not in page
    assert client.get(reverse("works:edit", args=[work.pk])).status_code == 404


@pytest.mark.parametrize("editing", [False, True])
def test_a_refusal_after_the_form_passed_shows_on_the_form_and_saves_nothing(
    client: Client, author: User, monkeypatch: pytest.MonkeyPatch, editing: bool
) -> None:
    """What the form checked can change before the save (a collection closes, a recipient
    refuses gifts): the action's refusal is shown on the form, not a server error."""
    work = None
    if editing:
        post_new(client, title="Before")
        work = Work.objects.get(title="Before")
    before = Work.objects.count()

    def refuse(*args: object, **kwargs: object) -> None:
        raise actions.PostingError("That collection closed a moment ago.")

    monkeypatch.setattr(actions, "update_work" if editing else "create_work", refuse)
    url = reverse("works:edit", args=[work.pk]) if work else reverse("works:new")
    response = client.post(url, work_form_data(title="After", action="post"))
    assert response.status_code == 200
    assert "That collection closed a moment ago." in response.content.decode()
    assert Work.objects.count() == before
    assert not Work.objects.filter(title="After").exists()
