"""Every surface that shows or counts works, read as a viewer, against what the database
says that viewer may see (the visibility rule, evaluated fresh).

``problems(world, viewer)`` reads them all and lists each place where a surface shows or
counts a work it should not, or misses one it should (empty when all agree).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.test import Client
from lxml import etree

from ficshelf.accounts.models import User
from ficshelf.api.models import ApiToken
from ficshelf.api.tokens import digest, make_token
from ficshelf.downloads.feeds.queries import feed_works
from ficshelf.downloads.names import url_slug
from ficshelf.tags.models import FilterTagging, Tag
from ficshelf.works.models import Chapter, Creatorship, Work
from ficshelf.works.tag_access import visible_tags
from tests.search.listing_helpers import titles
from tests.visibility.world import (
    BOOKMARKER,
    BYSTANDER,
    CREATOR,
    FANDOM,
    SECRET,
    SOURCE_URL,
    SUBJECT,
    WATCHED_TAGS,
    WORD,
    World,
)

WATCHED_WORKS = frozenset({SUBJECT, BYSTANDER})
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_TOTAL = re.compile(r'id="listing-heading">\s*(?:[\d,]+ – [\d,]+ of )?([\d,]+) Works?')
_PROFILE_TOTAL = re.compile(r'id="works-heading">Works \((\d+)\)')
_BOOKMARKS_TOTAL = re.compile(
    r'id="listing-heading">\s*(?:[\d,]+ – [\d,]+ of )?(?:more than )?([\d,]+) Bookmarks?'
)
_TAG_COUNT = re.compile(r'<span class="index-count">\((\d+)\)</span>')


@dataclass(frozen=True)
class Viewer:
    name: str
    client: Client
    user: User | None

    @property
    def as_user(self) -> User | AnonymousUser:
        return self.user if self.user is not None else AnonymousUser()


@dataclass(frozen=True)
class Truth:
    """What the database says the viewer may see, right now."""

    visible: frozenset[str]  # titles of posted works the viewer may see
    subject_visible: bool
    word_readable: bool  # the subject's posted text holds the word, and may be read
    downloadable: bool
    with_word: frozenset[str]
    in_fandom: frozenset[str]
    in_series: frozenset[str]
    by_creator: dict[str, frozenset[str] | None]  # None: no such (active) member
    facet_counts: dict[str, int]  # filter tag name -> visible works it finds
    tag_pages: dict[str, int | None]  # tag name -> works its page counts (None: 404)


def truth(world: World, viewer: Viewer, creators: Iterable[str]) -> Truth:
    user = viewer.as_user
    visible = Work.objects.visible_to(user).posted()
    posted_word = Chapter.objects.filter(work=OuterRef("pk"), is_posted=True, text__icontains=WORD)
    with_word = visible.filter(Exists(posted_word))

    def names(works: Iterable[Work]) -> frozenset[str]:
        return frozenset(work.title for work in works) & WATCHED_WORKS

    def filtered_by(tag: Tag) -> frozenset[str]:
        return names(visible.filter(filter_taggings__tag=tag))

    by_creator: dict[str, frozenset[str] | None] = {}
    for username in creators:
        member = User.objects.filter(username=username, is_active=True).first()
        # A work in an anonymous collection is nobody's on the creators' pages.
        credited = Creatorship.objects.filter(
            pseud__user=member, is_approved=True, work__in_anonymous_collection=False
        )
        by_creator[username] = (
            None if member is None else names(visible.filter(pk__in=credited.values("work_id")))
        )
    tags = {name: Tag.objects.filter(name=name).first() for name in WATCHED_TAGS}
    seen_tags = visible_tags(user)
    subject = Work.objects.visible_to(user).filter(pk=world.subject.pk)
    return Truth(
        visible=names(visible),
        subject_visible=subject.exists(),
        word_readable=with_word.filter(pk=world.subject.pk).exists(),
        downloadable=feed_works(user).filter(pk=world.subject.pk).exists(),
        with_word=names(with_word),
        in_fandom=filtered_by(world.tag(FANDOM)),
        in_series=names(visible.filter(series_works__series=world.series)),
        by_creator=by_creator,
        facet_counts={
            name: len(filtered_by(tag))
            for name, tag in tags.items()
            if tag is not None and FilterTagging.objects.filter(tag=tag).exists()
        },
        tag_pages={
            name: (
                len(filtered_by(tag.canonical))
                if tag is not None and seen_tags.filter(pk=tag.pk).exists()
                else None
            )
            for name, tag in tags.items()
        },
    )


class Reading:
    """One viewer's reading of every surface, collecting what disagrees with the truth."""

    def __init__(self, world: World, viewer: Viewer) -> None:
        self.world = world
        self.viewer = viewer
        self.problems: list[str] = []

    def get(self, url: str) -> HttpResponse:
        response: HttpResponse = self.viewer.client.get(url)
        return response

    def expect(self, surface: str, seen: object, wanted: object) -> None:
        if seen != wanted:
            self.problems.append(f"{self.viewer.name} on {surface}: {seen!r}, expected {wanted!r}")

    def listing(self, surface: str, url: str, wanted: frozenset[str] | None) -> str:
        response = self.get(url)
        if wanted is None:
            self.expect(surface, response.status_code, 404)
            return ""
        self.expect(f"{surface} (status)", response.status_code, 200)
        html = unescape(response.content.decode())
        self.expect(surface, set(titles(html)) & WATCHED_WORKS, set(wanted))
        found = _TOTAL.search(html)
        # The walk's archive holds the watched works alone: the total counts those.
        self.expect(f"{surface} total", int(found.group(1)) if found else None, len(wanted))
        return html


