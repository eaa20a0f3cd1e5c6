"""A gift exchange through its pages: a moderator sets it up and opens sign-ups, members
sign up, the moderator generates and sends assignments, a writer posts their gift to the
collection as a gift to their recipient, the moderator reveals, and the recipient finds
the gift."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.challenges import actions
from ficshelf.challenges.actions import PromptData
from ficshelf.challenges.models import Assignment
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_items import create_collection
from ficshelf.works.models import Collection
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import PseudFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab(browser: Browser, viewport: ViewportSize, live_server: LiveServer, name: str) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server.url, name)
    return page


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_exchange_from_set_up_to_the_revealed_gift(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    host = UserFactory(username="yulehost")
    for name in ("ann", "bob", "cat"):
        PseudFactory(name=name, user__username=name)
    for fandom in ("Moomins", "Discworld", "Earthsea"):
        Tag.objects.get_or_create(
            name=fandom, defaults={"type": TagType.FANDOM, "is_canonical": True}
        )
    create_collection(
        Collection(name="yule", title="Yule", is_unrevealed=True, is_anonymous=True), owner=host
    )

    # The moderator sets the exchange up and opens sign-ups.
    mod = tab(browser, viewport, live_server, "yulehost")
    mod.goto(live_server.url + "/collections/yule/")
    mod.get_by_role("link", name="Run a gift exchange in this collection").click()
    mod.get_by_label("Requests min").fill("1")
    mod.get_by_label("Offers min").fill("1")
    mod.get_by_role("button", name="Save").click()
    expect(mod.get_by_text("The exchange's settings were saved.")).to_be_visible()
    mod.get_by_role("button", name="Open sign-ups").click()
    expect(mod.get_by_text("Sign-ups are open.")).to_be_visible()

    # Ann signs up through the form, after a first try with too little.
    ann = tab(browser, viewport, live_server, "ann")
    ann.goto(live_server.url + "/collections/yule/exchange/")
    ann.get_by_role("link", name="Sign up").click()
    ann.locator("input[name='offer-1-fandom']").fill("Discworld")
    ann.get_by_role("button", name="Sign up").click()
    expect(ann.get_by_text("Give between 1 and 3 requests; you gave 0.")).to_be_visible()
    ann.locator("input[name='request-1-fandom']").fill("Moomins")
    ann.screenshot(path=str(shots_dir / f"{layout}-exchange-signup.png"), full_page=True)
    assert_accessible(ann)
    ann.get_by_role("button", name="Sign up").click()
    expect(ann.get_by_text("Your sign-up was saved.")).to_be_visible()
    # Bob and Cat sign up too (the same action the form calls).
    exchange = Collection.objects.get(name="yule").gift_exchange
    for name, request, offer in (("bob", "Discworld", "Earthsea"), ("cat", "Earthsea", "Moomins")):
        user = UserFactory(username=name)
        actions.save_signup(
            exchange,
            user=user,
            pseud=user.pseuds.get(),
            requests=[PromptData(tags={TagType.FANDOM: [request]})],
            offers=[PromptData(tags={TagType.FANDOM: [offer]})],
        )

    # The moderator closes sign-ups, reads the summary, generates and sends.
    mod.goto(live_server.url + "/collections/yule/exchange/")
    mod.get_by_role("button", name="Close sign-ups").click()
    mod.get_by_role("link", name="Sign-ups and summary").click()
    expect(mod.get_by_role("heading", name="Everyone's sign-ups (3)")).to_be_visible()
    mod.goto(live_server.url + "/collections/yule/exchange/")
    mod.get_by_role("button", name="Generate assignments").click()
    expect(mod.get_by_text("Matched, under review")).to_be_visible()
    mod.get_by_role("link", name="Assignments").click()
    expect(mod.get_by_text("3 recipients; 0 without a writer")).to_be_visible()
    mod.screenshot(path=str(shots_dir / f"{layout}-exchange-assignments.png"), full_page=True)
    assert_accessible(mod)
    mod.goto(live_server.url + "/collections/yule/exchange/")
    mod.get_by_role("button", name="Send assignments").click()
    expect(mod.get_by_text("The assignments were sent.")).to_be_visible()

    # Ann reads her assignment and posts her gift to the collection for Bob.
    ann.goto(live_server.url + "/assignments/")
    expect(ann.get_by_role("heading", name="Yule: for bob")).to_be_visible()
    ann.goto(live_server.url + "/works/new/")
    ann.get_by_label("Rating").select_option("General Audiences")
    ann.get_by_label("No Archive Warnings Apply").check()
    ann.get_by_label("Fandoms").fill("Discworld")
    ann.get_by_label("Work title").fill("Turtles All The Way")
    ann.get_by_label("Post to collections").fill("yule")
    ann.get_by_label("Gift this work to").fill("bob")
    ann.get_by_label("Text", exact=True).fill("<p>The turtle swam on.</p>")
    ann.get_by_role("button", name="Post").click()
    expect(ann.locator("p.byline")).to_have_text("Anonymous")
    assignment = Assignment.objects.get(giver__user__username="ann")
    assert assignment.fulfilled_by is not None

    # Bob sees nothing until the reveal; then the gift is on his gifts page.
    bob = tab(browser, viewport, live_server, "bob")
    bob.goto(live_server.url + "/users/bob/gifts/")
    expect(bob.get_by_role("heading", name="0 Gifts")).to_be_visible()
    mod.goto(live_server.url + "/collections/yule/")
    mod.get_by_role("button", name="Reveal works").click()
    bob.goto(live_server.url + "/users/bob/gifts/")
    expect(bob.get_by_role("link", name="Turtles All The Way")).to_be_visible()
    bob.screenshot(path=str(shots_dir / f"{layout}-gifts.png"), full_page=True)
    assert_accessible(bob)
    bob.goto(live_server.url + "/inbox/")
    expect(bob.get_by_text("Anonymous gave you a gift: Turtles All The Way")).to_be_visible()
