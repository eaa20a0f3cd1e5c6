"""Spam defence in a real browser: a guest's link list is held, a spam reviewer approves it
from the spam queue and marks another spam; a creator hides a comment and freezes a thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.core.models import AuditEntry
from ficshelf.core.spam import SpamState
from ficshelf.social.models import Comment
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.two_factor import authenticator_for
from tests.factories import PASSWORD, UserFactory, WorkFactory
from tests.social.factories import CommentFactory, creator_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LINKS = " ".join(f'<a href="https://deals{n}.example/">deal {n}</a>' for n in range(4))


def shoot(page: Page, shots_dir: Path, name: str) -> None:
    page.screenshot(path=str(shots_dir / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(shots_dir / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_guests_link_list_is_held_and_a_reviewer_works_the_queue(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    work = WorkFactory(title="Harbour Lights")
    member_spam = CommentFactory(
        work=work,
        user=UserFactory(username="newcomer"),
        text="<p>Visit my shop for the best prices on everything you need.</p>",
        spam_state=SpamState.HELD,
        held_because="the same text as another recent comment",
    )
    reviewer = UserFactory(username="reviewer")
    reviewer.user_permissions.add(Permission.objects.get(codename="review_spam"))
    authenticator_for("reviewer")  # a permission asks for two-factor

    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_label("Guest name").fill("Dealer")
    page.get_by_label("Guest email").fill("dealer@example.org")
    page.get_by_role("textbox", name="Comment").fill(f"Great deals here: {LINKS}")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_text("held for moderation")).to_be_visible()
    expect(page.get_by_text("deal 0")).to_have_count(0)  # not on the page for anyone else
    held = Comment.objects.get(guest_name="Dealer")
    assert held.spam_state == SpamState.HELD

    reviewing = browser.new_context(viewport=DESKTOP).new_page()
    log_in(reviewing, live_server.url, "reviewer")
    reviewing.goto(live_server.url + "/moderation/spam/")
    expect(reviewing.get_by_role("heading", name="Held comments (2)")).to_be_visible()
    expect(reviewing.get_by_text("Held: 4 links")).to_be_visible()
    shoot(reviewing, shots_dir, "spam-queue")

    newcomer_item = reviewing.locator(f"#held-comment-{member_spam.pk}")
    newcomer_item.get_by_role("button", name="Spam", exact=False).first.click()
    expect(reviewing.get_by_text("Say why")).to_be_visible()  # refused without a reason
    assert Comment.objects.get(pk=member_spam.pk).spam_state == SpamState.HELD
    newcomer_item = reviewing.locator(f"#held-comment-{member_spam.pk}")
    newcomer_item.get_by_label("Reason").fill("Shop advert.")
    newcomer_item.get_by_role("button", name="Spam newcomer", exact=True).click()
    expect(reviewing.get_by_text("Marked as spam.")).to_be_visible()

    # Say the links were a fan's, after all.
    dealer_item = reviewing.locator(f"#held-comment-{held.pk}")
    dealer_item.get_by_role("button", name="Approve Dealer").click()
    expect(reviewing.get_by_text("Approved: it is published.")).to_be_visible()
    expect(reviewing.get_by_role("heading", name="Held comments (0)")).to_be_visible()

    assert Comment.objects.get(pk=member_spam.pk).spam_state == SpamState.SPAM
    assert Comment.objects.get(pk=held.pk).spam_state == SpamState.CLEAR
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"mark spam", "approve held"}
    guest = browser.new_context(viewport=DESKTOP).new_page()
    guest.goto(live_server.url + work.get_absolute_url())
    expect(guest.get_by_role("link", name="deal 0")).to_be_visible()
    expect(guest.get_by_text("Visit my shop")).to_have_count(0)
    expect(guest.get_by_role("region", name="Comments (1)")).to_be_visible()


def test_a_creator_hides_a_comment_and_freezes_a_thread(
    live_server: LiveServer, page: Page, browser: Browser, shots_dir: Path
) -> None:
    work = WorkFactory(title="Lantern Street")
    rude = CommentFactory(work=work, text="<p>This is rubbish and so are you.</p>")
    heated = CommentFactory(work=work, text="<p>Chapter three was a cop-out.</p>")
    CommentFactory(work=work, parent=heated, text="<p>No, it was brave.</p>")
    creator = creator_of(work)
    creator.set_password(PASSWORD)
    creator.save()

    log_in(page, live_server.url, creator.username)
    page.goto(live_server.url + work.get_absolute_url())
    page.locator(f"#comment_{rude.pk}").get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Comment hidden")).to_be_visible()
    expect(
        page.locator(f"#comment_{rude.pk}").get_by_text("Hidden: only its author")
    ).to_be_visible()
    page.locator(f"#comment_{heated.pk} > article").get_by_role(
        "button", name="Freeze thread"
    ).click()
    expect(page.get_by_text("Thread frozen")).to_be_visible()
    page.goto(live_server.url + work.get_absolute_url() + "#comments")
    expect(page.locator(f"#comment_{heated.pk} > article .frozen-note")).to_be_visible()
    page.locator("#comments").scroll_into_view_if_needed()
    shoot(page, shots_dir, "comment-moderation")

    reader = browser.new_context(viewport=DESKTOP).new_page()
    reader.goto(live_server.url + work.get_absolute_url())
    expect(reader.get_by_text("This is rubbish")).to_have_count(0)
    thread = reader.locator(f"#comment_{heated.pk}")
    expect(thread.get_by_text("Frozen: this thread takes no more replies").first).to_be_visible()
    expect(thread.get_by_role("link", name="Reply")).to_have_count(0)
    assert Comment.objects.filter(is_frozen=True).count() == 2
    work.refresh_from_db()
    assert work.comments_count == 2  # the hidden one is not counted
