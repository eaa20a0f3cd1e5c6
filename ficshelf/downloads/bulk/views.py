"""A series, a reading list or a creator's own works as one zip; a series or a reading
list as one EPUB (an omnibus, ``bulk.omnibus``).

Packing many works takes a while, so the worker does it: the first request queues the
zip or book and answers 202 with a page that reloads itself and says how far the packing got;
once it is there it is served, by any server (``made_files``). Series and lists hold only
works the requester may see that are posted and not hidden (what a single download allows);
the backup holds every work the signed-in user is an approved creator of, drafts and hidden
works too, with every chapter, as EPUB and HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, Min, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ficshelf.core.ratelimit import RateLimit, limit_address, too_many_response
from ficshelf.downloads import made_files
from ficshelf.downloads.bulk import actions, tasks
from ficshelf.downloads.bulk.actions import Entry
from ficshelf.downloads.exporters.epub import MEDIA_TYPE as EPUB_MEDIA_TYPE
from ficshelf.downloads.exporters.txt import html_paragraphs
from ficshelf.downloads.made_files import PREPARATION_TIMEOUT_SECONDS
from ficshelf.downloads.names import content_disposition
from ficshelf.social.access import get_reading_list_for_viewer
from ficshelf.social.models import ReadingList, ReadingListItem
from ficshelf.works.access import get_series_for_viewer
from ficshelf.works.models import Series, Work, WorkQuerySet

# How often the "Packing…" page reloads itself, in seconds.
REFRESH_SECONDS = 3
# New zips one user (or address, for guests) may queue per window: packing is the
# worker's slowest job, and page reloads of a zip already queued do not count.
NEW_ZIPS = RateLimit("bulk-download", limit=10, window_seconds=60 * 60)


@require_safe
def series_zip(request: HttpRequest, series_id: int) -> HttpResponseBase:
    series, entries = _series_entries(request, series_id)
    return _serve(
        request,
        kind=f"series:{series.pk}",
        heading=f"Series: {series.title}",
        filename=f"{series.title} (series).zip",
        entries=entries,
        extensions=["epub"],
    )


@require_safe
def series_book(request: HttpRequest, series_id: int) -> HttpResponseBase:
    series, entries = _series_entries(request, series_id)
    return _serve_book(
        request,
        Book(
            title=series.title,
            source_url=request.build_absolute_uri(reverse("works:series", args=[series.pk])),
            description="\n\n".join(html_paragraphs(series.summary)),
            filename=f"{series.title} (series).epub",
            heading=f"Series: {series.title}",
        ),
        entries,
    )


@require_safe
def reading_list_zip(request: HttpRequest, list_id: int) -> HttpResponseBase:
    reading_list, entries = _reading_list_entries(request, list_id)
    return _serve(
        request,
        kind=f"list:{reading_list.pk}",
        heading=f"Reading list: {reading_list.name} ({reading_list.owner.username})",
        filename=f"{reading_list.name} (reading list).zip",
        entries=entries,
        extensions=["epub"],
    )


@require_safe
def reading_list_book(request: HttpRequest, list_id: int) -> HttpResponseBase:
    reading_list, entries = _reading_list_entries(request, list_id)
    heading = f"Reading list: {reading_list.name} ({reading_list.owner.username})"
    return _serve_book(
        request,
        Book(
            title=f"{reading_list.name} ({reading_list.owner.username})",
            source_url=request.build_absolute_uri(
                reverse("social:list_detail", args=[reading_list.pk])
            ),
            description="",
            filename=f"{reading_list.name} (reading list).epub",
            heading=heading,
        ),
        entries,
    )


def _series_entries(request: HttpRequest, series_id: int) -> tuple[Series, list[Entry]]:
    """The series and its works the requester may download, in part order."""
    series = get_series_for_viewer(request, series_id)
    works = (
        _downloadable(request)
        .filter(series_works__series=series)
        .annotate(part=Min("series_works__position", filter=Q(series_works__series=series)))
        .order_by("part", "pk")
    )
    ordered = actions.works_with_download_facts(works)
    parts: dict[int, int] = dict(works.values_list("pk", "part"))
    width = max(2, len(str(max(parts.values(), default=0))))
    return series, _entries(request, ordered, prefix=lambda w: f"{parts[w.pk]:0{width}d} - ")


def _reading_list_entries(request: HttpRequest, list_id: int) -> tuple[ReadingList, list[Entry]]:
    """The list and its works the requester may download, in the list's order."""
    reading_list = get_reading_list_for_viewer(request, list_id)
    # Each item's work looked up by its key, not a list of every downloadable work.
    allowed = Exists(_downloadable(request).filter(pk=OuterRef("work")))
    items = ReadingListItem.objects.filter(allowed, reading_list=reading_list)
    ordered = actions.works_with_download_facts(Work(pk=i.work_id) for i in items)
    return reading_list, _entries(request, ordered)


