"""Atom feeds of works: per tag, per creator, per series (AO3's /tags/<id>/feed.atom shape).

Each feed is a listing like the tag's, creator's or series' works page and goes through
``find_works`` (``queries.feed_page``): a tag's feed finds what its works page finds (a
synonym's feed its canonical's works, a meta tag's feed its sub tags' works), newest updates
first, ``FEED_SIZE`` to a page (``?page=`` for older ones). Feed readers usually fetch
anonymously, so in practice these list public works; a request with a session gets what that
reader may see and has not excluded (restricted works for members, minus saved exclusions
and muted creators), marked private so no shared cache hands it to anyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.downloads.feeds import atom, queries
from ficshelf.search.exclusions import filter_id_of
from ficshelf.search.query import WorkQuery
from ficshelf.search.service import SearchUnavailable
from ficshelf.tags.models import Tag
from ficshelf.works.access import (
    get_external_creator_for_viewer,
    get_series_for_viewer,
    works_credited_to,
)
from ficshelf.works.models import Work
from ficshelf.works.tag_access import visible_tags


def feed_response(
    request: HttpRequest, body: bytes, content_type: str, *, personal: bool = False
) -> HttpResponse:
    """``personal``: the body depends on the reader's saved exclusions (a guest's live in
    the session), so, as for members, no shared cache may keep it."""
    response = HttpResponse(body, content_type=content_type)
    if request.user.is_authenticated or personal:
        patch_cache_control(response, private=True)
    # Apps that sign in with an e-reader key send it in Authorization (accounts.reader_keys).
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response


def unavailable_response() -> HttpResponse:
    """The search backend cannot answer: feed readers retry later."""
    response = HttpResponse(
        "Search is unavailable for a moment; please try again later.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _works_feed(
    request: HttpRequest, query: WorkQuery, *, title: str, alternate_url: str = ""
) -> HttpResponse:
    try:
        page = queries.feed_page(request, query)
    except SearchUnavailable:
        return unavailable_response()
    return _render_feed(
        request,
        page.works,
        title=title,
        alternate_url=alternate_url,
        personal=not page.exclusions.is_empty,
    )


def _render_feed(
    request: HttpRequest,
    works: list[Work],
    *,
    title: str,
    alternate_url: str = "",
    personal: bool = False,
) -> HttpResponse:
    self_url = request.build_absolute_uri(request.path)
    feed = atom.new_feed(
        feed_id=self_url,
        title=title,
        updated=atom.feed_updated(works),
        self_url=self_url,
        self_type="application/atom+xml",
    )
    if alternate_url:
        atom.link(feed, "alternate", request.build_absolute_uri(alternate_url), "text/html")
    for work in works:
        atom.work_entry(feed, request, work)
    return feed_response(request, atom.render(feed), atom.ATOM_CONTENT_TYPE, personal=personal)


def visible_tag(request: HttpRequest, tag_id: int) -> Tag:
    """A tag the reader could meet (a draft's tags stay private), as its works page finds."""
    return get_object_or_404(visible_tags(request.user), pk=tag_id)


@require_safe
def tag_feed(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = visible_tag(request, tag_id)
    # The tag filters find works by: a synonym's canonical, which also finds the works of
    # its other synonyms and of its sub tags (the tag's works page does the same).
    query = queries.feed_query(request, all_tag_ids=frozenset({filter_id_of(tag)}))
    return _works_feed(request, query, title=f"{settings.SITE_NAME} works tagged '{tag.name}'")


@require_safe
def creator_feed(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    return _works_feed(
        request,
        queries.feed_query(request, creator_user_id=member.pk),
        title=f"{settings.SITE_NAME} works by {member.username}",
        alternate_url=reverse("users:profile", args=[member.username]),
    )


@require_safe
def external_creator_feed(request: HttpRequest, pseud_id: int) -> HttpResponse:
    """An imported creator's works. The index knows creators by account only, so their
    works come from the database, with the feeds' own rule (``queries.feed_works``), as the
    reader's own lists do; saved exclusions, a listing's, are not applied, as on their page."""
    pseud = get_external_creator_for_viewer(request, pseud_id)
    credited = works_credited_to(pseud, request.user).values("pk")
    works = queries.newest_first(queries.feed_works(request.user).filter(pk__in=credited))
    page = queries.page_number(request)
    start = (page - 1) * queries.FEED_SIZE
    return _render_feed(
        request,
        list(works[start : start + queries.FEED_SIZE]),
        title=f"{settings.SITE_NAME} works by {pseud.name}",
        alternate_url=reverse("works:external_creator", args=[pseud.pk]),
    )


@require_safe
def series_feed(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    if not queries.feed_works(request.user).filter(series_works__series_id=series.pk).exists():
        # Only drafts or hidden works left: say no more than for a missing series.
        raise Http404("No such series.")
    return _works_feed(
        request,
        queries.feed_query(request, series_id=series.pk),
        title=f"{settings.SITE_NAME} series '{series.title}'",
        alternate_url=reverse("works:series", args=[series.pk]),
    )
