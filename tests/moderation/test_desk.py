"""The moderators' desk: reports of every kind from their "Report" links, the contact
form, the queue's filters, replies mailed to the reporter, and the audit log's filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from ficshelf.accounts import moderation as account_moderation
from ficshelf.core.audit import record
from ficshelf.core.models import AuditEntry
from ficshelf.moderation.models import Report, ReportKind, ReportReply, ReportStatus
from ficshelf.social.models import Bookmark
from ficshelf.tags.models import Tag, TagType
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import guarded

pytestmark = pytest.mark.django_db

# As a person sends the form: past the spam guard (a stamp from a minute before).
DETAILS = guarded({"reason": "harassment", "details": "It names and mocks another member."})


@pytest.fixture
def boss() -> Client:
    browser = Client()
    browser.force_login(UserFactory(username="boss", is_superuser=True, email="b@e.org"))
    return browser


def public_bookmark() -> Bookmark:
    return Bookmark.objects.create(
        user=UserFactory(username="marker"), work=WorkFactory(), notes="<p>Rude notes</p>"
    )


def test_each_kind_is_reported_from_its_page_link(client: Client) -> None:
    work = WorkFactory(title="Reported", chapters=2)
    chapter = work.chapters.order_by("position").last()
    assert chapter is not None
    bookmark = public_bookmark()
    member = UserFactory(username="loud")
    PseudFactory(user=member)
    pages_and_links = {
        ReportKind.CHAPTER: (chapter.get_absolute_url(), f"/report/chapter/{chapter.pk}/"),
        ReportKind.BOOKMARK: (
            f"/works/{bookmark.work_id}/bookmarks/",
            f"/report/bookmark/{bookmark.pk}/",
        ),
        ReportKind.PROFILE: ("/users/loud/", "/report/profile/loud/"),
    }
    for kind, (page, link) in pages_and_links.items():
        assert link in client.get(page).content.decode(), kind
        sent = client.post(link, {**DETAILS, "reporter_email": "g@e.org"})
        assert sent.status_code == 302, kind
        assert Report.objects.filter(kind=kind).count() == 1
    assert Report.objects.get(kind=ReportKind.CHAPTER).chapter == chapter
    assert Report.objects.get(kind=ReportKind.BOOKMARK).bookmark == bookmark
    assert Report.objects.get(kind=ReportKind.PROFILE).profile == member


def test_a_tag_is_reported_when_the_reader_can_see_it(client: Client) -> None:
    work = WorkFactory()
    tag = Tag.objects.create(name="Rudeness", type=TagType.FREEFORM)
    work.tags.add(tag)
    assert (
        client.post(f"/report/tag/{tag.pk}/", DETAILS | {"reporter_email": ""}).status_code == 302
    )
    report = Report.objects.get()
    assert (report.kind, report.tag, report.about) == (ReportKind.TAG, tag, "tag Rudeness")
    hidden = Tag.objects.create(name="Only On A Draft", type=TagType.FREEFORM)
    WorkFactory(draft=True).tags.add(hidden)
    assert client.post(f"/report/tag/{hidden.pk}/", DETAILS).status_code == 404
    assert Report.objects.count() == 1


def test_a_private_bookmark_cannot_be_reported_by_others(client: Client) -> None:
    bookmark = public_bookmark()
    bookmark.is_private = True
    bookmark.save()
    assert client.post(f"/report/bookmark/{bookmark.pk}/", DETAILS).status_code == 404
    assert not Report.objects.exists()


def test_a_banned_members_profile_cannot_be_reported(client: Client) -> None:
    UserFactory(username="gone", is_active=False)
    assert client.post("/report/profile/gone/", DETAILS).status_code == 404
    assert not Report.objects.exists()


def test_guests_write_through_the_contact_form_into_the_queue(client: Client) -> None:
    page = client.get("/support/")
    assert page.status_code == 200
    sent = client.post(
        "/support/",
        guarded({"subject": "Locked out", "details": "I lost my email.", "email": "me@e.org"}),
    )
    assert sent.status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.subject, report.answer_address) == (
        ReportKind.CONTACT,
        "Locked out",
        "me@e.org",
    )


def test_the_contact_form_asks_for_what_it_needs_and_saves_nothing_without(
    client: Client,
) -> None:
    response = client.post("/support/", {"subject": "", "details": "Hi", "email": "not mail"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required" in html and "valid email" in html
    assert not Report.objects.exists()


def test_the_contact_form_is_limited_per_address(client: Client) -> None:
    message = guarded({"subject": "Hi", "details": "Hello.", "email": "me@e.org"})
    for _ in range(5):
        assert client.post("/support/", message).status_code == 302
    limited = client.post("/support/", message)
    assert limited.status_code == 429
    assert Report.objects.count() == 5


def test_the_queue_filters_by_kind_and_state(boss: Client) -> None:
    work = WorkFactory(title="A Work")
    Report.objects.create(
        kind=ReportKind.WORK, work=work, about="A Work", reason="spam", details="x"
    )
    Report.objects.create(
        kind=ReportKind.CONTACT, subject="Help please", reason="contact", details="y"
    )
    Report.objects.create(
        kind=ReportKind.PROFILE,
        about="closedone",
        reason="spam",
        details="z",
        status=ReportStatus.DISMISSED,
    )
    everything = boss.get("/desk/?state=any").content.decode()
    assert "A Work" in everything and "Help please" in everything and "closedone" in everything
    open_contact = boss.get("/desk/?kind=contact&state=open").content.decode()
    assert "Help please" in open_contact and "A Work" not in open_contact
    dismissed = boss.get("/desk/?state=dismissed").content.decode()
    assert "closedone" in dismissed and "Help please" not in dismissed


def test_an_admin_replies_by_mail_and_resolves(
    boss: Client, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = UserFactory(username="worried", email="worried@e.org")
    bookmark = public_bookmark()
    report = Report.objects.create(
        kind=ReportKind.BOOKMARK,
        bookmark=bookmark,
        about="bookmark",
        reporter=reporter,
        reason="harassment",
        details="Mean notes.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = boss.post(f"/desk/reports/{report.pk}/reply/", {"text": "Thanks, we removed it."})
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["worried@e.org"]
    assert "Thanks, we removed it." in mail.outbox[0].body
    boss.post(f"/desk/reports/{report.pk}/close/", {"do": "resolve", "reason": "Handled."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "reply to report",
        "resolve report",
    ]


def test_an_empty_reply_or_reason_is_refused_and_nothing_sent(boss: Client) -> None:
    report = Report.objects.create(
        kind=ReportKind.CONTACT,
        subject="Hi",
        reporter_email="a@e.org",
        reason="contact",
        details="x",
    )
    assert boss.post(f"/desk/reports/{report.pk}/reply/", {"text": "  "}).status_code == 400
    closing = boss.post(f"/desk/reports/{report.pk}/close/", {"do": "dismiss", "reason": ""})
    assert closing.status_code == 400
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    assert not ReportReply.objects.exists() and not mail.outbox
    assert not AuditEntry.objects.exists()


def test_the_audit_log_filters_by_actor_member_kind_and_dates(boss: Client) -> None:
    from django.db import transaction

    alice = UserFactory(username="alice", is_superuser=True)
    bob = UserFactory(username="bob", is_superuser=True)
    troll = UserFactory(username="troll")
    other = UserFactory(username="other")
    account_moderation.warn(troll, reason="alice warns troll", actor=alice)
    account_moderation.warn(other, reason="bob warns other", actor=bob)
    account_moderation.add_note(troll, text="bob notes troll", actor=bob)
    with transaction.atomic():
        old = record(actor=alice, action="warn", target=troll, reason="long ago")
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    def shown(query: str) -> set[str]:
        html = boss.get(f"/desk/audit/?{query}").content.decode()
        reasons = ["alice warns troll", "bob warns other", "bob notes troll", "long ago"]
        return {r for r in reasons if r in html}

    assert shown("actor=bob") == {"bob warns other", "bob notes troll"}
    assert shown("member=troll") == {"alice warns troll", "bob notes troll", "long ago"}
    assert shown("member=troll&action=warn") == {"alice warns troll", "long ago"}
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert shown(f"member=troll&action=warn&since={since}") == {"alice warns troll"}
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert shown(f"until={until}") == {"long ago"}
    assert shown("member=nobody") == set()


def test_the_audit_log_refuses_an_end_before_the_start(boss: Client) -> None:
    response = boss.get("/desk/audit/?since=2026-02-01&until=2026-01-01")
    assert response.status_code == 400
    assert "The end comes after the start." in response.content.decode()