@require_safe
@login_required
def backup_zip(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    mine = (
        Work.objects.filter(creatorships__pseud__user=user.pk, creatorships__is_approved=True)
        .distinct()
        .order_by("title", "pk")
    )
    ordered = actions.works_with_download_facts(mine)
    return _serve(
        request,
        kind=f"backup:{user.pk}",
        heading=f"Works of {user.get_username()}: a backup, drafts and hidden works included",
        filename=f"{user.get_username()} works backup.zip",
        entries=_entries(request, ordered, include_unposted=True),
        extensions=["epub", "html"],
        include_unposted=True,
    )


def _downloadable(request: HttpRequest) -> WorkQuerySet:
    # Stricter than the visibility rule, like a single download: a creator's drafts and
    # an admin's view of hidden works stay out of shared zips.
    return Work.objects.visible_to(request.user).filter(is_posted=True).not_withheld()


def _entries(
    request: HttpRequest,
    works: list[Work],
    *,
    prefix: Callable[[Work], str] | None = None,
    include_unposted: bool = False,
) -> list[Entry]:
    site_url = request.build_absolute_uri("/")
    entries: list[Entry] = []
    seen: set[str] = set()
    for work in works:
        entry = actions.entry_for(
            work,
            prefix=prefix(work) if prefix else "",
            include_unposted=include_unposted,
            site_url=site_url,
            site_name=settings.SITE_NAME,
        )
        if entry is None:
            continue
        stem, number = entry.stem, 2
        # Two works of the same title and creator must not overwrite each other.
        while stem.casefold() in seen:
            stem, number = f"{entry.stem} ({number})", number + 1
        seen.add(stem.casefold())
        entries.append(Entry(entry.work_id, entry.version, stem))
    return entries


def _serve(
    request: HttpRequest,
    *,
    kind: str,
    heading: str,
    filename: str,
    entries: list[Entry],
    extensions: list[str],
    include_unposted: bool = False,
) -> HttpResponseBase:
    if not entries:
        raise Http404("Nothing to download.")
    site_url = request.build_absolute_uri("/")
    key = actions.zip_key(kind, entries, extensions, site_url)
    made = made_files.find(actions.zip_name(key))
    if made is None:

        def enqueue() -> None:
            tasks.pack_zip.enqueue(
                key,
                heading,
                [[e.work_id, e.version, e.stem] for e in entries],
                extensions,
                include_unposted,
                site_url,
                settings.SITE_NAME,
            )

        return _queue(request, key, heading, len(entries), enqueue)
    # Zips are per requester (restricted works, private lists, drafts): no shared caches.
    return made_files.file_response(
        request,
        made,
        content_type="application/zip",
        content_disposition=content_disposition(_safe_zip_name(filename)),
        private=True,
    )


@dataclass(frozen=True)
class Book:
    """What an omnibus EPUB is called and where it came from."""

    title: str
    source_url: str  # the series' or list's page: the book's stable identity
    description: str
    filename: str
    heading: str  # for the "Packing…" page


def _serve_book(request: HttpRequest, book: Book, entries: list[Entry]) -> HttpResponseBase:
    if not entries:
        raise Http404("Nothing to download.")
    site_url = request.build_absolute_uri("/")
    # The title and description are in the key: renaming a series makes a new book.
    kind = f"book:{book.source_url}\n{book.title}\n{book.description}"
    key = actions.zip_key(kind, entries, ["epub"], site_url)
    made = made_files.find(actions.book_name(key))
    if made is None:

        def enqueue() -> None:
            tasks.pack_book.enqueue(
                key,
                book.title,
                book.source_url,
                book.description,
                [[e.work_id, e.version, e.stem] for e in entries],
                site_url,
                settings.SITE_NAME,
            )

        return _queue(request, key, book.heading, len(entries), enqueue)
    stem = actions.safe_stem(book.filename.removesuffix(".epub"))
    # Per requester, as zips are (restricted works, private lists): no shared caches.
    return made_files.file_response(
        request,
        made,
        content_type=EPUB_MEDIA_TYPE,
        content_disposition=content_disposition(f"{stem or 'works'}.epub"),
        private=True,
    )


def _queue(
    request: HttpRequest, key: str, heading: str, total: int, enqueue: Callable[[], None]
) -> HttpResponse:
    """The "Packing…" page; the first request (within the rate limit) queues the packing."""
    if actions.packing_failed(key):
        context = {"heading": heading, "retry_minutes": PREPARATION_TIMEOUT_SECONDS // 60}
        response = render(request, "downloads/bulk/could_not_be_made.html", context, status=500)
        patch_cache_control(response, no_store=True)
        return response
    progress = actions.get_progress(key, total)
    if actions.claim_packing(key):
        verdict = NEW_ZIPS.attempt(_requester(request))
        if not verdict:
            actions.release_packing(key)
            return too_many_response(
                request,
                verdict,
                heading="Too many bulk downloads",
                message="You have asked for many zips in a short time; zips you already "
                "asked for are still being packed.",
            )
        enqueue()
    context = {"progress": progress, "heading": heading, "refresh_seconds": REFRESH_SECONDS}
    response = render(request, "downloads/bulk/packing.html", context, status=202)
    patch_cache_control(response, no_store=True)
    return response


def _requester(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"address:{limit_address(request)}"


def _safe_zip_name(name: str) -> str:
    stem = actions.safe_stem(name.removesuffix(".zip"))
    return f"{stem or 'works'}.zip"