def problems(world: World, viewer: Viewer) -> list[str]:
    known = truth(world, viewer, world.creators)
    reading = Reading(world, viewer)
    _work_page(reading, known)
    _listings_and_facets(reading, known)
    _tag_pages(reading, known)
    _home_page(reading, known)
    _feeds(reading, known)
    _catalogs(reading, known)
    _creators_and_series(reading, known)
    _bookmark_listings(reading, known)
    _autocomplete(reading)
    _api(reading, known)
    return reading.problems


def _work_page(reading: Reading, known: Truth) -> None:
    subject = reading.world.subject
    response = reading.get(f"/works/{subject.pk}/?view_full_work=true")
    text = unescape(response.content.decode())
    if known.subject_visible:
        reading.expect("the work page (status)", response.status_code, 200)
    else:
        # Hidden, or a muted creator's notice: either way no text of the work.
        reading.expect("the work page (status)", response.status_code in (200, 404), True)
    reading.expect("the work page's text", WORD in text, known.word_readable)
    download = reading.get(f"/downloads/{subject.pk}/{url_slug(SUBJECT)}.epub")
    reading.expect("the EPUB download", download.status_code, 200 if known.downloadable else 404)


def _listings_and_facets(reading: Reading, known: Truth) -> None:
    html = reading.listing("the archive listing", "/works/", known.visible)
    for name in WATCHED_TAGS:
        count = re.search(re.escape(name) + r' <span class="count">\(([\d,]+)\)</span>', html)
        reading.expect(
            f"the archive sidebar's count for {name}",
            int(count.group(1)) if count else 0,
            known.facet_counts.get(name, 0),
        )
    reading.listing("the fandom's listing", f"/tags/{FANDOM}/works/", known.in_fandom)
    found = reading.listing("the search page", f"/search/?q={WORD}", known.with_word)
    snippets = found.count('class="snippets"')
    reading.expect("the search page's snippets", snippets, len(known.with_word))


def _tag_pages(reading: Reading, known: Truth) -> None:
    for name, wanted in known.tag_pages.items():
        response = reading.get(f"/tags/{name}/")
        if wanted is None:
            reading.expect(f"the tag page of {name}", response.status_code, 404)
            continue
        count = _TAG_COUNT.search(response.content.decode())
        reading.expect(f"the tag page of {name}", int(count.group(1)) if count else None, wanted)
    index = reading.get("/tags/").content.decode()
    count = re.search(re.escape(FANDOM) + r'</a> <span class="index-count">\((\d+)\)', index)
    reading.expect("the fandoms index", int(count.group(1)) if count else 0, len(known.in_fandom))


def _home_page(reading: Reading, known: Truth) -> None:
    """The home page's newest works (the walk's archive is smaller than it shows) and its
    fandom counts."""
    html = unescape(reading.get("/").content.decode())
    reading.expect("the home page's works", set(titles(html)) & WATCHED_WORKS, set(known.visible))
    count = re.search(re.escape(FANDOM) + r'</a> <span class="index-count">\((\d+)\)', html)
    reading.expect(
        "the home page's fandom count", int(count.group(1)) if count else 0, len(known.in_fandom)
    )


def _atom_titles(response: HttpResponse) -> set[str]:
    root = etree.fromstring(response.content)
    return {
        entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")
    } & WATCHED_WORKS


def _feeds(reading: Reading, known: Truth) -> None:
    fandom = reading.world.tag(FANDOM)
    feed = reading.get(f"/tags/{fandom.pk}/feed.atom")
    reading.expect("the fandom's Atom feed", _atom_titles(feed), set(known.in_fandom))
    for username, wanted in known.by_creator.items():
        feed = reading.get(f"/users/{username}/feed.atom")
        if wanted is None:
            reading.expect(f"{username}'s Atom feed", feed.status_code, 404)
        else:
            reading.expect(f"{username}'s Atom feed", _atom_titles(feed), set(wanted))


