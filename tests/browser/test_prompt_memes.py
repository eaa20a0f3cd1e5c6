"""A prompt meme as its members drive it: a prompter posts an anonymous prompt, a writer
finds it, claims it and fills it with a work of theirs, and the prompter hears of both and
sees the prompt filled, without the writer ever learning who prompted it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.challenges.models import PromptMeme
from ficshelf.works.collection_items import create_collection
from ficshelf.works.collection_models import ChallengeType
from ficshelf.works.models import Collection
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROMPT = "Tea at the lighthouse"
WORK = "Lighthouse Tea"


def new_page(browser: Browser, viewport: ViewportSize) -> Page:
    return browser.new_context(viewport=viewport).new_page()


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_anonymous_prompt_is_claimed_and_filled(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    host = UserFactory(username="memehost")
    collection = create_collection(
        Collection(name="sea_meme", title="Sea Meme", challenge_type=ChallengeType.PROMPT_MEME),
        owner=host,
    )
    PromptMeme.objects.create(collection=collection, is_open=True, claims_per_prompt=1)
    PseudFactory(name="secretfan", user__username="secretfan")
    writer = PseudFactory(name="tidewriter", user__username="tidewriter")
    WorkFactory(title=WORK, creator=writer)
    prompts = live_server.url + "/collections/sea_meme/prompts/"

    # The prompter posts an anonymous prompt.
    prompter = new_page(browser, viewport)
    log_in(prompter, live_server.url, "secretfan")
    prompter.goto(live_server.url + "/collections/sea_meme/")
    prompter.get_by_role("link", name="Prompts").click()
    prompter.get_by_role("link", name="Post a prompt").click()
    prompter.get_by_label("Title").fill(PROMPT)
    prompter.get_by_label("Fandoms (up to 5, separated by commas)").fill("Earthsea")
    prompter.get_by_label("Characters (up to 5, separated by commas)").fill("Ged, Tenar")
    prompter.get_by_label("Description").fill("<p>Two old friends, one kettle.</p>")
    prompter.get_by_label("Post anonymously").check()
    prompter.screenshot(path=str(shots_dir / f"{layout}-prompt-form.png"), full_page=True)
    assert_accessible(prompter)
    prompter.get_by_role("button", name="Post prompt").click()
    expect(prompter.get_by_text("Your prompt was posted.")).to_be_visible()
    expect(prompter.get_by_text("Anonymous (you)")).to_be_visible()

    # The writer finds it (its prompter unnamed), claims it and fills it.
    writer_page = new_page(browser, viewport)
    log_in(writer_page, live_server.url, "tidewriter")
    writer_page.goto(prompts + "?state=unclaimed&fandom=earthsea")
    expect(writer_page.locator(".prompt-blurb")).to_have_count(1)
    expect(writer_page.locator(".prompt-blurb")).to_contain_text("by Anonymous")
    writer_page.screenshot(path=str(shots_dir / f"{layout}-prompts.png"), full_page=True)
    assert_accessible(writer_page)
    writer_page.get_by_role("link", name=PROMPT).click()
    writer_page.get_by_role("button", name="Claim").click()
    expect(writer_page.get_by_text("You claimed this prompt.")).to_be_visible()
    writer_page.get_by_role("link", name="Fill this prompt").click()
    writer_page.get_by_label("Your work").select_option(label=WORK)
    assert_accessible(writer_page)
    writer_page.get_by_role("button", name="Fill with this work").click()
    expect(writer_page.get_by_text(f"“{WORK}” fills this prompt.")).to_be_visible()
    expect(writer_page.get_by_role("link", name=WORK)).to_be_visible()
    writer_page.screenshot(path=str(shots_dir / f"{layout}-prompt-filled.png"), full_page=True)
    assert "secretfan" not in writer_page.content()

    # The prompter hears of the claim and the fill, and sees the prompt filled.
    prompter.goto(live_server.url + "/inbox/")
    expect(prompter.get_by_text(f"Your prompt “{PROMPT}” in Sea Meme was claimed.")).to_be_visible()
    expect(prompter.get_by_text(f"was filled: “{WORK}”")).to_be_visible()
    prompter.screenshot(path=str(shots_dir / f"{layout}-prompt-inbox.png"), full_page=True)
    prompter.goto(prompts + "?state=filled")
    prompter.get_by_role("link", name=PROMPT).click()
    expect(prompter.locator(".prompt-state")).to_have_text("Filled")
    expect(prompter.get_by_role("link", name=WORK)).to_be_visible()
    prompter.screenshot(path=str(shots_dir / f"{layout}-prompt-page.png"), full_page=True)
    assert_accessible(prompter)

    # Each finds the prompt on their own page: the prompter's prompts, the writer's claims.
    prompter.goto(live_server.url + "/dashboard/")
    prompter.get_by_role("link", name="My prompts and claims").click()
    expect(prompter.locator(".prompt-blurb")).to_contain_text("posted anonymously")
    expect(prompter.locator(".prompt-state")).to_have_text("Filled")
    assert_accessible(prompter)
    writer_page.goto(live_server.url + "/prompts/mine/")
    writer_page.get_by_role("link", name="Claims").click()
    expect(writer_page.locator(".prompt-blurb")).to_contain_text(f"Filled by {WORK}")
    writer_page.screenshot(path=str(shots_dir / f"{layout}-my-claims.png"), full_page=True)
    assert_accessible(writer_page)
