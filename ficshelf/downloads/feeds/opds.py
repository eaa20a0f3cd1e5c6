"""The OPDS 1.2 catalog: e-reader apps browse the archive and download EPUBs from it. The
same views answer OPDS 2.0 (JSON) under ``/opds/v2/`` (``opds2``).

Navigation feeds (the root, popular fandoms, series) lead to acquisition feeds (new
works, a tag, a series, Marked for Later, a reading list, search results) whose entries
carry an acquisition link to the work's EPUB.

New works, a tag, a series and search results are listings, so they go through
``find_works`` (``queries.feed_page``) like every other: the reader's saved exclusions and
mutes apply, a tag finds its synonyms' and sub tags' works, and search reads AO3's query
language (``search.query_language``) and the chapters' text; their pages (``first``,
``previous``, ``next``, ``last``) come from the backend's total. The popular fandoms and
their numbers are the backend's facet counts over what the reader may see and has not
excluded. Marked for Later and reading lists are the reader's own explicit choices, so
exclusions leave them alone; they, and the series index, go through ``queries.feed_works``
(the visibility rule and the feeds' stricter one). The EPUB link is the same URL the
Download menu gives, which checks visibility again.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

import lxml.etree as etree
from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ficshelf.accounts.reader_keys import challenge
from ficshelf.downloads.feeds import atom, opds2, queries
from ficshelf.downloads.feeds.paging import Paging
from ficshelf.downloads.feeds.views import feed_response, unavailable_response, visible_tag
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.names import url_slug
from ficshelf.search.exclusions import filter_id_of
from ficshelf.search.query import Sort, WorkQuery
from ficshelf.search.query_language import MAX_SEARCH_LENGTH, ParsedSearch, parse_search
from ficshelf.search.service import SearchUnavailable, WorkPage, find_works
from ficshelf.search.tag_conditions import TagSearch, look_up_tag_conditions
from ficshelf.social.models import Reading, ReadingList
from ficshelf.tags.models import TagType
from ficshelf.works.access import get_series_for_viewer
from ficshelf.works.models import Series, Work, WorkQuerySet

CATALOG = "application/atom+xml;profile=opds-catalog"
NAVIGATION = f"{CATALOG};kind=navigation"
ACQUISITION = f"{CATALOG};kind=acquisition"
OPENSEARCH_DESCRIPTION = "application/opensearchdescription+xml"
ACQUIRE = "http://opds-spec.org/acquisition"
SORT_NEW = "http://opds-spec.org/sort/new"
PAGE_SIZE = queries.FEED_SIZE


@dataclass(frozen=True)
class OpenSearchResult:
    terms: str
    total: int
    start_index: int


@dataclass(frozen=True)
class NavigationItem:
    title: str
    url: str
    description: str
    rel: str = "subsection"
    kind: str = ACQUISITION


def _catalog_url(request: HttpRequest, name: str, *args: int) -> str:
    """A catalog page's path in the version (1.2 or 2.0) the request is in."""
    return reverse(opds2.catalog_url_name(request, name), args=args)


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    try:
        return Paginator(items, PAGE_SIZE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def _catalog(
    request: HttpRequest,
    *,
    title: str,
    kind: str,
    paging: Paging | None,
    updated: datetime.datetime,
    subtitle: str = "",
) -> etree._Element:
    self_url = request.build_absolute_uri(request.get_full_path())
    feed = atom.new_feed(
        feed_id=request.build_absolute_uri(request.path),
        title=title,
        subtitle=subtitle,
        updated=updated,
        self_url=self_url,
        self_type=kind,
        nsmap=atom.OPDS_NSMAP,
    )
    author = etree.SubElement(feed, f"{{{atom.ATOM_NS}}}author")
    atom.text_element(author, f"{{{atom.ATOM_NS}}}name", settings.SITE_NAME)
    atom.text_element(author, f"{{{atom.ATOM_NS}}}uri", request.build_absolute_uri("/"))
    atom.link(feed, "start", request.build_absolute_uri(reverse("feeds:opds_root")), NAVIGATION)
    atom.link(
        feed,
        "search",
        request.build_absolute_uri(reverse("feeds:opds_search_description")),
        OPENSEARCH_DESCRIPTION,
    )
    if paging is not None:
        for rel, url in paging.links(request):
            atom.link(feed, rel, url, kind)
    return feed


def _navigation_feed(
    request: HttpRequest,
    *,
    title: str,
    items: list[NavigationItem],
    paging: Paging | None = None,
    personal: bool = False,
) -> HttpResponse:
    if opds2.is_version_2(request):
        return opds2.navigation_response(
            request, title=title, items=items, paging=paging, personal=personal
        )
    updated = atom.feed_updated([])
    feed = _catalog(request, title=title, kind=NAVIGATION, paging=paging, updated=updated)
    for item in items:
        entry = etree.SubElement(feed, f"{{{atom.ATOM_NS}}}entry")
        url = request.build_absolute_uri(item.url)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}title", item.title)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}id", url)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}updated", atom.timestamp(updated))
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}content", item.description, type="text")
        atom.link(entry, item.rel, url, item.kind)
    return feed_response(request, atom.render(feed), NAVIGATION, personal=personal)


