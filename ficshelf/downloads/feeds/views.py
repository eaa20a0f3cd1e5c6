"""Atom feeds of works: per tag, per creator, per series (AO3's /tags/<id>/feed.atom shape).

Feed readers usually fetch anonymously, so in practice these list public works; a
signed-in request gets what that reader may see (restricted works, minus muted creators),
marked private so no shared cache hands it to anyone else.
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
from ficshelf.tags.models import Tag
from ficshelf.works.access import get_series_for_viewer
from ficshelf.works.models import WorkQuerySet


def feed_response(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _works_feed(
    request: HttpRequest, works: WorkQuerySet, *, title: str, alternate_url: str = ""
) -> HttpResponse:
    entries = list(queries.newest_first(works)[: queries.FEED_SIZE])
    self_url = request.build_absolute_uri(request.path)
    feed = atom.new_feed(
        feed_id=self_url,
        title=title,
        updated=atom.feed_updated(entries),
        self_url=self_url,
        self_type="application/atom+xml",
    )
    if alternate_url:
        atom.link(feed, "alternate", request.build_absolute_uri(alternate_url), "text/html")
    for work in entries:
        atom.work_entry(feed, request, work)
    return feed_response(request, atom.render(feed), atom.ATOM_CONTENT_TYPE)


@require_safe
def tag_feed(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(Tag, pk=tag_id)
    works = queries.tagged(queries.feed_works(request.user), tag)
    return _works_feed(request, works, title=f"{settings.SITE_NAME} works tagged '{tag.name}'")


@require_safe
def creator_feed(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    works = queries.by_creator(queries.feed_works(request.user), member)
    return _works_feed(
        request,
        works,
        title=f"{settings.SITE_NAME} works by {member.username}",
        alternate_url=reverse("users:profile", args=[member.username]),
    )


@require_safe
def series_feed(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    works = queries.in_series(queries.feed_works(request.user), series.pk)
    if not works.exists():
        # Only drafts or hidden works left: say no more than for a missing series.
        raise Http404("No such series.")
    return _works_feed(
        request,
        works,
        title=f"{settings.SITE_NAME} series '{series.title}'",
        alternate_url=reverse("works:series", args=[series.pk]),
    )
