"""Which tags a reader may meet, and fetching one for them.

A tag that is not canonical is known only from the works that carry it, so it is visible
exactly when one of those works is: the rule follows ``Work.objects.visible_to`` and lives
here, above the tags app. Wranglers see every tag. A tag nobody could have met yet (only on
drafts or hidden works) answers 404, as a missing one does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from ficshelf.tags.access import tags_called_exactly
from ficshelf.tags.models import Tag, TagQuerySet, can_wrangle
from ficshelf.works.models import Work, work_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


def visible_tags(user: User | AnonymousUser | None) -> TagQuerySet:
    """Tags a reader could already meet: canonical ones, and ones on a work they may
    see, so a draft's tags stay private. Wranglers see every tag."""
    tags = Tag.objects.all()
    if can_wrangle(user):
        return tags
    # Per tag, look for one visible work carrying it (not a list of every visible work's
    # tags, which grows with the archive).
    on_a_visible_work = Exists(
        Work.tags.through.objects.filter(tag=OuterRef("pk")).filter(work_visible_to(user))
    )
    return tags.filter(Q(is_canonical=True) | Q(on_a_visible_work))


def visible_among(tags: Iterable[Tag], user: User | AnonymousUser | None) -> list[Tag]:
    """Those of ``tags`` that ``user`` may know of (``visible_tags``' rule), in order.
    Canonical tags, nearly all a listing is asked for, need no look at the works; the rest
    are checked in one query. Cheaper than filtering through ``visible_tags``, whose
    subqueries cost milliseconds to build on every request."""
    tags = list(tags)
    unsure = [tag.pk for tag in tags if not tag.is_canonical]
    if not unsure or can_wrangle(user):
        return tags
    visible = set(visible_tags(user).filter(pk__in=unsure).values_list("pk", flat=True))
    return [tag for tag in tags if tag.is_canonical or tag.pk in visible]


def get_tag_for_viewer(request: HttpRequest, name: str, *, found: list[Tag] | None = None) -> Tag:
    """``found``: what ``tags_called_exactly(name)`` answered, when the caller kept it."""
    found = visible_among(tags_called_exactly(name) if found is None else found, request.user)
    if not found:
        raise Http404("No such tag.")
    return found[0]