def _catalogs(reading: Reading, known: Truth) -> None:
    fandom = reading.world.tag(FANDOM)
    reading.expect("OPDS new works", _atom_titles(reading.get("/opds/new/")), set(known.visible))
    tag_catalog = reading.get(f"/opds/tags/{fandom.pk}/")
    reading.expect("OPDS fandom", _atom_titles(tag_catalog), set(known.in_fandom))
    search = reading.get(f"/opds/search/?q={WORD}")
    reading.expect("OPDS search", _atom_titles(search), set(known.with_word))
    total = etree.fromstring(search.content).findtext(f"{OPENSEARCH}totalResults")
    reading.expect("OPDS search's total", int(total or -1), len(known.with_word))
    newest = json.loads(reading.get("/opds/v2/new/").content)
    reading.expect("OPDS 2 new works", _publications(newest), set(known.visible))
    found = json.loads(reading.get(f"/opds/v2/search/?query={WORD}").content)
    reading.expect("OPDS 2 search", _publications(found), set(known.with_word))
    reading.expect(
        "OPDS 2 search's total", found["metadata"].get("numberOfItems"), len(known.with_word)
    )


def _publications(feed: dict[str, object]) -> set[str]:
    publications = feed.get("publications") or []
    assert isinstance(publications, list)
    return {p["metadata"]["title"] for p in publications} & WATCHED_WORKS


def _creators_and_series(reading: Reading, known: Truth) -> None:
    for username, wanted in known.by_creator.items():
        profile = reading.get(f"/users/{username}/")
        if wanted is None:
            reading.expect(f"{username}'s profile", profile.status_code, 404)
        else:
            html = unescape(profile.content.decode())
            reading.expect(f"{username}'s profile", set(titles(html)) & WATCHED_WORKS, set(wanted))
            total = _PROFILE_TOTAL.search(html)
            reading.expect(
                f"{username}'s profile count", int(total.group(1)) if total else None, len(wanted)
            )
        reading.listing(f"{username}'s works listing", f"/users/{username}/works/", wanted)
        # The profile's series tab: the series, while one of its works is theirs to list.
        series_tab = reading.get(f"/users/{username}/series/")
        if wanted is None:
            reading.expect(f"{username}'s series tab", series_tab.status_code, 404)
        else:
            listed = reading.world.series.title in unescape(series_tab.content.decode())
            reading.expect(f"{username}'s series tab", listed, bool(wanted & known.in_series))
    series = reading.world.series.pk
    in_series = known.in_series or None
    reading.listing("the series' works listing", f"/series/{series}/works/", in_series)
    page = reading.get(f"/series/{series}/")
    if in_series is None:
        reading.expect("the series page", page.status_code, 404)
    else:
        shown = set(titles(unescape(page.content.decode()))) & WATCHED_WORKS
        reading.expect("the series page", shown, set(in_series))


def _bookmark_listings(reading: Reading, known: Truth) -> None:
    """The bookmarker's bookmarks of both works: bookmark search by the fandom (its total and
    its sidebar's count) and the bookmarker's page show those of visible works alone."""
    fandom = reading.world.tag(FANDOM)
    searched = _bookmark_listing(
        reading,
        "bookmark search by the fandom",
        f"/bookmarks/search/?tag={fandom.pk}",
        known.in_fandom,
    )
    count = re.search(re.escape(FANDOM) + r' <span class="count">\(([\d,]+)\)</span>', searched)
    reading.expect(
        "bookmark search's sidebar count for the fandom",
        int(count.group(1)) if count else 0,
        len(known.in_fandom),
    )
    page = _bookmark_listing(
        reading, "the bookmarker's page", f"/users/{BOOKMARKER}/bookmarks/", known.visible
    )
    subject = Work.objects.filter(pk=reading.world.subject.pk).first()
    if subject is not None and subject.in_anonymous_collection:
        for surface, html in (("bookmark search", searched), ("the bookmarker's page", page)):
            reading.expect(f"{surface} names the anonymous work's creator", CREATOR in html, False)


def _bookmark_listing(reading: Reading, surface: str, url: str, wanted: frozenset[str]) -> str:
    response = reading.get(url)
    reading.expect(f"{surface} (status)", response.status_code, 200)
    html = unescape(response.content.decode())
    reading.expect(surface, set(titles(html)) & WATCHED_WORKS, set(wanted))
    found = _BOOKMARKS_TOTAL.search(html)
    reading.expect(f"{surface} total", int(found.group(1)) if found else None, len(wanted))
    return html


def _autocomplete(reading: Reading) -> None:
    response = reading.get("/tags/autocomplete/?type=freeform&term=walkabout")
    if reading.viewer.user is None:
        reading.expect("tag suggestions (guests are sent to sign in)", response.status_code, 302)
        return
    suggested = SECRET in json.loads(response.content)["tags"]
    could_meet = visible_tags(reading.viewer.user).filter(name=SECRET).exists()
    reading.expect("tag suggestions", suggested, could_meet)


