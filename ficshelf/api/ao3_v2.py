"""AO3's own small API, for tools that already speak it: ``POST /api/v2/works/urls`` looks
works up by the address they were imported from (AO3's ``Api::V2::WorksController#search``
answers the same shape), so importers and archivists can see what is here already.

What a caller learns is what they could find on the site: a work they may not see (a draft,
hidden, registered-users-only for a guest) is "not found", like a missing one.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ficshelf.api.auth import reader
from ficshelf.api.reads import ERRORS
from ficshelf.importers.ao3_markup import normalise_work_url
from ficshelf.works.models import Work

router = Router(tags=["AO3 v2"])

# AO3 refuses a request of IMPORT_MAX_CHAPTERS (200) URLs or more.
MAX_URLS = 200
URL_MAX_LENGTH = 500  # as long as a stored source address may be


class OriginalUrl(Schema):
    id: str = Field("", max_length=200)
    url: str = Field(..., max_length=2000)


class UrlsIn(Schema):
    original_urls: list[str | OriginalUrl] = Field(
        ..., description=f"Fewer than {MAX_URLS} addresses, or {{id, url}} objects."
    )


class FoundWork(Schema):
    status: Literal["found", "not_found"]
    original_id: str
    original_url: str
    archive_url: str | None = None
    created: str | None = None
    messages: list[str]


class UrlsOut(Schema):
    status: Literal["ok", "empty_request", "too_many_request"]
    messages: list[str]
    works: list[FoundWork]


@router.post("/works/urls", response={200: UrlsOut, 400: UrlsOut, **ERRORS})
def works_by_original_url(request: HttpRequest, body: UrlsIn) -> Any:
    asked = body.original_urls
    if not asked:
        return Status(
            400,
            {
                "status": "empty_request",
                "messages": ["Please provide a list of URLs to find."],
                "works": [],
            },
        )
    if len(asked) >= MAX_URLS:
        return Status(
            400,
            {
                "status": "too_many_request",
                "messages": [f"Please provide fewer than {MAX_URLS} URLs to find."],
                "works": [],
            },
        )
    user = reader(request)
    pairs = [(a, "") if isinstance(a, str) else (a.url, a.id) for a in asked]
    variants = {url: _variants(url) for url, _ in pairs}
    wanted = {v for vs in variants.values() for v in vs}
    found = {
        work.source_url: work
        for work in Work.objects.visible_to(user)
        .posted()
        .filter(source_url__in=wanted)
        .only("pk", "title", "source_url", "created_at")
    }
    results = []
    for url, original_id in pairs:
        match = next((found[v] for v in variants[url] if v in found), None)
        if match is None:
            results.append(
                {
                    "status": "not_found",
                    "original_id": original_id,
                    "original_url": url,
                    "messages": [f"No work has been imported from “{url}”."],
                }
            )
            continue
        archive_url = request.build_absolute_uri(match.get_absolute_url())
        created = match.created_at.date().isoformat()
        results.append(
            {
                "status": "found",
                "original_id": original_id,
                "original_url": url,
                "archive_url": archive_url,
                "created": match.created_at.isoformat(),
                "messages": [
                    f"Work “{match.title}”, created on {created}, was found at “{archive_url}”."
                ],
            }
        )
    return Status(
        200, {"status": "ok", "messages": ["Successfully searched all URLs."], "works": results}
    )


def _variants(url: str) -> list[str]:
    """The forms one address is stored under: AO3 works by their canonical address, others
    with either scheme, with or without "www." and a trailing slash."""
    url = url.strip()[:URL_MAX_LENGTH]
    found = [url]
    canonical = normalise_work_url(url)
    if canonical:
        found.append(canonical)
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("http", "https"):
        bare = rest.removeprefix("www.").rstrip("/")
        for prefix in ("https://", "http://"):
            for host in (bare, f"www.{bare}"):
                found.extend([prefix + host, prefix + host + "/"])
    return list(dict.fromkeys(found))
