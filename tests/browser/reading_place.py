"""Closing a member's tab on a work page without a late "where I stopped" request.

``reading-position.js`` sends the reader's place 1.5 s after they stop scrolling, and at
once (keepalive) when the tab is hidden with a send still waiting. A tab closed at a test's
end would send it while the next test's database is being set up; with SQLite in memory the
live server shares that connection, so the late row broke the next test's set-up (a
foreign key to a work that was gone). Waiting for the pending send to go first leaves
nothing for the close to send."""

from __future__ import annotations

from playwright.sync_api import Page

SEND_AFTER_MS = 1500  # reading-position.js's WAIT_MS


def let_the_reading_place_settle(page: Page) -> None:
    page.wait_for_timeout(SEND_AFTER_MS + 500)
    page.wait_for_load_state("networkidle")