def epub_url(work: Work) -> str:
    """The Download menu's EPUB address: /downloads/<id>/<slug>.epub."""
    return reverse("downloads:work", args=[work.pk, url_slug(work.title), "epub"])


def _acquisition_feed(
    request: HttpRequest,
    works: list[Work],
    *,
    title: str,
    paging: Paging,
    opensearch: OpenSearchResult | None = None,
    subtitle: str = "",
    personal: bool = False,
) -> HttpResponse:
    if opds2.is_version_2(request):
        return opds2.publications_response(
            request, works, title=title, paging=paging, epub_url=epub_url,
            opensearch=opensearch, subtitle=subtitle, personal=personal,
        )  # fmt: skip
    feed = _catalog(
        request,
        title=title,
        subtitle=subtitle,
        kind=ACQUISITION,
        paging=paging,
        updated=atom.feed_updated(works),
    )
    if opensearch is not None:
        prefix = f"{{{atom.OPENSEARCH_NS}}}"
        atom.text_element(feed, f"{prefix}totalResults", str(opensearch.total))
        atom.text_element(feed, f"{prefix}itemsPerPage", str(PAGE_SIZE))
        atom.text_element(feed, f"{prefix}startIndex", str(opensearch.start_index))
        etree.SubElement(
            feed, f"{prefix}Query", {"role": "request", "searchTerms": opensearch.terms}
        )
    epub = FORMATS_BY_EXTENSION["epub"]
    for work in works:
        entry = atom.work_entry(feed, request, work, for_opds=True)
        atom.link(
            entry,
            ACQUIRE,
            request.build_absolute_uri(epub_url(work)),
            epub.content_type,
            title=epub.label,
        )
    return feed_response(request, atom.render(feed), ACQUISITION, personal=personal)


def _listing_catalog(
    request: HttpRequest,
    query: WorkQuery | None,
    *,
    title: str,
    search_terms: str | None = None,
    subtitle: str = "",
) -> HttpResponse:
    """A page of ``query`` through ``find_works`` (``None``: nothing asked, no works)."""
    if query is None:
        query = queries.feed_query(request)
        page = WorkPage(works=[], total=0, query=query)
    else:
        try:
            page = queries.feed_page(request, query)
        except SearchUnavailable:
            return unavailable_response()
    if page.page > page.page_count:
        raise Http404("No such page.")
    opensearch = None
    if search_terms is not None:
        opensearch = OpenSearchResult(search_terms, page.total, page.first_index or 1)
    return _acquisition_feed(
        request,
        page.works,
        title=title,
        subtitle=subtitle,
        paging=Paging.of_works(page),
        opensearch=opensearch,
        personal=not page.exclusions.is_empty,
    )