# --- The API (ficshelf/api): the same rule, read with the viewer's token ------------------


def _api_headers(reading: Reading) -> dict[str, str]:
    """A guest sends no token; a member a read token of theirs (made once per walk)."""
    user = reading.viewer.user
    if user is None:
        return {}
    token = _API_TOKENS.get(user.pk)
    if token is None or not ApiToken.objects.filter(token_hash=digest(token)).exists():
        token = _API_TOKENS[user.pk] = make_token(user, "visibility walk", ["read"], 7)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


_API_TOKENS: dict[int, str] = {}


def _api_get(reading: Reading, url: str) -> tuple[int, Any]:
    response = reading.viewer.client.get(url, **_api_headers(reading))
    return response.status_code, json.loads(response.content)


def api_listing_urls(world: World) -> list[str]:
    """The API's listings, read before each entry point (as the HTML listings are) so a
    stale kept answer would be served after."""
    fandom = world.tag(FANDOM)
    return [
        "/api/v1/works?facets=true",
        f"/api/v1/works?tag_id={fandom.pk}",
        f"/api/v1/works?q={WORD}",
        f"/api/v1/works?username={world.creator.username}",
        f"/api/v1/works?series_id={world.series.pk}",
    ]


def read_api_listings(world: World, viewer: Viewer) -> None:
    reading = Reading(world, viewer)
    for url in api_listing_urls(world):
        reading.viewer.client.get(url, **_api_headers(reading))


def _api_listing(reading: Reading, surface: str, url: str, wanted: frozenset[str] | None) -> Any:
    status, data = _api_get(reading, url)
    if wanted is None:
        reading.expect(surface, status, 404)
        return None
    reading.expect(f"{surface} (status)", status, 200)
    if status != 200:
        return None
    shown = {work["title"] for work in data["works"]} & WATCHED_WORKS
    reading.expect(surface, shown, set(wanted))
    reading.expect(f"{surface} total", data["total"], len(wanted))
    return data


def _api(reading: Reading, known: Truth) -> None:
    world = reading.world
    fandom = world.tag(FANDOM)
    data = _api_listing(reading, "the API's works", "/api/v1/works?facets=true", known.visible)
    if data is not None:
        counted = {f["tag"]["name"]: f["count"] for fs in data["facets"].values() for f in fs}
        for name in WATCHED_TAGS:
            reading.expect(
                f"the API's facet count for {name}",
                counted.get(name, 0),
                known.facet_counts.get(name, 0),
            )
    _api_listing(
        reading, "the API's fandom works", f"/api/v1/works?tag_id={fandom.pk}", known.in_fandom
    )
    _api_listing(reading, "the API's search", f"/api/v1/works?q={WORD}", known.with_word)
    for username, wanted in known.by_creator.items():
        _api_listing(
            reading, f"the API's works by {username}", f"/api/v1/works?username={username}", wanted
        )
        status, _ = _api_get(reading, f"/api/v1/users/{username}")
        reading.expect(f"the API's member {username}", status, 404 if wanted is None else 200)
    series = world.series.pk
    in_series = known.in_series or None
    _api_listing(reading, "the API's series works", f"/api/v1/works?series_id={series}", in_series)
    status, _ = _api_get(reading, f"/api/v1/series/{series}")
    reading.expect("the API's series", status, 404 if in_series is None else 200)
    _api_work(reading, known)
    for name, wanted in known.tag_pages.items():
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            continue
        status, _ = _api_get(reading, f"/api/v1/tags/{tag.pk}")
        reading.expect(f"the API's tag {name}", status, 404 if wanted is None else 200)
    found = reading.viewer.client.post(
        "/api/v2/works/urls",
        json.dumps({"original_urls": [SOURCE_URL]}),
        content_type="application/json",
        **_api_headers(reading),
    )
    is_found = json.loads(found.content)["works"][0]["status"] == "found"
    reading.expect("AO3's works/urls look-up", is_found, known.subject_visible)


def _api_work(reading: Reading, known: Truth) -> None:
    subject = reading.world.subject
    status, data = _api_get(reading, f"/api/v1/works/{subject.pk}")
    reading.expect("the API's work (status)", status, 200 if known.subject_visible else 404)
    text = json.dumps(data)
    reading.expect("the API's work's text", WORD in text, known.word_readable)
    current = Work.objects.filter(pk=subject.pk).first()
    if status == 200 and current is not None and current.in_anonymous_collection:
        reading.expect("the API's anonymous work names no creator", CREATOR in text, False)
    for part in ("comments", "bookmarks", "kudos"):
        status, _ = _api_get(reading, f"/api/v1/works/{subject.pk}/{part}")
        reading.expect(f"the API's work {part}", status, 200 if known.subject_visible else 404)
