"""The hottest reads of works under the visibility rule, prepared once per connection.

A work page's work and a listing's twenty works are asked for on nearly every request, each
through the visibility rule (``WorkQuerySet.visible_to``), whose nested conditions Django
built and compiled afresh every time: more than SQLite took to answer (bench/RESULTS.md,
issue 12). Here each is built once per kind of viewer (guest, member, staff: the rule's
only branches, ``viewer_kind``) with a stand-in viewer, and run with the real viewer's key
(``core.prepared_queries``). The rule itself is not written again: the prepared SQL is
what ``visible_to`` builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ficshelf.accounts.models import User
from ficshelf.core.prepared_queries import PreparedQuery, padded
from ficshelf.works.models import (
    ViewerKind,
    Work,
    WorkQuerySet,
    load_everything_shown,
    load_for_blurbs,
    viewer_kind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# A listing shows 20 works a page; feeds and other pages up to 50; more are read unprepared.
_LIST_SIZES = (1, 2, 4, 8, 16, 20, 32, 50)


def _visible(kind: ViewerKind, viewer_id: int | None) -> WorkQuerySet:
    if kind == ViewerKind.GUEST:
        return Work.objects.visible_to(None)
    # Unsaved: the rule reads only the viewer's kind and key.
    return Work.objects.visible_to(User(pk=viewer_id, is_staff=kind == ViewerKind.STAFF))


def _names(kind: ViewerKind, *names: str) -> tuple[str, ...]:
    return names if kind == ViewerKind.GUEST else ("viewer_id", *names)


def _work_page_query(kind: ViewerKind) -> PreparedQuery[Work]:
    def build(work_id: int, viewer_id: int | None = None) -> WorkQuerySet:
        return _visible(kind, viewer_id).with_page_flags().filter(pk=work_id)

    return PreparedQuery(build, _names(kind, "work_id"))


def _blurbs_query(kind: ViewerKind, size: int, posted_only: bool) -> PreparedQuery[Work]:
    def build(work_ids: list[int], viewer_id: int | None = None) -> WorkQuerySet:
        works = _visible(kind, viewer_id)
        if posted_only:
            works = works.posted()
        return works.filter(pk__in=work_ids).with_blurb_columns()

    return PreparedQuery(build, _names(kind, "work_ids"), sizes={"work_ids": size})


_WORK_PAGE = {kind: _work_page_query(kind) for kind in ViewerKind}
# By kind of viewer, number of keys, and whether drafts (their creators') are left out.
_BLURBS = {
    (kind, size, posted_only): _blurbs_query(kind, size, posted_only)
    for kind in ViewerKind
    for size in _LIST_SIZES
    for posted_only in (True, False)
}


def _viewer(user: User | AnonymousUser | None) -> dict[str, Any]:
    kind = viewer_kind(user)
    return {} if kind == ViewerKind.GUEST else {"viewer_id": user.pk}  # type: ignore[union-attr]


def visible_work_with_everything_shown(user: User | AnonymousUser | None, work_id: int) -> Work:
    """``Work.objects.visible_to(user).one_with_everything_shown(work_id)``, prepared.
    Raises ``Work.DoesNotExist``."""
    found = _WORK_PAGE[viewer_kind(user)].run(work_id=work_id, **_viewer(user))
    if not found:
        raise Work.DoesNotExist("No such work, or not one this viewer may see.")
    return load_everything_shown(found[0])


def visible_posted_works_for_blurbs(
    user: User | AnonymousUser | None, work_ids: list[int], *, with_relations: bool = True
) -> list[Work]:
    """``Work.objects.visible_to(user).posted().filter(pk__in=work_ids).for_blurbs()``, in
    no particular order; prepared for up to 50 keys. (Listings: drafts are never listed,
    not even to their creators.) ``with_relations=False`` leaves out what ``for_blurbs``
    prefetches, for works shown only as blurbs (``works.kept_blurbs`` loads it for the blurbs
    not kept)."""
    return _works_for_blurbs(user, work_ids, posted_only=True, with_relations=with_relations)


def visible_works_for_blurbs(
    user: User | AnonymousUser | None, work_ids: list[int], *, with_relations: bool = True
) -> list[Work]:
    """``Work.objects.visible_to(user).filter(pk__in=work_ids).for_blurbs()`` (one's own
    drafts included, as on one's bookmarks), in no particular order; prepared for up to 50
    keys. ``with_relations`` as for ``visible_posted_works_for_blurbs``."""
    return _works_for_blurbs(user, work_ids, posted_only=False, with_relations=with_relations)


def _works_for_blurbs(
    user: User | AnonymousUser | None,
    work_ids: list[int],
    posted_only: bool,
    with_relations: bool = True,
) -> list[Work]:
    if not work_ids:
        return []
    fitted = padded(work_ids, _LIST_SIZES)
    if fitted is None:
        unprepared = Work.objects.visible_to(user)
        if posted_only:
            unprepared = unprepared.posted()
        return list(unprepared.filter(pk__in=work_ids).for_blurbs())
    size, keys = fitted
    works = _BLURBS[(viewer_kind(user), size, posted_only)].run(work_ids=keys, **_viewer(user))
    if with_relations:
        load_for_blurbs(works)
    return works