def _list_catalog(request: HttpRequest, works: WorkQuerySet, *, title: str) -> HttpResponse:
    """A list the reader made themselves: all of it they may see, newest updates first."""
    page = _page(request, queries.newest_first(works))
    return _acquisition_feed(request, list(page.object_list), title=title, paging=Paging.of(page))


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    items = [
        NavigationItem(
            "New works",
            _catalog_url(request, "new"),
            "The most recently updated works.",
            rel=SORT_NEW,
        ),
        NavigationItem(
            "By tag",
            _catalog_url(request, "fandoms"),
            "Popular fandoms, by number of works.",
            kind=NAVIGATION,
        ),
        NavigationItem(
            "Series",
            _catalog_url(request, "series_index"),
            "Recently updated series.",
            kind=NAVIGATION,
        ),
    ]
    user = request.user
    if not user.is_authenticated:
        # Asking for it makes the app ask for a username and e-reader key (a 401).
        items.append(
            NavigationItem(
                "Your Marked for Later and reading lists",
                _catalog_url(request, "later"),
                "Sign in with your username and an e-reader key from your account page.",
            )
        )
    if user.is_authenticated:
        items.append(
            NavigationItem(
                "Marked for Later",
                _catalog_url(request, "later"),
                "Works you marked to read later.",
            )
        )
        for reading_list in ReadingList.objects.filter(owner=user):
            items.append(
                NavigationItem(
                    reading_list.name,
                    _catalog_url(request, "list", reading_list.pk),
                    f"Your reading list “{reading_list.name}”.",
                )
            )
    return _navigation_feed(request, title=f"{settings.SITE_NAME} catalog", items=items)


@require_safe
def new_works(request: HttpRequest) -> HttpResponse:
    return _listing_catalog(request, queries.feed_query(request), title="New works")


@require_safe
def fandoms(request: HttpRequest) -> HttpResponse:
    number = queries.page_number(request)
    shown_up_to = number * PAGE_SIZE
    # The backend's fandom counts over every work the reader may see and has not excluded
    # (no works, only counts); one more than this page shows tells whether there is a next.
    # Nobody counts the fandoms themselves, so there is no "last" link. Works without a
    # posted chapter, which the acquisition feeds leave out, are counted: there are few.
    query = WorkQuery(per_page=0, facet_types=(TagType.FANDOM.value,), facet_limit=shown_up_to + 1)
    try:
        page = find_works(request, query)
    except SearchUnavailable:
        return unavailable_response()
    counted = page.facets.get(TagType.FANDOM.value, [])
    shown = counted[shown_up_to - PAGE_SIZE : shown_up_to]
    if number > 1 and not shown:
        raise Http404("No such page.")
    items = [
        NavigationItem(
            entry.tag.name, _catalog_url(request, "tag", entry.tag.pk), f"{entry.count} works"
        )
        for entry in shown
    ]
    return _navigation_feed(
        request,
        title="Popular fandoms",
        items=items,
        paging=Paging(number, has_next=len(counted) > shown_up_to),
        personal=not page.exclusions.is_empty,
    )


@require_safe
def tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    found = visible_tag(request, tag_id)
    # As the tag's works page: a synonym finds its canonical's works, a meta tag its sub tags'.
    query = queries.feed_query(request, all_tag_ids=frozenset({filter_id_of(found)}))
    return _listing_catalog(request, query, title=found.name)


@require_safe
def series_index(request: HttpRequest) -> HttpResponse:
    visible = queries.feed_works(request.user).values("pk")
    recent = (
        Series.objects.filter(series_works__work__in=visible)
        .annotate(latest=Max("series_works__work__updated_on"), work_count=Count("series_works"))
        .order_by("-latest", "-pk")
    )
    page = _page(request, recent)
    items = [
        NavigationItem(
            series.title,
            _catalog_url(request, "series", series.pk),
            f"{series.work_count} works",
        )
        for series in page.object_list
    ]
    return _navigation_feed(request, title="Series", items=items, paging=Paging.of(page))


@require_safe
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    found = get_series_for_viewer(request, series_id)
    query = queries.feed_query(request, series_id=found.pk)
    return _listing_catalog(request, query, title=found.title)


