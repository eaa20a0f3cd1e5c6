"""Suspensions, warnings, notes, bans and the next of kin.

A suspended member signs in and reads, sees why and until when on every page, and writes
nothing (every write is refused before its view runs: a 403 page, nothing saved) until the
end passes; then they write again with nobody lifting it. A ban is no sign-in at all, and
the member is told its reason when they try with the right password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ficshelf.accounts import moderation
from ficshelf.accounts.models import MemberNote, MemberWarning, User
from ficshelf.core.models import AuditEntry
from ficshelf.social.models import Bookmark, Comment, Kudos
from ficshelf.works.models import Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

REASON = "Harassing another member in comments."


@pytest.fixture
def boss() -> User:
    return UserFactory(username="boss", is_superuser=True)


def suspended(member: User, boss: User, days: int = 7) -> User:
    until = timezone.now() + timedelta(days=days)
    return moderation.suspend(member, until=until, reason=REASON, actor=boss)


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def writes(browser: Client, work: Work) -> dict[str, int]:
    chapter = work.chapters.first()
    assert chapter is not None
    return {
        "comment": browser.post(
            f"/works/{work.pk}/chapters/{chapter.pk}/comments/", {"text": "Hi."}
        ).status_code,
        "kudos": browser.post(f"/works/{work.pk}/kudos/").status_code,
        "bookmark": browser.post(f"/works/{work.pk}/bookmark/", {"notes": "Mine."}).status_code,
        "new work": browser.post("/works/new/", {"title": "New"}).status_code,
        "edit own work": browser.post(f"/works/{work.pk}/edit/", {"title": "Changed"}).status_code,
    }


def counts() -> tuple[int, ...]:
    return (
        Comment.objects.count(),
        Kudos.objects.count(),
        Bookmark.objects.count(),
        Work.objects.count(),
    )


def test_a_suspended_member_reads_but_every_write_is_refused_and_nothing_saved(
    boss: User,
) -> None:
    member = UserFactory(username="quiet")
    own = WorkFactory(title="Own Work", creator=PseudFactory(user=member))
    other = WorkFactory(title="Someone Else's")
    suspended(member, boss)
    browser = signed_in(member)
    before = counts()

    assert browser.get(other.get_absolute_url()).status_code == 200
    refused = writes(browser, other)
    refused["edit own work"] = writes(browser, own)["edit own work"]

    assert set(refused.values()) == {403}, refused
    assert counts() == before
    assert Work.objects.get(pk=own.pk).title == "Own Work"
    page = browser.post(f"/works/{other.pk}/kudos/").content.decode()
    assert "suspended until" in page and REASON in page and "Nothing was saved" in page


def test_the_reason_and_end_show_on_every_page_while_suspended(boss: User) -> None:
    member = suspended(UserFactory(username="quiet"), boss)
    html = signed_in(member).get("/works/").content.decode()
    assert "Your account is suspended until" in html
    assert REASON in html
    until = timezone.localtime(member.suspended_until)
    assert until.strftime("%Y") in html


def test_a_suspension_ends_by_itself(boss: User) -> None:
    member = suspended(UserFactory(username="quiet"), boss)
    work = WorkFactory()
    User.objects.filter(pk=member.pk).update(suspended_until=timezone.now() - timedelta(1))
    browser = signed_in(User.objects.get(pk=member.pk))
    assert "is suspended" not in browser.get("/works/").content.decode()
    assert browser.post(f"/works/{work.pk}/kudos/").status_code == 302
    assert Kudos.objects.filter(user=member).exists()


def test_a_suspended_members_profile_and_works_stay_as_they_were(
    client: Client, boss: User
) -> None:
    member = UserFactory(username="quiet")
    work = WorkFactory(title="Still Listed", creator=PseudFactory(user=member))
    suspended(member, boss)
    assert client.get("/users/quiet/").status_code == 200
    assert client.get(work.get_absolute_url()).status_code == 200


def test_suspending_is_recorded_with_its_reason_and_end(boss: User) -> None:
    member = suspended(UserFactory(username="quiet"), boss)
    entry = AuditEntry.objects.get(action="suspend")
    assert entry.reason == REASON and entry.actor_name == "boss"
    assert entry.details["until"] == member.suspended_until.isoformat()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("until_days", "reason", "message"),
    [(-1, REASON, "in the future"), (3, "  ", "Say why")],
)
def test_a_suspension_needs_a_future_end_and_a_reason(
    boss: User, until_days: int, reason: str, message: str
) -> None:
    member = UserFactory(username="quiet")
    with pytest.raises(moderation.AccountModerationRefused, match=message):
        moderation.suspend(
            member, until=timezone.now() + timedelta(days=until_days), reason=reason, actor=boss
        )
    assert not User.objects.get(pk=member.pk).suspended_now()
    assert not AuditEntry.objects.exists()


def test_the_desk_refuses_a_suspension_without_a_reason_and_saves_nothing(boss: User) -> None:
    member = UserFactory(username="quiet")
    until = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(boss).post(
        "/desk/members/quiet/suspend/", {"suspend-reason": "", "suspend-until": until}
    )
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert not User.objects.get(pk=member.pk).suspended_now()
    assert not AuditEntry.objects.exists()


def test_a_warning_shows_until_the_member_says_they_read_it(boss: User) -> None:
    member = UserFactory(username="quiet")
    browser = signed_in(member)
    assert "A warning from" not in browser.get("/works/").content.decode()
    warning = moderation.warn(member, reason="Tag your works' warnings.", actor=boss)
    html = browser.get("/works/").content.decode()
    assert "A warning from the archive's admins" in html and "Tag your works" in html

    browser.post(f"/accounts/warnings/{warning.pk}/read/")

    assert "A warning from" not in browser.get("/works/").content.decode()
    assert MemberWarning.objects.get(pk=warning.pk).acknowledged_at is not None
    assert AuditEntry.objects.get(action="warn").reason == "Tag your works' warnings."


def test_nobody_else_acknowledges_a_members_warning(boss: User) -> None:
    warning = moderation.warn(UserFactory(username="quiet"), reason="Careful.", actor=boss)
    other = signed_in(UserFactory(username="other"))
    assert other.post(f"/accounts/warnings/{warning.pk}/read/").status_code == 404
    assert MemberWarning.objects.get(pk=warning.pk).acknowledged_at is None


def test_notes_are_for_admins_only(boss: User) -> None:
    member = UserFactory(username="quiet")
    admin = signed_in(boss)
    admin.post("/desk/members/quiet/note/", {"text": "Asked about a takedown before."})
    assert MemberNote.objects.get(member=member).author == boss
    assert "Asked about a takedown" in admin.get("/desk/members/quiet/").content.decode()
    mine = signed_in(member)
    assert mine.get("/desk/members/quiet/").status_code == 403
    assert "Asked about a takedown" not in mine.get("/accounts/settings/").content.decode()
    assert AuditEntry.objects.get(action="note").target_repr == "quiet"


def test_the_next_of_kin_is_kept_with_the_change_recorded(boss: User) -> None:
    member = UserFactory(username="quiet")
    signed_in(boss).post(
        "/desk/members/quiet/kin/",
        {"kin-name": "Sam", "kin-email": "sam@example.org", "kin-reason": "Asked by mail."},
    )
    member.refresh_from_db()
    assert (member.next_of_kin_name, member.next_of_kin_email) == ("Sam", "sam@example.org")
    entry = AuditEntry.objects.get(action="change next of kin")
    assert entry.details["after"] == {"name": "Sam", "email": "sam@example.org"}
    assert entry.reason == "Asked by mail."


def test_a_banned_member_is_told_why_when_they_sign_in(boss: User) -> None:
    member = UserFactory(username="gone")
    member.set_password("the right password")
    member.save()
    moderation.ban_users([member], reason="Ban evasion.", actor=boss)
    response = Client().post(
        "/accounts/login/", {"username": "gone", "password": "the right password"}
    )
    html = response.content.decode()
    assert "This account is banned" in html and "Ban evasion." in html
    wrong = Client().post("/accounts/login/", {"username": "gone", "password": "a guess"})
    assert "Ban evasion." not in wrong.content.decode()
