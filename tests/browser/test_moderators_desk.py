"""The moderators' desk in a real browser: an admin sets up two-factor and signs in with
it; a member reports a bookmark and a profile and the admin answers and resolves; a
suspended member signs in, sees why and cannot comment; the audit log's filters. Each
page is shot at desktop and phone width."""

from __future__ import annotations

from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.accounts import moderation
from ficshelf.accounts.models import User
from ficshelf.moderation import roles
from ficshelf.moderation.models import Report, ReportKind, ReportStatus
from ficshelf.social.models import Bookmark, Comment
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in, submit_sign_in_form
from tests.browser.two_factor import code_for, give_authenticator, pass_second_step
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "Repeated insults in comments after a warning."


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir / f"desk-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def an_admin(username: str = "mod", role: str = roles.SUPERADMIN) -> User:
    user: User = UserFactory(username=username, email=f"{username}@example.org")
    user.groups.add(Group.objects.get(name=role))
    return user


def admin_signs_in(page: Page, base: str, user: User) -> None:
    give_authenticator(user)
    submit_sign_in_form(page, base, user.username)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    pass_second_step(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_admin_sets_up_two_factor_and_signs_in_with_it(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    base = live_server.url
    an_admin()
    log_in(page, base, "mod")
    page.goto(base + "/desk/")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Your account has an admin role")).to_be_visible()
    qr = page.get_by_role("img", name="QR code holding the key below")
    expect(qr).to_be_visible()
    assert qr.evaluate("svg => svg.getBoundingClientRect().width") > 100
    shoot(page, shots_dir, "two-factor-setup")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    secret = page.locator(".two-factor-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code").fill(code_for(key))
    page.get_by_role("button", name="Turn on").click()
    # Sent within a second of the wrong one: django-otp had not yet let the app try again.
    expect(page.get_by_text("Too many wrong codes in a row: wait a few seconds")).to_be_visible()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shoot(page, shots_dir, "two-factor-codes")
    page.get_by_role("link", name="I have kept them, continue").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()

    # Next time: password, then the second step (here with a recovery code).
    other = browser.new_context(viewport=DESKTOP).new_page()
    submit_sign_in_form(other, base, "mod")
    expect(other.get_by_role("heading", name="One more step")).to_be_visible()
    shoot(other, shots_dir, "two-factor-verify")
    other.goto(base + "/desk/")
    expect(other.get_by_role("heading", name="One more step")).to_be_visible()
    other.get_by_label("Code from your app, or a recovery code").fill(codes[0])
    other.get_by_role("button", name="Sign in").click()
    expect(other.get_by_role("heading", name="Reports")).to_be_visible()


def test_a_member_reports_a_bookmark_and_a_profile_and_the_admin_answers(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    base = live_server.url
    work = WorkFactory(title="Tidewater")
    marker = UserFactory(username="marker")
    Bookmark.objects.create(user=marker, work=work, notes="<p>Cruel words about a member.</p>")
    UserFactory(username="loud")
    UserFactory(username="worried", email="worried@example.org")

    log_in(page, base, "worried")
    page.goto(base + f"/works/{work.pk}/bookmarks/")
    page.get_by_role("link", name="Report marker's bookmark").click()
    expect(page.get_by_role("heading", name="Report a bookmark by marker")).to_be_visible()
    page.get_by_label("Harassment or threats").check()
    page.get_by_label("Tell the admins what they need to know").fill("It insults a member.")
    shoot(page, shots_dir, "report-bookmark")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Your report went to the archive's admins")).to_be_visible()
    page.goto(base + "/users/loud/")
    page.get_by_role("link", name="Report this profile").click()
    page.get_by_label("Spam or commercial promotion").check()
    page.get_by_label("Tell the admins what they need to know").fill("Only adverts.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Your report went to the archive's admins")).to_be_visible()
    assert set(Report.objects.values_list("kind", flat=True)) == {"bookmark", "profile"}

    admin = browser.new_context(viewport=DESKTOP).new_page()
    admin_signs_in(admin, base, an_admin())
    admin.goto(base + "/desk/")
    expect(admin.get_by_role("link", name="profile of loud")).to_be_visible()
    admin.get_by_label("Kind").select_option("bookmark")
    admin.get_by_role("button", name="Filter").click()
    expect(admin.get_by_role("link", name="profile of loud")).to_have_count(0)
    shoot(admin, shots_dir, "queue")
    admin.get_by_role("link", name="bookmark").first.click()
    expect(admin.get_by_text("It insults a member.")).to_be_visible()
    admin.get_by_label("Reply (mailed to the reporter)").fill("Thank you: we removed it.")
    admin.get_by_role("button", name="Send reply").click()
    expect(admin.get_by_text("Reply sent to worried@example.org")).to_be_visible()
    admin.get_by_role("button", name="Resolve").click()  # no reason yet
    expect(admin.get_by_text("Say why")).to_be_visible()
    admin.get_by_label("Reason (kept in the audit log)").fill("Bookmark notes broke the rules.")
    admin.get_by_role("button", name="Resolve").click()
    expect(admin.get_by_text("Report resolved.")).to_be_visible()
    shoot(admin, shots_dir, "report")

    report = Report.objects.get(kind=ReportKind.BOOKMARK)
    assert report.status == ReportStatus.RESOLVED
    assert [m.to for m in mail.outbox] == [["worried@example.org"]]
    assert "Thank you: we removed it." in mail.outbox[0].body


def test_a_suspended_member_signs_in_sees_why_and_cannot_comment(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    base = live_server.url
    work = WorkFactory(title="Open Water")
    UserFactory(username="troll")
    admin = browser.new_context(viewport=DESKTOP).new_page()
    admin_signs_in(admin, base, an_admin(role=roles.POLICY_AND_ABUSE))
    admin.goto(base + "/desk/members/troll/")
    until = timezone.localtime() + timedelta(days=14)
    admin.get_by_label("Suspended until").fill(until.strftime("%Y-%m-%dT%H:%M"))
    admin.locator("#id_suspend-reason").fill(REASON)
    admin.get_by_role("button", name="Suspend").click()
    expect(admin.get_by_text("troll suspended.")).to_be_visible()
    expect(admin.get_by_text(f"Suspended until {until:%d %b %Y}")).to_be_visible()
    shoot(admin, shots_dir, "member")

    submit_sign_in_form(page, base, "troll")
    expect(page.get_by_role("heading", name="Your account is suspended until")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    page.goto(base + work.get_absolute_url())
    expect(page.get_by_role("heading", name="Open Water")).to_be_visible()  # reading stays
    shoot(page, shots_dir, "suspended-banner")
    page.get_by_label("Comment", exact=True).fill("You are all wrong.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(
        page.get_by_role("heading", name="You cannot do this while your account is suspended")
    ).to_be_visible()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    shoot(page, shots_dir, "suspended-refused")
    assert not Comment.objects.exists()


def test_the_audit_log_filters_by_member_and_kind(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    base = live_server.url
    boss = an_admin()
    troll, other = UserFactory(username="troll"), UserFactory(username="other")
    moderation.warn(troll, reason="First warning to troll.", actor=boss)
    moderation.warn(other, reason="A warning to someone else.", actor=boss)
    moderation.add_note(troll, text="Troll note.", actor=boss)

    admin_signs_in(page, base, boss)
    page.goto(base + "/desk/audit/")
    rows = page.locator(".audit-table tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Member (target)").fill("troll")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    page.get_by_label("Kind").select_option("warn")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("First warning to troll.")
    shoot(page, shots_dir, "audit")
    page.get_by_label("From:", exact=True).fill("2030-01-02")
    page.get_by_label("To:", exact=True).fill("2030-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("The end comes after the start.")).to_be_visible()
