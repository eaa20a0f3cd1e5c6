"""Embedded players in a real browser: an admin puts a host on the list through the admin
site (past two-factor), a writer's chapter keeps a player from it, and a reader's browser
loads it inside the page, which the Content-Security-Policy allows for listed hosts only."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.core.models import EmbedHost
from ficshelf.works.actions import ChapterData
from tests.browser.axe import assert_accessible
from tests.browser.signing_in import log_in
from tests.browser.two_factor import authenticator_for
from tests.factories import UserFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PLAYER = '<iframe src="https://w.soundcloud.com/player/?url=track" width="100%" height="166">'


def a_player_answers(route: Route) -> None:
    """The player's host, offline: a page of its own (the test never leaves the machine)."""
    route.fulfill(body="<p>Player of the track</p>", content_type="text/html")


def test_an_admin_lists_a_host_and_a_reader_plays_a_chapters_player(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    authenticator_for("boss")
    log_in(page, live_server.url, "boss")
    page.goto(live_server.url + "/admin/core/embedhost/add/")
    page.get_by_label("Host").fill("w.soundcloud.com")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    assert list(EmbedHost.objects.values_list("host", flat=True)) == ["w.soundcloud.com"]
    page.context.clear_cookies()

    work = posted_work(writer(), chapter=ChapterData(text=f"<p>Hear it.</p>{PLAYER}</iframe>"))
    page.route("https://w.soundcloud.com/**", a_player_answers)
    response = page.goto(live_server.url + work.get_absolute_url())
    assert response is not None
    assert "frame-src https://w.soundcloud.com" in response.headers["content-security-policy"]
    player = page.locator("#chapters iframe")
    expect(player).to_have_attribute(
        "sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation"
    )
    player.scroll_into_view_if_needed()
    # Loaded inside the page: the policy let the listed host in.
    expect(
        page.frame_locator("#chapters iframe").get_by_text("Player of the track")
    ).to_be_visible()
    page.screenshot(path=str(shots_dir / "player-desktop.png"), full_page=True)
    assert_accessible(page)


def test_a_player_from_a_host_not_listed_never_reaches_the_page(
    live_server: LiveServer, page: Page
) -> None:
    work = posted_work(writer(), chapter=ChapterData(text=f"<p>Hear it.</p>{PLAYER}</iframe>"))
    page.goto(live_server.url + work.get_absolute_url())
    expect(page.get_by_text("Hear it.")).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
