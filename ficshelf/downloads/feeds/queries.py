"""Which works feeds and catalogs list: ``find_works``, then a stricter rule of their own.

Feeds and catalogs are listings like any other, so their works come from the one path every
listing goes through (``search.service.find_works``): the search backend finds them (a
canonical tag finds its synonyms' and sub tags' works, as the tag's works page does), the
reader's saved exclusions and mutes are added, and the answer is re-checked against the
visibility rule (docs/design.md, "Who sees what: one rule").

Feeds are publication surfaces and catalogs offer a download, so on top of that rule drafts
and works hidden by an admin are left out even for their creators and admins (whom
``visible_to`` lets see them), as ``downloads.access.get_work_for_download`` refuses them
too, and so are works with no posted chapter, which cannot be downloaded. ``feed_works`` is
that stricter rule as a queryset, for the reader's own lists (Marked for Later, reading
lists), which are not searches.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest

from ficshelf.search.forms import MAX_PAGE
from ficshelf.search.query import Sort, WorkQuery
from ficshelf.search.service import WorkPage, find_works
from ficshelf.works.models import Chapter, Work, WorkQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

FEED_SIZE = 20


def feed_works(user: User | AnonymousUser | None) -> WorkQuerySet:
    posted_chapter = Chapter.objects.filter(work=OuterRef("pk"), is_posted=True)
    return Work.objects.visible_to(user).posted().not_withheld().filter(Exists(posted_chapter))


def newest_first(works: WorkQuerySet) -> WorkQuerySet:
    return works.order_by("-updated_on", "-published_on", "-pk").for_blurbs()


def page_number(request: HttpRequest) -> int:
    """``?page=`` as a number from 1; anything else is no such page."""
    raw = request.GET.get("page") or "1"
    try:
        number = int(raw)
    except ValueError:
        raise Http404("No such page.") from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404("No such page.")
    return number


def feed_query(request: HttpRequest, **scope: object) -> WorkQuery:
    """A feed's page of works, newest updates first, in the listing's ``scope``
    (``all_tag_ids``, ``creator_user_id``, ``series_id``, ``text``...)."""
    query = WorkQuery(
        sort=Sort.UPDATED,
        descending=True,
        page=page_number(request),
        per_page=FEED_SIZE,
        facet_limit=0,
    )
    return dataclasses.replace(query, **scope)  # type: ignore[arg-type]


def feed_page(request: HttpRequest, query: WorkQuery) -> WorkPage:
    """The works of ``query`` the reader may see and has not excluded, by ``find_works``,
    less those a feed never offers (see the module docstring).

    The page may then be a little short of ``per_page``, and ``total`` a little high: the
    index holds only posted works not hidden by an admin, and ``find_works`` counts works
    changed since they were indexed as the database has them, so this drops only works
    without a posted chapter. Raises ``SearchUnavailable`` as ``find_works`` does.
    """
    page = find_works(request, query)
    if not page.works:
        return page
    offered = set(
        feed_works(request.user)
        .filter(pk__in=[work.pk for work in page.works])
        .values_list("pk", flat=True)
    )
    return dataclasses.replace(page, works=[work for work in page.works if work.pk in offered])
