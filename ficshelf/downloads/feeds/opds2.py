"""The OPDS 2.0 catalog: the same feeds as OPDS 1.2 (``opds``), as JSON under ``/opds/v2/``.

Every OPDS 1.2 view serves both: ``version_2`` marks the request, and the two places that
lay a feed out (``opds._navigation_feed`` and ``opds._acquisition_feed``) hand it here. So
the works, their order, exclusions, visibility and paging are one code path; only the
shape differs (https://drafts.opds.io/opds-2.0): a feed is ``metadata``, ``links`` and
``navigation`` or ``publications``; search is a templated link instead of an OpenSearch
description.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from ficshelf.downloads.feeds.atom import timestamp, work_published, work_updated
from ficshelf.downloads.feeds.views import feed_response
from ficshelf.search.documents import plain_text
from ficshelf.works.display import credited_pseuds

if TYPE_CHECKING:
    from ficshelf.downloads.feeds.opds import NavigationItem, OpenSearchResult
    from ficshelf.downloads.feeds.paging import Paging
    from ficshelf.works.models import Work

OPDS2 = "application/opds+json"
EPUB = "application/epub+zip"
ACQUIRE = "http://opds-spec.org/acquisition"
BOOK = "http://schema.org/Book"


def version_2(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OPDS 1.2 view ``view``, answering in OPDS 2.0."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.opds_version = 2  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def is_version_2(request: HttpRequest) -> bool:
    return getattr(request, "opds_version", 1) == 2


def catalog_url_name(request: HttpRequest, name: str) -> str:
    """``feeds:opds_new`` in OPDS 1.2, ``feeds:opds2_new`` in 2.0: links stay in a version."""
    return f"feeds:opds2_{name}" if is_version_2(request) else f"feeds:opds_{name}"


def navigation_response(
    request: HttpRequest,
    *,
    title: str,
    items: Sequence[NavigationItem],
    paging: Paging | None,
    personal: bool,
) -> HttpResponse:
    feed = {
        "metadata": {"title": title},
        "links": _feed_links(request, paging),
        "navigation": [
            {"href": request.build_absolute_uri(item.url), "title": item.title, "type": OPDS2}
            for item in items
        ],
    }
    return _response(request, feed, personal=personal)


def publications_response(
    request: HttpRequest,
    works: Sequence[Work],
    *,
    title: str,
    paging: Paging,
    epub_url: Callable[[Work], str],
    opensearch: OpenSearchResult | None,
    subtitle: str,
    personal: bool,
) -> HttpResponse:
    metadata: dict[str, Any] = {"title": title}
    if subtitle:
        metadata["subtitle"] = subtitle
    if opensearch is not None:
        metadata["numberOfItems"] = opensearch.total
    if paging.last is not None:
        metadata["currentPage"] = paging.number
    feed = {
        "metadata": metadata,
        "links": _feed_links(request, paging),
        "publications": [_publication(request, work, epub_url(work)) for work in works],
    }
    return _response(request, feed, personal=personal)


def _publication(request: HttpRequest, work: Work, epub_path: str) -> dict[str, Any]:
    """One work, from ``for_blurbs()`` (tags and creators prefetched)."""
    work_url = request.build_absolute_uri(work.get_absolute_url())
    creators = credited_pseuds(work)
    authors: list[dict[str, Any]] = []
    for pseud in creators:
        author: dict[str, Any] = {"name": pseud.name}
        if pseud.user is not None:
            profile = reverse("users:profile", args=[pseud.user.username])
            author["links"] = [{"href": request.build_absolute_uri(profile), "type": "text/html"}]
        authors.append(author)
    metadata: dict[str, Any] = {
        "@type": BOOK,
        "identifier": work_url,
        "title": work.title,
        "author": authors or [{"name": "Anonymous"}],
        "modified": timestamp(work_updated(work)),
        "published": _day(work_published(work)).isoformat(),
        "subject": [
            {"name": tag.name, "scheme": tag.type}
            for tag in sorted(work.tags.all(), key=lambda t: (t.type, t.name))
        ],
    }
    if work.language is not None:
        metadata["language"] = work.language.short
    if work.summary:
        metadata["description"] = plain_text(work.summary)
    return {
        "metadata": metadata,
        "links": [
            {"rel": ACQUIRE, "href": request.build_absolute_uri(epub_path), "type": EPUB},
            {"rel": "alternate", "href": work_url, "type": "text/html"},
        ],
    }


def _day(moment: datetime.date | datetime.datetime) -> datetime.date:
    return moment.date() if isinstance(moment, datetime.datetime) else moment


def _feed_links(request: HttpRequest, paging: Paging | None) -> list[dict[str, Any]]:
    def absolute(name: str) -> str:
        return request.build_absolute_uri(reverse(f"feeds:opds2_{name}"))

    links: list[dict[str, Any]] = [
        {"rel": "self", "href": request.build_absolute_uri(request.get_full_path()), "type": OPDS2},
        {"rel": "start", "href": absolute("root"), "type": OPDS2},
        {
            "rel": "search",
            "href": f"{absolute('search')}{{?query}}",
            "type": OPDS2,
            "templated": True,
        },
    ]
    if paging is not None:
        links += [{"rel": rel, "href": url, "type": OPDS2} for rel, url in paging.links(request)]
    return links


def _response(request: HttpRequest, feed: dict[str, Any], *, personal: bool) -> HttpResponse:
    body = json.dumps(feed, ensure_ascii=False, indent=1).encode()
    return feed_response(request, body, OPDS2, personal=personal)