@require_safe
def marked_for_later(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return challenge()
    marked = Reading.objects.filter(user=user, is_marked_for_later=True).values("work_id")
    works = queries.feed_works(user).filter(pk__in=marked)
    return _list_catalog(request, works, title="Marked for Later")


@require_safe
def reading_list(request: HttpRequest, list_id: int) -> HttpResponse:
    user = request.user
    found = ReadingList.objects.filter(pk=list_id).first()
    if found is not None and not found.is_public and not user.is_authenticated:
        return challenge()  # perhaps the reader's own: let the app sign in
    if found is None or not (found.is_public or found.owner_id == user.pk):
        raise Http404("No such reading list.")
    listed = found.items.values("work_id")
    works = queries.feed_works(user).filter(pk__in=listed)
    return _list_catalog(request, works, title=found.name)


@require_safe
def search_description(request: HttpRequest) -> HttpResponse:
    opensearch = f"{{{atom.OPENSEARCH_NS}}}"
    nsmap = {None: atom.OPENSEARCH_NS}
    root_element = etree.Element(f"{opensearch}OpenSearchDescription", nsmap=nsmap)  # type: ignore[arg-type]
    atom.text_element(root_element, f"{opensearch}ShortName", settings.SITE_NAME[:16])
    atom.text_element(
        root_element, f"{opensearch}Description", f"Search works on {settings.SITE_NAME}"
    )
    atom.text_element(root_element, f"{opensearch}InputEncoding", "UTF-8")
    atom.text_element(root_element, f"{opensearch}OutputEncoding", "UTF-8")
    search_url = request.build_absolute_uri(reverse("feeds:opds_search"))
    # The braces must reach the client as written, so they are not URL-encoded.
    template = f"{search_url}?q={{searchTerms}}&page={{startPage?}}"
    etree.SubElement(root_element, f"{opensearch}Url", {"type": ACQUISITION, "template": template})
    etree.SubElement(
        root_element, f"{opensearch}Url", {"type": "application/atom+xml", "template": template}
    )
    return feed_response(request, atom.render(root_element), OPENSEARCH_DESCRIPTION)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The search box's language (``search.query_language``): words anywhere, the chapters'
    text included, phrases, fields, counts and dates; ``sort:`` is honoured, else newest
    updates first as in every feed."""
    # "q" from the OpenSearch template (1.2), "query" from the templated link (2.0).
    asked = request.GET.get("q") or request.GET.get("query", "")
    terms = " ".join(asked.split())[:MAX_SEARCH_LENGTH]
    parsed = parse_search(terms, today=timezone.localdate()) if terms else None
    tags = look_up_tag_conditions(parsed.tags, request.user) if parsed is not None else None
    query = _search_query(request, parsed, tags) if parsed and tags else None
    notices = [*parsed.notices, *tags.notices] if parsed and tags else []
    return _listing_catalog(
        request,
        query,
        title=f"Search: {terms}" if terms else "Search",
        search_terms=terms,
        subtitle=" ".join(notices),
    )


def _search_query(request: HttpRequest, parsed: ParsedSearch, tags: TagSearch) -> WorkQuery | None:
    """What ``parsed`` asks for, or None when it asks for nothing (only a sort, say)."""
    ranges = {
        name: getattr(parsed, name)
        for name in ("words", "kudos", "hits", "comments", "bookmarks", "updated", "posted")
    }
    text = tags.text_beside(parsed.text)
    if text is None and tags.is_empty and all(value.is_open for value in ranges.values()):
        return None
    query = tags.narrowing(queries.feed_query(request, text=text, **ranges))
    if parsed.sort is not None:
        # As the search page: titles and creators A to Z unless the reader said otherwise.
        descending = parsed.sort not in (Sort.TITLE, Sort.CREATOR)
        query = dataclasses.replace(query, sort=parsed.sort, descending=descending)
    if parsed.descending is not None:
        query = dataclasses.replace(query, descending=parsed.descending)
    return query
