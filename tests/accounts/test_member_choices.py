"""Members' choices (``accounts.Preference``) where each takes effect: mail, history, time
zone, gifts, co-creator invitations, guest comments, search engines, bookmark privacy."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Preference, User
from ficshelf.challenges.models import Assignment
from ficshelf.social import actions as social_actions
from ficshelf.social.models import Bookmark, Comment, InboxItem, InboxKind, Reading
from ficshelf.social.notifications import send_notification_digests
from ficshelf.works.models import CommentPermission, Creatorship, Gift, Work
from tests.challenges.test_exchange import exchange_with, sign_up
from tests.factories import WorkFactory
from tests.search.listing_helpers import index_now
from tests.works.factories_posting import posted_work, work_form_data, writer

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def choose(user: User, **choices: Any) -> Preference:
    preference, _ = Preference.objects.get_or_create(user=user)
    for name, value in choices.items():
        setattr(preference, name, value)
    preference.save()
    return preference


def comment_on(work: Work, by: User, capture: Any) -> Comment:
    with capture(execute=True):
        return social_actions.post_comment(work.chapters.get(), actor=by, text="<p>Lovely.</p>")


# ---- Mail ----


def test_a_member_who_turned_comment_mails_off_keeps_the_notice_but_gets_no_mail(
    django_capture_on_commit_callbacks: Any,
) -> None:
    author = writer("author")
    choose(author, mail_comments=False)
    work = posted_work(author)
    comment_on(work, writer("reader"), django_capture_on_commit_callbacks)
    assert InboxItem.objects.filter(recipient=author, kind=InboxKind.COMMENT).count() == 1
    assert mail.outbox == []


def test_comment_mails_arrive_by_default(django_capture_on_commit_callbacks: Any) -> None:
    author = writer("author")
    work = posted_work(author)
    comment_on(work, writer("reader"), django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_kudos_mail_off_leaves_kudos_out_of_the_digest() -> None:
    author = writer("author")
    choose(author, mail_kudos=False)
    work = posted_work(author)
    social_actions.leave_kudos(work, actor=writer("fan"))
    assert send_notification_digests() == 0
    assert InboxItem.objects.get(recipient=author).kind == InboxKind.KUDOS
    assert not InboxItem.objects.filter(awaits_digest=True).exists()


def test_a_daily_digest_gathers_comments_and_goes_once_a_day(
    django_capture_on_commit_callbacks: Any,
) -> None:
    author = writer("author")
    choose(author, daily_digest=True)
    work = posted_work(author)
    comment_on(work, writer("reader"), django_capture_on_commit_callbacks)
    social_actions.leave_kudos(work, actor=writer("fan"))
    assert mail.outbox == []  # no mail per comment

    assert send_notification_digests() == 1
    assert len(mail.outbox) == 1
    assert "2 new notifications" in mail.outbox[0].subject
    assert "left a comment" in mail.outbox[0].body and "left kudos" in mail.outbox[0].body

    # Later the same day: the new notice waits for tomorrow's mail.
    social_actions.leave_kudos(work, actor=writer("another"))
    assert send_notification_digests() == 0
    Preference.objects.filter(user=author).update(
        last_digest_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert send_notification_digests() == 1
    assert len(mail.outbox) == 2


# ---- History ----


def test_history_off_keeps_no_reading_and_clear_history_forgets(client: Client) -> None:
    reader = writer("reader")
    work, other, later = WorkFactory(), WorkFactory(), WorkFactory()
    browser = signed_in(reader)
    browser.get(work.get_absolute_url())
    social_actions.set_marked_for_later(later, actor=reader, is_marked=True)
    assert Reading.objects.filter(user=reader).count() == 2

    choose(reader, keep_history=False)
    browser.get(other.get_absolute_url())
    assert not Reading.objects.filter(user=reader, work=other).exists()
    page = browser.get(reverse("social:history")).content.decode()
    assert "Your history is turned off" in page and "Clear History" in page

    response = browser.post(reverse("social:clear_history"))
    assert response.status_code == 302
    # The reading is forgotten; the work marked for later stays marked.
    assert list(Reading.objects.filter(user=reader).values_list("work_id", flat=True)) == [later.pk]


# ---- Time zone ----


def test_dates_are_shown_in_the_members_time_zone_and_guests_keep_the_archives() -> None:
    author = writer("author")
    work = posted_work(author)
    comment = Comment.objects.create(
        work=work, chapter=work.chapters.get(), user=writer("reader"), text="<p>Hi.</p>"
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )
    member = writer("tokyo")
    choose(member, time_zone="Asia/Tokyo")
    index_now()
    seen = signed_in(member).get(work.get_absolute_url()).content.decode()
    assert "02 Mar 2026, 08:30" in seen  # UTC+9
    guest_page = Client().get(work.get_absolute_url()).content.decode()
    assert "01 Mar 2026, 23:30" in guest_page
    # The guest's page was kept: a second guest gets the archive's time too.
    assert "01 Mar 2026, 23:30" in Client().get(work.get_absolute_url()).content.decode()


def test_an_unknown_time_zone_is_a_form_error_and_nothing_is_saved() -> None:
    member = writer("member")
    response = signed_in(member).post(
        reverse("accounts:preferences"),
        {"font_size": "100", "theme": "light", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert not Preference.objects.filter(user=member).exists()


def test_the_preferences_form_saves_every_choice() -> None:
    member = writer("member")
    response = signed_in(member).post(
        reverse("accounts:preferences"),
        {
            "font_size": "100",
            "theme": "light",
            "time_zone": "Europe/Helsinki",
            "mail_kudos": "on",
            "daily_digest": "on",
            "refuse_gifts": "on",
            "hide_from_search_engines": "on",
        },
    )
    assert response.status_code == 302
    saved = Preference.objects.get(user=member)
    assert saved.time_zone == "Europe/Helsinki"
    assert (saved.mail_comments, saved.mail_kudos, saved.daily_digest) == (False, True, True)
    assert (saved.refuse_gifts, saved.hide_from_search_engines, saved.keep_history) == (
        True,
        True,
        False,
    )


# ---- Gifts and co-creators ----


def test_a_gift_to_a_member_who_refuses_gifts_is_refused_with_a_message() -> None:
    author = writer("author")
    choose(writer("shy"), refuse_gifts=True)
    response = signed_in(author).post(reverse("works:new"), work_form_data(gift_recipients="shy"))
    assert response.status_code == 200
    assert "shy does not accept gifts" in str(response.context["form"].errors["gift_recipients"])
    assert not Work.objects.exists() and not Gift.objects.exists()


def test_gifts_given_before_the_refusal_stay() -> None:
    author, shy = writer("author"), writer("shy")
    work = posted_work(author, gift_recipients=["shy"])
    choose(shy, refuse_gifts=True)
    response = signed_in(author).post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(title="Edited", gift_recipients="shy"),
    )
    assert response.status_code == 302
    assert list(Gift.objects.filter(work=work).values_list("recipient_name", flat=True)) == ["shy"]


def test_a_gift_for_an_exchange_assignment_gets_through_a_refusal() -> None:
    _host, exchange = exchange_with()
    giver = sign_up(exchange, "giver", ["Moomins"], ["Discworld"])
    getter = sign_up(exchange, "getter", ["Discworld"], ["Moomins"])
    Assignment.objects.create(
        exchange=exchange, recipient=getter, giver=giver, sent_at=timezone.now()
    )
    choose(getter.user, refuse_gifts=True)
    response = signed_in(giver.user).post(
        reverse("works:new"), work_form_data(gift_recipients="getter")
    )
    assert response.status_code == 302
    assert Gift.objects.get().recipient.user == getter.user


def test_an_invitation_to_a_member_who_refuses_them_is_refused() -> None:
    author = writer("author")
    choose(writer("loner"), refuse_co_creator_invitations=True)
    response = signed_in(author).post(reverse("works:new"), work_form_data(co_creators="loner"))
    assert response.status_code == 200
    assert "loner does not accept co-creator invitations" in str(
        response.context["form"].errors["co_creators"]
    )
    assert not Work.objects.exists() and not Creatorship.objects.exists()


# ---- Guest comments ----


def test_new_works_start_with_the_members_guest_comment_default() -> None:
    author = writer("author")
    choose(author, guest_comments_on_new_works=False)
    form = signed_in(author).get(reverse("works:new")).context["form"]
    assert form["comment_permission"].initial == CommentPermission.REGISTERED


def test_one_switch_sets_guest_comments_on_all_my_works() -> None:
    author = writer("author")
    open_work = posted_work(author)
    closed = posted_work(author, title="Closed")
    Work.objects.filter(pk=closed.pk).update(comment_permission=CommentPermission.NOBODY)
    someone_elses = posted_work(writer("other"))
    browser = signed_in(author)
    browser.post(reverse("works:guest_comments_on_my_works"), {"allow": "0"})
    permissions = dict(Work.objects.values_list("pk", "comment_permission"))
    assert permissions == {
        open_work.pk: CommentPermission.REGISTERED,
        closed.pk: CommentPermission.NOBODY,  # nobody may comment: unchanged
        someone_elses.pk: CommentPermission.EVERYONE,
    }
    browser.post(reverse("works:guest_comments_on_my_works"), {"allow": "1"})
    assert Work.objects.get(pk=open_work.pk).comment_permission == CommentPermission.EVERYONE


# ---- Search engines ----

NOINDEX = '<meta name="robots" content="noindex">'


def test_noindex_on_work_and_creator_pages_moves_kept_guest_pages() -> None:
    author = writer("author")
    work = posted_work(author)
    index_now()
    guest = Client()
    assert NOINDEX not in guest.get(work.get_absolute_url()).content.decode()  # now kept
    signed_in(author).post(
        reverse("accounts:preferences"),
        {"font_size": "100", "theme": "light", "hide_from_search_engines": "on"},
    )
    # The kept copy was for the old choice: its key moved with the change.
    assert NOINDEX in guest.get(work.get_absolute_url()).content.decode()
    assert NOINDEX in guest.get(reverse("users:profile", args=["author"])).content.decode()
    assert NOINDEX in guest.get("/users/author/works/").content.decode()
    other = posted_work(writer("other"))
    assert NOINDEX not in guest.get(other.get_absolute_url()).content.decode()


# ---- Bookmarks ----


def test_new_bookmarks_start_private_when_the_member_chose_so() -> None:
    reader = writer("reader")
    work = WorkFactory()
    browser = signed_in(reader)
    form = browser.get(reverse("social:bookmark_work", args=[work.pk])).context["form"]
    assert form["is_private"].initial is False
    choose(reader, private_bookmarks_by_default=True)
    form = browser.get(reverse("social:bookmark_work", args=[work.pk])).context["form"]
    assert form["is_private"].initial is True
    assert not Bookmark.objects.exists()
