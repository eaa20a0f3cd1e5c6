"""Subscriptions, the inbox, and the digest mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social.actions import (
    notify_subscribers_of_new_chapter,
    notify_subscribers_of_new_work,
)
from ficshelf.social.models import InboxItem, InboxKind, Subscription
from ficshelf.works.models import Chapter, Series, SeriesWork, Work
from tests.factories import ChapterFactory, UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import (
    InboxItemFactory,
    SubscriptionFactory,
    block,
    creator_of,
    mute,
    work_by,
)

pytestmark = pytest.mark.django_db


def signed_in(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())
    return client


def new_chapter(work: Work) -> Chapter:
    return ChapterFactory(work=work, position=work.chapters.count() + 1, title="Onward")


def test_reader_subscribes_to_a_work() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(reverse("social:subscribe_work", args=[work.pk]))
    assert Subscription.objects.filter(user=reader, work=work).exists()


def test_reader_unsubscribes_from_a_work() -> None:
    reader = UserFactory()
    subscription = SubscriptionFactory(user=reader)
    signed_in(reader).post(
        reverse("social:subscribe_work", args=[subscription.work_id]), {"subscribe": "0"}
    )
    assert not Subscription.objects.exists()


def test_subscribing_to_a_restricted_work_as_guest_sends_to_login() -> None:
    work = WorkFactory(restricted=True)
    response = Client().post(reverse("social:subscribe_work", args=[work.pk]))
    assert response.status_code == 302
    assert not Subscription.objects.exists()


def test_reader_subscribes_to_a_creator() -> None:
    reader, writer = UserFactory(), UserFactory(username="writer")
    signed_in(reader).post(reverse("social:subscribe_creator", args=["writer"]))
    assert Subscription.objects.filter(user=reader, creator=writer).exists()


def test_new_chapter_notifies_work_subscribers_in_their_inbox() -> None:
    work = WorkFactory()
    subscription = SubscriptionFactory(work=work)
    assert notify_subscribers_of_new_chapter(new_chapter(work)) == 1
    item = InboxItem.objects.get(recipient=subscription.user)
    assert item.kind == InboxKind.SUBSCRIPTION
    assert item.text == f"{work.title} has a new chapter: Chapter 2: Onward"
    assert item.awaits_digest


def test_new_chapter_notifies_series_and_creator_subscribers_once_each() -> None:
    work = WorkFactory()
    series = Series.objects.create(title="Saga")
    SeriesWork.objects.create(series=series, work=work)
    reader = UserFactory()
    Subscription.objects.create(user=reader, series=series)
    Subscription.objects.create(user=reader, work=work)
    fan = UserFactory()
    Subscription.objects.create(user=fan, creator=creator_of(work))
    notify_subscribers_of_new_chapter(new_chapter(work))
    assert InboxItem.objects.filter(recipient=reader).count() == 1
    assert InboxItem.objects.filter(recipient=fan).count() == 1


def test_new_chapter_is_not_announced_to_a_subscriber_who_cannot_see_the_work() -> None:
    work = WorkFactory()
    reader = UserFactory()
    SubscriptionFactory(user=reader, work=work)
    work.is_hidden_by_admin = True
    work.save()
    assert notify_subscribers_of_new_chapter(new_chapter(work)) == 0
    assert not InboxItem.objects.exists()


def test_new_chapter_is_not_announced_to_a_subscriber_who_muted_the_creator() -> None:
    work = WorkFactory()
    reader = UserFactory()
    Subscription.objects.create(user=reader, creator=creator_of(work))
    mute(reader, creator_of(work))
    assert notify_subscribers_of_new_chapter(new_chapter(work)) == 0


def test_unposted_chapter_is_not_announced() -> None:
    work = WorkFactory()
    SubscriptionFactory(work=work)
    chapter = new_chapter(work)
    chapter.is_posted = False
    chapter.save()
    assert notify_subscribers_of_new_chapter(chapter) == 0


def test_inbox_lists_the_readers_notifications_only() -> None:
    reader = UserFactory()
    InboxItemFactory(recipient=reader, text="For you")
    InboxItemFactory(text="For someone else")
    html = page_text(signed_in(reader).get(reverse("social:inbox")))
    assert "For you" in html
    assert "For someone else" not in html


def test_reader_marks_selected_inbox_items_read() -> None:
    reader = UserFactory()
    first, second = InboxItemFactory.create_batch(2, recipient=reader)
    signed_in(reader).post(reverse("social:mark_inbox_read"), {"item": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_read
    assert not second.is_read


def test_reader_marks_all_inbox_items_read() -> None:
    reader = UserFactory()
    InboxItemFactory.create_batch(3, recipient=reader)
    other = InboxItemFactory()
    signed_in(reader).post(reverse("social:mark_inbox_read"), {"all": "1"})
    assert not InboxItem.objects.filter(recipient=reader, is_read=False).exists()
    other.refresh_from_db()
    assert not other.is_read


def test_guest_is_sent_to_log_in_for_the_inbox() -> None:
    response = Client().get(reverse("social:inbox"))
    assert response.status_code == 302


def test_digest_sends_one_mail_per_recipient_with_every_notice() -> None:
    ann, bo = UserFactory(), UserFactory()
    InboxItemFactory(recipient=ann, text="One", awaits_digest=True)
    InboxItemFactory(recipient=ann, text="Two", awaits_digest=True)
    InboxItemFactory(recipient=bo, text="Three", awaits_digest=True)
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bo.email])
    ann_mail = next(m for m in mail.outbox if m.to == [ann.email])
    assert "One" in ann_mail.body
    assert "Two" in ann_mail.body
    assert "2 new notifications" in ann_mail.subject


def test_digest_does_not_send_the_same_notice_twice() -> None:
    InboxItemFactory(awaits_digest=True)
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_kudos_sends_no_mail_until_the_digest() -> None:
    work = WorkFactory()
    signed_in().post(reverse("social:kudos", args=[work.pk]))
    assert mail.outbox == []
    call_command("send_notification_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mail.outbox] == [[creator_of(work).email]]


def test_new_work_notifies_subscribers_of_its_creator() -> None:
    writer = UserFactory()
    fan = UserFactory()
    Subscription.objects.create(user=fan, creator=writer)
    work = work_by(writer, title="Brand New")
    assert notify_subscribers_of_new_work(work) == 1
    assert InboxItem.objects.get(recipient=fan).text == "New work: Brand New"


def test_profile_subscribe_button_renders_for_other_members() -> None:
    writer, reader = UserFactory(username="writer"), UserFactory()
    request = RequestFactory().get("/users/writer/")
    request.user = reader
    html = Template("{% load social %}{% subscribe_to_creator_button writer %}").render(
        Context({"request": request, "writer": writer})
    )
    assert reverse("social:subscribe_creator", args=["writer"]) in html
    assert ">Subscribe</button>" in html


def test_reader_cannot_subscribe_to_a_creator_who_blocked_them() -> None:
    reader, writer = UserFactory(), UserFactory(username="writer")
    block(writer, reader)
    signed_in(reader).post(reverse("social:subscribe_creator", args=["writer"]))
    assert not Subscription.objects.exists()


def test_unread_inbox_count_tag_counts_the_readers_unread_items() -> None:
    reader = UserFactory()
    InboxItemFactory.create_batch(2, recipient=reader)
    InboxItemFactory(recipient=reader, is_read=True)
    request = RequestFactory().get("/")
    request.user = reader
    html = Template("{% load social %}{% unread_inbox_count %}").render(
        Context({"request": request})
    )
    assert html == "2"


def test_inbox_ids_that_cannot_exist_are_ignored_when_marking_read() -> None:
    reader = UserFactory()
    item = InboxItemFactory(recipient=reader)
    response = signed_in(reader).post(
        reverse("social:mark_inbox_read"), {"item": ["²", "9" * 25, "0", "x", str(item.pk)]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_read


def test_my_subscriptions_lists_works_series_and_creators() -> None:
    reader = UserFactory()
    SubscriptionFactory(user=reader, work=WorkFactory(title="Followed Work"))
    Subscription.objects.create(user=reader, series=Series.objects.create(title="Followed Saga"))
    Subscription.objects.create(user=reader, creator=UserFactory(username="followedwriter"))
    SubscriptionFactory(work=WorkFactory(title="Someone Else's Pick"))
    html = page_text(signed_in(reader).get(reverse("social:my_subscriptions")))
    assert "Followed Work" in html
    assert "Followed Saga" in html
    assert "followedwriter" in html
    assert "Someone Else's Pick" not in html


def test_my_subscriptions_leaves_out_works_no_longer_visible() -> None:
    reader = UserFactory()
    SubscriptionFactory(user=reader, work=WorkFactory(title="Still Public"))
    SubscriptionFactory(user=reader, work=WorkFactory(title="Taken Down", hidden=True))
    html = page_text(signed_in(reader).get(reverse("social:my_subscriptions")))
    assert "Still Public" in html
    assert "Taken Down" not in html


def test_a_members_profile_offers_a_signed_in_reader_to_subscribe_then_unsubscribe() -> None:
    writer = UserFactory(username="lighthousewriter")
    reader = UserFactory()
    client = Client()
    client.force_login(reader)

    page = client.get("/users/lighthousewriter/").content.decode()
    assert 'action="/users/lighthousewriter/subscribe/"' in page
    assert '<input type="hidden" name="subscribe" value="1">' in page
    assert ">Subscribe</button>" in page

    client.post("/users/lighthousewriter/subscribe/", {"subscribe": "1"})
    assert Subscription.objects.filter(user=reader, creator=writer).exists()
    page = client.get("/users/lighthousewriter/").content.decode()
    assert ">Unsubscribe</button>" in page


def test_no_subscribe_button_for_guests_or_on_ones_own_profile() -> None:
    writer = UserFactory(username="lighthousewriter")
    client = Client()
    assert "/subscribe/" not in client.get("/users/lighthousewriter/").content.decode()
    client.force_login(writer)
    assert "/subscribe/" not in client.get("/users/lighthousewriter/").content.decode()


@pytest.mark.parametrize("is_staff", [False, True], ids=["member", "admin"])
def test_inbox_pages_and_counts_keep_to_the_works_the_reader_may_see(is_staff: bool) -> None:
    """The inbox reads prepared SQL (``social.access.inbox_pages``): its pages, its unread
    filter and its count are what ``about_works_visible_to`` gives."""
    reader = UserFactory(is_staff=is_staff)
    muted_creator = UserFactory()
    mute(reader, muted_creator)
    for n in range(22):
        InboxItemFactory(recipient=reader, text=f"Notice {n:02}", is_read=n % 2 == 0)
    InboxItemFactory(recipient=reader, text="About A Hidden Work", work=WorkFactory(hidden=True))
    InboxItemFactory(recipient=reader, text="About A Muted Work", work=work_by(muted_creator))
    InboxItemFactory(text="For someone else")
    client = signed_in(reader)
    everything = page_text(client.get(reverse("social:inbox")))
    everything += page_text(client.get(reverse("social:inbox"), {"page": 2}))
    for n in range(22):
        assert f"Notice {n:02}" in everything
    assert "About A Muted Work" not in everything and "For someone else" not in everything
    # An admin sees works hidden by an admin; a member's notice of one drops out.
    assert ("About A Hidden Work" in everything) is is_staff
    unread = 12 if is_staff else 11
    assert f"{unread} unread" in everything
    only_unread = page_text(client.get(reverse("social:inbox"), {"filter": "unread"}))
    assert f"{unread} unread" in only_unread
    shown = {f"Notice {n:02}" for n in range(22) if f"Notice {n:02}" in only_unread}
    assert shown == {f"Notice {n:02}" for n in range(1, 22, 2)}
