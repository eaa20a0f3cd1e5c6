"""Dates in the member's own time zone (their preference), for the request's length.

Only signed-in members carry a zone: a guest's request keeps the archive's (``TIME_ZONE``),
so the pages kept for guests (``search.page_cache``, which keeps none for members) never hold
one member's dates. What is kept for members (listing parts, blurbs) is keyed on all their
saved preferences, the zone among them.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ficshelf.accounts.access import preferences_for


@cache
def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``, or None for a name this system's zone data lacks (a zone
    saved before the data changed is ignored rather than breaking every page)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class MemberTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = None
        if request.user.is_authenticated:
            preference = preferences_for(request)
            if preference is not None and preference.time_zone:
                zone = zone_named(preference.time_zone)
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
