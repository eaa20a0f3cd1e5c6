"""API tokens in a real browser: a member makes one, a tool uses it, the member sees it
used and revokes it; the API's docs page runs under the site's policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.social.models import Kudos
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.browser.test_accounts import PASSWORD, assert_no_sideways_scrolling
from tests.factories import UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_makes_a_token_a_tool_uses_it_and_it_is_revoked(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    UserFactory(username="toolmaker", password=PASSWORD)
    work = WorkFactory(title="Kudos Target")
    base = live_server.url
    for layout, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, base, "toolmaker", PASSWORD)
        page.goto(base + "/accounts/settings/")
        page.get_by_role("link", name="API tokens").click()
        page.get_by_label("Name this token").fill(f"kudos bot ({layout})")
        page.get_by_label("Leave kudos").check()
        page.get_by_label("It expires in").select_option("7")
        page.get_by_role("button", name="Make a token").click()
        token = page.locator("code.api-token").inner_text()
        assert token.startswith("fsh_")
        assert_no_sideways_scrolling(page)
        page.screenshot(path=str(shots_dir / f"{layout}-api-token-made.png"), full_page=True)
        assert_accessible(page)

        # What a tool does with it.
        sent = context.request.post(
            f"{base}/api/v1/works/{work.pk}/kudos",
            headers={"Authorization": f"Bearer {token}"},
        )
        if layout == "desktop":
            assert sent.status == 201, sent.text()
            assert Kudos.objects.filter(work=work, user__username="toolmaker").exists()
        else:
            assert sent.status == 403  # kudos already left, with the first token
        page.reload()
        expect(page.locator("code.api-token")).to_have_count(0)  # shown once
        row = page.locator("li", has_text=f"kudos bot ({layout})")
        expect(row).to_contain_text("read, write:kudos")
        expect(row).to_contain_text("last used")
        page.screenshot(path=str(shots_dir / f"{layout}-api-tokens.png"), full_page=True)

        page.get_by_role("button", name=f"Revoke kudos bot ({layout})").click()
        expect(page.get_by_text("The token is revoked")).to_be_visible()
        after = context.request.get(
            f"{base}/api/v1/works/{work.pk}", headers={"Authorization": f"Bearer {token}"}
        )
        assert after.status == 401
        context.close()


def test_the_api_docs_page_works_under_the_sites_policy(
    live_server: LiveServer, page: Page, shots_dir: Path
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ficshelf API")
    expect(page.get_by_text("/api/v1/works/{work_id}").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "desktop-api-docs.png"))
    assert refused == []
    assert outside == []


def test_a_work_posted_by_a_tool_is_on_the_site_for_its_writer_to_edit(
    live_server: LiveServer, browser: Browser, shots_dir: Path
) -> None:
    UserFactory(username="poster", password=PASSWORD)
    base = live_server.url
    for layout, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, base, "poster", PASSWORD)
        page.goto(base + "/accounts/api-tokens/")
        page.get_by_label("Name this token").fill(f"posting tool ({layout})")
        page.get_by_label("Post, edit and delete your works and chapters").check()
        page.get_by_role("button", name="Make a token").click()
        token = page.locator("code.api-token").inner_text()

        # The tool posts a work, then the member finds it on the site, with its tags and
        # text, and their own Edit button.
        sent = context.request.post(
            f"{base}/api/v1/works",
            headers={"Authorization": f"Bearer {token}"},
            data={
                "title": f"Posted From A Tool ({layout})",
                "rating": "General Audiences",
                "warnings": ["No Archive Warnings Apply"],
                "fandoms": ["Original Work"],
                "freeforms": ["Written Elsewhere"],
                "text": "Typed in my editor.\n\nA second paragraph.",
                "text_format": "plain",
                "post": True,
            },
        )
        assert sent.status == 201, sent.text()
        page.goto(base + sent.json()["url"])
        expect(page.locator("#work-title")).to_contain_text(f"Posted From A Tool ({layout})")
        expect(page.get_by_role("link", name="Written Elsewhere")).to_be_visible()
        expect(page.get_by_text("A second paragraph.")).to_be_visible()
        expect(page.get_by_role("link", name="Edit").first).to_be_visible()
        assert_no_sideways_scrolling(page)
        page.screenshot(path=str(shots_dir / f"{layout}-api-posted-work.png"), full_page=True)
        context.close()
