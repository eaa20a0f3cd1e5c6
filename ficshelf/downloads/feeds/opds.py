"""The OPDS 1.2 catalog: e-reader apps browse the archive and download EPUBs from it.

Navigation feeds (the root, popular fandoms, series) lead to acquisition feeds (new
works, a tag, a series, Marked for Later, a reading list, search results) whose entries
carry an acquisition link to the work's EPUB. Every list of works goes through
``queries.feed_works`` (the visibility rule), and the EPUB link is the same URL the
Download menu gives, which checks visibility again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import lxml.etree as etree
from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from ficshelf.downloads.feeds import atom, queries
from ficshelf.downloads.feeds.views import feed_response
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.names import url_slug
from ficshelf.social.models import Reading, ReadingList
from ficshelf.tags.models import Tag, TagType
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
class NavigationItem:
    title: str
    url: str
    description: str
    rel: str = "subsection"
    kind: str = ACQUISITION


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    try:
        return Paginator(items, PAGE_SIZE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def _page_url(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _catalog(
    request: HttpRequest,
    *,
    title: str,
    kind: str,
    page: Page[Any] | None,
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
    if page is not None:
        if page.has_previous():
            atom.link(feed, "first", _page_url(request, 1), kind)
            atom.link(feed, "previous", _page_url(request, page.previous_page_number()), kind)
        if page.has_next():
            atom.link(feed, "next", _page_url(request, page.next_page_number()), kind)
            atom.link(feed, "last", _page_url(request, page.paginator.num_pages), kind)
    return feed


def _navigation_feed(
    request: HttpRequest, *, title: str, items: list[NavigationItem], page: Page[Any] | None = None
) -> HttpResponse:
    updated = atom.feed_updated([])
    feed = _catalog(request, title=title, kind=NAVIGATION, page=page, updated=updated)
    for item in items:
        entry = etree.SubElement(feed, f"{{{atom.ATOM_NS}}}entry")
        url = request.build_absolute_uri(item.url)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}title", item.title)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}id", url)
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}updated", atom.timestamp(updated))
        atom.text_element(entry, f"{{{atom.ATOM_NS}}}content", item.description, type="text")
        atom.link(entry, item.rel, url, item.kind)
    return feed_response(request, atom.render(feed), NAVIGATION)


def epub_url(work: Work) -> str:
    """The Download menu's EPUB address: /downloads/<id>/<slug>.epub."""
    return reverse("downloads:work", args=[work.pk, url_slug(work.title), "epub"])


def _acquisition_feed(
    request: HttpRequest, works: WorkQuerySet, *, title: str, search_terms: str | None = None
) -> HttpResponse:
    page = _page(request, queries.newest_first(works))
    entries = list(page.object_list)
    feed = _catalog(
        request, title=title, kind=ACQUISITION, page=page, updated=atom.feed_updated(entries)
    )
    if search_terms is not None:
        opensearch = f"{{{atom.OPENSEARCH_NS}}}"
        atom.text_element(feed, f"{opensearch}totalResults", str(page.paginator.count))
        atom.text_element(feed, f"{opensearch}itemsPerPage", str(PAGE_SIZE))
        atom.text_element(feed, f"{opensearch}startIndex", str(page.start_index() or 1))
        etree.SubElement(
            feed, f"{opensearch}Query", {"role": "request", "searchTerms": search_terms}
        )
    epub = FORMATS_BY_EXTENSION["epub"]
    for work in entries:
        entry = atom.work_entry(feed, request, work, for_opds=True)
        atom.link(
            entry,
            ACQUIRE,
            request.build_absolute_uri(epub_url(work)),
            epub.content_type,
            title=epub.label,
        )
    return feed_response(request, atom.render(feed), ACQUISITION)


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    items = [
        NavigationItem(
            "New works", reverse("feeds:opds_new"), "The most recently updated works.", rel=SORT_NEW
        ),
        NavigationItem(
            "By tag",
            reverse("feeds:opds_fandoms"),
            "Popular fandoms, by number of works.",
            kind=NAVIGATION,
        ),
        NavigationItem(
            "Series",
            reverse("feeds:opds_series_index"),
            "Recently updated series.",
            kind=NAVIGATION,
        ),
    ]
    user = request.user
    if user.is_authenticated:
        items.append(
            NavigationItem(
                "Marked for Later", reverse("feeds:opds_later"), "Works you marked to read later."
            )
        )
        for reading_list in ReadingList.objects.filter(owner=user):
            items.append(
                NavigationItem(
                    reading_list.name,
                    reverse("feeds:opds_list", args=[reading_list.pk]),
                    f"Your reading list “{reading_list.name}”.",
                )
            )
    return _navigation_feed(request, title=f"{settings.SITE_NAME} catalog", items=items)


@require_safe
def new_works(request: HttpRequest) -> HttpResponse:
    works = queries.feed_works(request.user)
    return _acquisition_feed(request, works, title="New works")


@require_safe
def fandoms(request: HttpRequest) -> HttpResponse:
    visible = queries.feed_works(request.user).values("pk")
    # Filtering before annotating counts only the visible works of each fandom.
    popular = (
        Tag.objects.filter(type=TagType.FANDOM, works__in=visible)
        .annotate(work_count=Count("works"))
        .order_by("-work_count", "name")
    )
    page = _page(request, popular)
    items = [
        NavigationItem(
            tag.name, reverse("feeds:opds_tag", args=[tag.pk]), f"{tag.work_count} works"
        )
        for tag in page.object_list
    ]
    return _navigation_feed(request, title="Popular fandoms", items=items, page=page)


@require_safe
def tag(request: HttpRequest, tag_id: int) -> HttpResponse:
    found = get_object_or_404(Tag, pk=tag_id)
    works = queries.tagged(queries.feed_works(request.user), found)
    return _acquisition_feed(request, works, title=found.name)


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
            reverse("feeds:opds_series", args=[series.pk]),
            f"{series.work_count} works",
        )
        for series in page.object_list
    ]
    return _navigation_feed(request, title="Series", items=items, page=page)


@require_safe
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    found = get_series_for_viewer(request, series_id)
    works = queries.in_series(queries.feed_works(request.user), found.pk)
    return _acquisition_feed(request, works, title=found.title)


@require_safe
def marked_for_later(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        raise Http404("Sign in to see Marked for Later.")
    marked = Reading.objects.filter(user=user, is_marked_for_later=True).values("work_id")
    works = queries.feed_works(user).filter(pk__in=marked)
    return _acquisition_feed(request, works, title="Marked for Later")


@require_safe
def reading_list(request: HttpRequest, list_id: int) -> HttpResponse:
    user = request.user
    found = ReadingList.objects.filter(pk=list_id).first()
    if found is None or not (found.is_public or found.owner_id == user.pk):
        raise Http404("No such reading list.")
    listed = found.items.values("work_id")
    works = queries.feed_works(user).filter(pk__in=listed)
    return _acquisition_feed(request, works, title=found.name)


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
    terms = " ".join(request.GET.get("q", "").split())[:200]
    works = queries.feed_works(request.user)
    works = queries.matching(works, terms) if terms else works.none()
    title = f"Search: {terms}" if terms else "Search"
    return _acquisition_feed(request, works, title=title, search_terms=terms)
