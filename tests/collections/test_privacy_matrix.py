"""Anonymous and unrevealed collections on every surface, for every kind of viewer.

The subject work is put in a collection of each state; then a guest, a member, the work's
creator, the collection's moderator and an admin read the work page, the listings, the
search (by word and by ``creator:``), the creator's profile, the feeds, the OPDS catalog
and the downloads, each after the worker indexed the change and (for the listings) also
before, while the index still has the old copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import unescape

import pytest
from django.test import Client
from lxml import etree, html

from ficshelf.accounts.models import User
from ficshelf.downloads.names import url_slug
from ficshelf.works.collection_items import add_work, create_collection, reveal
from ficshelf.works.models import Collection, Work
from tests.factories import UserFactory
from tests.search.listing_helpers import titles
from tests.visibility.world import (
    CREATOR,
    FANDOM,
    SUBJECT,
    WORD,
    World,
    build_world,
    index_everything,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
VIEWERS = ("guest", "member", "creator", "moderator", "admin")
# Who may see a work waiting to be revealed (the visibility rule).
SEES_UNREVEALED = {"creator", "moderator", "admin"}


@dataclass
class Setup:
    world: World
    collection: Collection
    clients: dict[str, Client]


def setup(*, anonymous: bool, unrevealed: bool, indexed: bool = True) -> Setup:
    world = build_world()
    index_everything()
    moderator = UserFactory(username="festmod")
    collection = create_collection(
        Collection(name="fest", title="Fest", is_anonymous=anonymous, is_unrevealed=unrevealed),
        owner=moderator,
    )
    add_work(collection, world.subject, actor=world.creator)
    if indexed:
        index_everything()
    clients = {"guest": Client()}
    for name, user in (
        ("member", world.reader),
        ("creator", world.creator),
        ("moderator", moderator),
        ("admin", world.admin),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    return Setup(world, collection, clients)


def byline_on_work_page(page: str) -> str:
    found = html.fromstring(page).xpath('//p[@class="byline"]')
    return " ".join(found[0].text_content().split()) if found else ""


def listed(client: Client, url: str) -> set[str]:
    return set(titles(unescape(client.get(url).content.decode())))


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "index-behind"])
def test_an_unrevealed_work_is_seen_only_by_its_creator_moderators_and_admins(
    viewer: str, indexed: bool
) -> None:
    s = setup(anonymous=False, unrevealed=True, indexed=indexed)
    client = s.clients[viewer]
    work = s.world.subject
    page = client.get(f"/works/{work.pk}/?view_full_work=true")
    sees = viewer in SEES_UNREVEALED
    shown = page.content.decode()
    assert page.status_code == 200
    assert (WORD in shown) is sees
    # Others get AO3's "Mystery Work": where it waits, nothing of the work.
    assert ("Mystery Work" in shown) is not sees
    if not sees:
        assert SUBJECT not in shown and CREATOR not in shown and "Fest" in shown
    download = client.get(f"/downloads/{work.pk}/{url_slug(SUBJECT)}.html")
    assert download.status_code == (200 if sees else 404)
    # Listings, search, feeds and catalogs never show it before the reveal: the index does
    # not hold works waiting to be revealed, for anyone.
    assert SUBJECT not in listed(client, "/works/")
    assert SUBJECT not in listed(client, f"/tags/{FANDOM}/works/")
    assert SUBJECT not in listed(client, f"/search/?q={WORD}")
    assert SUBJECT not in listed(client, "/collections/fest/works/")
    assert SUBJECT not in listed(client, f"/users/{CREATOR}/")
    feed = etree.fromstring(client.get(f"/tags/{s.world.tag(FANDOM).pk}/feed.atom").content)
    assert SUBJECT not in {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
    newest = json.loads(client.get("/opds/v2/new/").content)
    assert SUBJECT not in {p["metadata"]["title"] for p in newest.get("publications", [])}
    # The collection says how many wait, without naming them.
    profile = client.get("/collections/fest/").content.decode()
    assert "1 more will be revealed" in profile
    assert SUBJECT not in profile


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_anonymous_work_names_no_creator_anywhere(viewer: str) -> None:
    s = setup(anonymous=True, unrevealed=False)
    client = s.clients[viewer]
    work = s.world.subject
    page = client.get(f"/works/{work.pk}/").content.decode()
    assert byline_on_work_page(page) == "Anonymous"
    listing = unescape(client.get("/works/").content.decode())
    assert SUBJECT in titles(listing)
    blurb = html.fromstring(listing).xpath(f'//li[.//a[text()="{SUBJECT}"]]')[0]
    assert CREATOR not in blurb.text_content()
    assert "Anonymous" in blurb.text_content()
    # Found by its words, never by its creator's name.
    assert SUBJECT in listed(client, f"/search/?q={WORD}")
    assert SUBJECT not in listed(client, f"/search/?q=creator:{CREATOR}")
    assert SUBJECT not in listed(client, f"/search/?q={CREATOR}")
    assert SUBJECT not in listed(client, f"/users/{CREATOR}/works/")
    assert SUBJECT not in listed(client, f"/users/{CREATOR}/")
    # Feeds, catalogs and downloads.
    feed = etree.fromstring(client.get(f"/tags/{s.world.tag(FANDOM).pk}/feed.atom").content)
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == SUBJECT)
    assert [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")] == ["Anonymous"]
    newest = json.loads(client.get("/opds/v2/new/").content)
    found = next(p for p in newest["publications"] if p["metadata"]["title"] == SUBJECT)
    assert found["metadata"]["author"] == [{"name": "Anonymous"}]
    download = client.get(f"/downloads/{work.pk}/{url_slug(SUBJECT)}.html")
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert CREATOR not in text and "Anonymous" in text
    assert CREATOR not in download["Content-Disposition"]


def test_revealing_names_the_creators_and_shows_the_works_again() -> None:
    s = setup(anonymous=True, unrevealed=True)
    guest = s.clients["guest"]
    work = s.world.subject
    assert "Mystery Work" in guest.get(work.get_absolute_url()).content.decode()
    moderator = User.objects.get(username="festmod")

    revealed = reveal(s.collection, actor=moderator)

    assert revealed.works == [work.pk] and revealed.creators == [work.pk]
    fresh = Work.objects.get(pk=work.pk)
    assert not fresh.in_unrevealed_collection and not fresh.in_anonymous_collection
    page = guest.get(work.get_absolute_url()).content.decode()
    assert byline_on_work_page(page) == CREATOR
    # Before the worker runs (the queue is not drained) and after.
    assert SUBJECT in listed(guest, f"/search/?q={WORD}")
    index_everything()
    assert SUBJECT in listed(guest, f"/search/?q=creator:{CREATOR}")
    assert SUBJECT in listed(guest, f"/users/{CREATOR}/works/")


def test_a_creators_comment_on_their_anonymous_work_is_signed_anonymous_creator() -> None:
    from ficshelf.social.actions import post_comment
    from ficshelf.social.models import InboxItem

    s = setup(anonymous=True, unrevealed=False)
    work, creator = s.world.subject, s.world.creator
    chapter = work.chapters.get()
    reader_comment = post_comment(chapter, actor=s.world.reader, text="<p>Lovely.</p>")
    post_comment(chapter, actor=creator, text="<p>Thank you!</p>", parent=reader_comment)
    for viewer in ("guest", "member"):
        page = s.clients[viewer].get(f"/works/{work.pk}/").content.decode()
        assert "Anonymous Creator" in page
        assert f'<span class="comment-author">{CREATOR}</span>' not in page
    notice = InboxItem.objects.get(recipient=s.world.reader, kind="reply")
    assert CREATOR not in notice.text and "Anonymous Creator" in notice.text


def test_no_mystery_page_for_works_hidden_otherwise() -> None:
    """A restricted work waiting to be revealed stays a 404 for a guest, as does one an
    admin hid: the placeholder never tells of a work the rule hides for another reason."""
    s = setup(anonymous=False, unrevealed=True)
    work = Work.objects.get(pk=s.world.subject.pk)
    work.is_restricted = True
    work.save()
    assert s.clients["guest"].get(work.get_absolute_url()).status_code == 404
    assert "Mystery Work" in s.clients["member"].get(work.get_absolute_url()).content.decode()
    work.is_restricted, work.is_hidden_by_admin = False, True
    work.save()
    assert s.clients["member"].get(work.get_absolute_url()).status_code == 404
