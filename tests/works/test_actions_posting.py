"""Posting actions: works, chapters, stats, co-creators, orphaning and the draft purge."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ficshelf.accounts.models import Pseud
from ficshelf.tags.models import Tag, TagType
from ficshelf.works import actions
from ficshelf.works.actions import ChapterData, PostingError
from ficshelf.works.models import Creatorship, Series, Work
from ficshelf.works.tasks import purge_old_drafts as purge_task
from tests.works.factories_posting import posted_work, work_data, writer

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


def chapter(text: str = "<p>More words here.</p>", **kwargs: str) -> ChapterData:
    return ChapterData(text=text, **kwargs)


def test_posting_a_work_credits_the_writers_default_pseud() -> None:
    user = writer()
    work = posted_work(user)
    assert [c.pseud.name for c in work.creatorships.all()] == ["writer"]
    assert work.creatorships.get().is_approved


def test_posted_work_is_dated_today_and_counts_its_words() -> None:
    work = actions.create_work(work_data(), actor=writer(), post=True, today=TODAY)
    assert (work.is_posted, work.published_on, work.updated_on) == (True, TODAY, TODAY)
    assert work.word_count == 4
    assert work.chapters.get().published_on == TODAY


def test_draft_has_no_dates_until_posted() -> None:
    work = posted_work(writer(), post=False)
    assert not work.is_posted
    assert work.published_on is None and work.updated_on is None


def test_posting_a_draft_dates_it() -> None:
    user = writer()
    work = posted_work(user, post=False)
    work = actions.post_work(work, today=TODAY)
    assert work.is_posted and work.published_on == TODAY and work.updated_on == TODAY


def test_backdated_work_keeps_its_past_date_when_posted() -> None:
    past = datetime.date(2019, 7, 1)
    work = actions.create_work(work_data(published_on=past), actor=writer(), post=True, today=TODAY)
    assert work.published_on == past and work.updated_on == past
    assert work.chapters.get().published_on == past


def test_html_fields_are_sanitized() -> None:
    work = posted_work(
        writer(),
        summary="<p onclick='x()'>Hi<script>alert(1)</script></p>",
        chapter=chapter("<p>Text</p><iframe src='https://evil.example'></iframe>"),
    )
    assert work.summary == "<p>Hi</p>"
    assert work.chapters.get().text == "<p>Text</p>"


def test_tags_are_made_with_their_types_and_fixed_tags_reused() -> None:
    work = posted_work(
        writer(),
        fandoms=["New Fandom"],
        relationships=["A/B"],
        characters=["A", "B"],
        freeforms=["Fluff"],
        categories=["M/M"],
    )
    types = {t.name: t.type for t in work.tags.all()}
    assert types["New Fandom"] == TagType.FANDOM
    assert types["A/B"] == TagType.RELATIONSHIP
    assert types["Fluff"] == TagType.FREEFORM
    assert types["General Audiences"] == TagType.RATING
    assert Tag.objects.filter(name="M/M").count() == 1


def test_new_series_gets_the_work_as_part_one_and_the_next_work_as_part_two() -> None:
    user = writer()
    first = posted_work(user, new_series_title="My Series")
    series = Series.objects.get(title="My Series")
    second = posted_work(user, series=series)
    assert first.series_works.get().position == 1
    assert second.series_works.get().position == 2


def test_given_part_number_is_kept() -> None:
    work = posted_work(writer(), new_series_title="S", series_position=4)
    assert work.series_works.get().position == 4


def test_co_creator_is_invited_and_not_credited_until_accepting() -> None:
    user, friend = writer(), writer("friend")
    work = posted_work(user, co_creators=[friend.pseuds.get()])
    invitation = work.creatorships.get(pseud__user=friend)
    assert not invitation.is_approved
    actions.accept_creatorship(invitation, actor=friend)
    invitation.refresh_from_db()
    assert invitation.is_approved


def test_declining_an_invitation_removes_it() -> None:
    user, friend = writer(), writer("friend")
    work = posted_work(user, co_creators=[friend.pseuds.get()])
    actions.decline_creatorship(work.creatorships.get(pseud__user=friend), actor=friend)
    assert not work.creatorships.filter(pseud__user=friend).exists()


def test_nobody_else_can_accept_an_invitation() -> None:
    user, friend = writer(), writer("friend")
    work = posted_work(user, co_creators=[friend.pseuds.get()])
    with pytest.raises(PostingError):
        actions.accept_creatorship(work.creatorships.get(pseud__user=friend), actor=user)


def test_gift_to_a_known_name_links_the_recipients_pseud() -> None:
    recipient = writer("lucky")
    work = posted_work(writer(), gift_recipients=["lucky", "Someone Elsewhere"])
    gifts = {g.recipient_name: g.recipient for g in work.gifts.all()}
    assert gifts["lucky"] == recipient.pseuds.get()
    assert gifts["Someone Elsewhere"] is None


def test_adding_a_chapter_updates_word_count_date_and_chapter_count() -> None:
    user = writer()
    work = actions.create_work(work_data(), actor=user, post=True, today=TODAY)
    later = TODAY + datetime.timedelta(days=3)
    actions.add_chapter(work, chapter("<p>Three more words.</p>"), post=True, today=later)
    work.refresh_from_db()
    assert work.word_count == 7
    assert work.updated_on == later
    assert work.chapter_count_display == "2/?"


def test_draft_chapter_does_not_count_until_posted() -> None:
    user = writer()
    work = posted_work(user)
    draft = actions.add_chapter(work, chapter(), post=False)
    work.refresh_from_db()
    assert (work.word_count, work.chapter_count_display) == (4, "1/?")
    actions.post_chapter(draft)
    work.refresh_from_db()
    assert (work.word_count, work.chapter_count_display) == (7, "2/?")


def test_work_is_complete_when_the_expected_chapters_are_posted() -> None:
    user = writer()
    work = actions.create_work(
        work_data(expected_chapter_count=2), actor=user, post=True, today=TODAY
    )
    assert not work.is_complete
    later = TODAY + datetime.timedelta(days=1)
    actions.add_chapter(work, chapter(), post=True, today=later)
    work.refresh_from_db()
    assert work.is_complete and work.completed_on == later


def test_ticking_complete_fixes_the_expected_count() -> None:
    work = posted_work(writer(), is_complete=True)
    assert work.expected_chapter_count == 1 and work.is_complete


def test_posting_past_the_expected_count_raises_it() -> None:
    user = writer()
    work = posted_work(user, expected_chapter_count=1)
    actions.add_chapter(work, chapter(), post=True)
    work.refresh_from_db()
    assert work.chapter_count_display == "2/2"


def test_reordering_chapters_renumbers_them() -> None:
    user = writer()
    work = posted_work(user)
    second = actions.add_chapter(work, chapter(title="Second"), post=True)
    first = work.chapters.get(position=1)
    actions.reorder_chapters(work, [second.pk, first.pk])
    assert list(work.chapters.values_list("title", "position")) == [("Second", 1), ("", 2)]


def test_reordering_must_list_every_chapter_once() -> None:
    user = writer()
    work = posted_work(user)
    actions.add_chapter(work, chapter(), post=True)
    with pytest.raises(PostingError):
        actions.reorder_chapters(work, [work.chapters.first().pk])


def test_deleting_a_chapter_renumbers_the_rest_and_recounts() -> None:
    user = writer()
    work = posted_work(user)
    actions.add_chapter(work, chapter(title="Two"), post=True)
    actions.delete_chapter(work.chapters.get(position=1))
    work.refresh_from_db()
    assert list(work.chapters.values_list("title", "position")) == [("Two", 1)]
    assert work.word_count == 3


def test_the_last_chapter_cannot_be_deleted() -> None:
    user = writer()
    work = posted_work(user)
    with pytest.raises(PostingError):
        actions.delete_chapter(work.chapters.get())
    assert work.chapters.count() == 1


def test_editing_a_work_replaces_its_tags_and_first_chapter() -> None:
    user = writer()
    work = posted_work(user, freeforms=["Old"])
    actions.update_work(
        work,
        work_data(title="New Title", freeforms=["New"], chapter=chapter("<p>Just two.</p>")),
        actor=user,
        post=True,
    )
    work.refresh_from_db()
    assert work.title == "New Title"
    assert not work.tags.filter(name="Old").exists() and work.tags.filter(name="New").exists()
    assert work.word_count == 2


def test_deleting_a_work_removes_its_now_empty_series() -> None:
    user = writer()
    work = posted_work(user, new_series_title="Lonely")
    actions.delete_work(work)
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not Series.objects.filter(title="Lonely").exists()


def test_orphaning_credits_the_shared_orphan_pseud() -> None:
    user = writer()
    work = posted_work(user)
    actions.orphan_work(work, actor=user)
    assert [c.pseud.name for c in work.creatorships.all()] == ["orphan_account"]
    # The same pseud account deletion uses: a real but inactive user, so the name is taken.
    orphan = Pseud.objects.get(name="orphan_account")
    assert orphan.user is not None and not orphan.user.is_active


def test_orphaning_keeps_the_other_co_creators() -> None:
    user, friend = writer(), writer("friend")
    work = posted_work(user, co_creators=[friend.pseuds.get()])
    Creatorship.objects.filter(pseud__user=friend).update(is_approved=True)
    actions.orphan_work(work, actor=user)
    names = sorted(c.pseud.name for c in work.creatorships.all())
    assert names == ["friend", "orphan_account"]


def test_purge_deletes_drafts_older_than_a_month_a_week_after_telling_their_creators() -> None:
    user = writer()
    old = posted_work(user, post=False)
    fresh = posted_work(user, post=False)
    now = timezone.now()
    Work.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=31))
    assert actions.purge_old_drafts(now=now) == 0  # told now (works.drafts), not yet gone
    assert Work.objects.get(pk=old.pk).purge_warned_at == now
    assert actions.purge_old_drafts(now=now + datetime.timedelta(days=7)) == 1
    assert list(Work.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_purge_never_deletes_posted_works() -> None:
    work = posted_work(writer())
    later = timezone.now() + datetime.timedelta(days=400)
    assert actions.purge_old_drafts(now=later) == 0
    assert actions.purge_old_drafts(now=later + datetime.timedelta(days=8)) == 0
    assert Work.objects.filter(pk=work.pk).exists()


def test_purge_command_uses_the_current_time(monkeypatch: pytest.MonkeyPatch) -> None:
    draft = posted_work(writer(), post=False)
    warned_day = timezone.now() + datetime.timedelta(days=24)
    monkeypatch.setattr(timezone, "now", lambda: warned_day)
    call_command("purge_old_drafts", stdout=io.StringIO())
    assert Work.objects.get(pk=draft.pk).purge_warned_at == warned_day
    far_future = timezone.now() + datetime.timedelta(days=31)
    monkeypatch.setattr(timezone, "now", lambda: far_future)
    out = io.StringIO()
    call_command("purge_old_drafts", stdout=out)
    assert out.getvalue() == "Deleted 1 old draft.\n"
    assert not Work.objects.filter(pk=draft.pk).exists()


def test_draft_shows_its_deletion_date_a_month_after_it_began() -> None:
    draft = posted_work(writer(), post=False)
    assert draft.draft_deleted_on == (draft.created_at + datetime.timedelta(days=30)).date()


def test_purge_task_deletes_old_drafts(monkeypatch: pytest.MonkeyPatch) -> None:
    draft = posted_work(writer(), post=False)
    warned_day = timezone.now() + datetime.timedelta(days=23, hours=1)
    monkeypatch.setattr(timezone, "now", lambda: warned_day)
    assert purge_task.enqueue().return_value == 0
    far_future = timezone.now() + datetime.timedelta(days=31)
    monkeypatch.setattr(timezone, "now", lambda: far_future)
    result = purge_task.enqueue()
    assert result.return_value == 1
    assert not Work.objects.filter(pk=draft.pk).exists()


def test_posting_a_new_chapter_reaches_the_works_subscribers() -> None:
    from ficshelf.social.models import InboxItem, Subscription

    user = writer()
    work = posted_work(user)
    reader = writer("subscriber")
    Subscription.objects.create(user=reader, work=work)
    actions.add_chapter(
        work, actions.ChapterData(title="Later", text="<p>More words.</p>"), post=True
    )
    assert InboxItem.objects.filter(recipient=reader, text__contains="new chapter").exists()


def test_a_draft_chapter_tells_nobody() -> None:
    from ficshelf.social.models import InboxItem, Subscription

    user = writer()
    work = posted_work(user)
    Subscription.objects.create(user=writer("subscriber"), work=work)
    actions.add_chapter(
        work, actions.ChapterData(title="Later", text="<p>More words.</p>"), post=False
    )
    assert not InboxItem.objects.exists()
