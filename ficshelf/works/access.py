"""Fetching one work or chapter for a visitor who may not be allowed to see it.

Missing and hidden answer the same 404, so a guest cannot learn that a restricted or
draft work exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404, HttpRequest

from ficshelf.accounts.models import Pseud, User
from ficshelf.core.sanitizer import Profile, refresh_if_stale
from ficshelf.works.collection_models import MODERATING_ROLES
from ficshelf.works.models import (
    Chapter,
    Collection,
    CollectionItem,
    CollectionParticipant,
    Creatorship,
    Series,
    Work,
    WorkQuerySet,
    series_visible_to,
)
from ficshelf.works.prepared_reads import visible_work_with_everything_shown

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def get_work_for_viewer(request: HttpRequest, work_id: int) -> Work:
    try:
        work = visible_work_with_everything_shown(request.user, work_id)
    except Work.DoesNotExist:
        raise Http404("No such work.") from None
    refresh_if_stale(work, ["summary", "notes", "end_notes"])
    for chapter in work.chapters.all():
        refresh_if_stale(
            chapter,
            ["summary", "notes", "end_notes", "text"],
            profile_of={"text": Profile.CHAPTER_TEXT},
        )
    return work


@dataclass(frozen=True)
class MutedWork:
    """A work the reader would see but for their own mute of its creators."""

    work: Work
    muted_creators: list[User]


def get_muted_work_for_viewer(request: HttpRequest, work_id: int) -> MutedWork | None:
    """The work behind a 404 when only the reader's own mutes keep it from them, so its page
    can say so (and offer to unmute) instead of "may have been deleted"; else None."""
    user = request.user
    if not isinstance(user, User):
        return None
    work = Work.objects.muted_for(user).filter(pk=work_id).first()
    if work is None:
        return None
    # The same credits the visibility rule hides by (an invitation not yet accepted too).
    muted = (
        User.objects.filter(muted_by__muter=user, pseuds__creatorships__work=work)
        .distinct()
        .order_by("username")
    )
    return MutedWork(work=work, muted_creators=list(muted))


def unrevealed_collections_of(request: HttpRequest, work_id: int) -> list[Collection]:
    """The collections a work waits to be revealed in, when that alone keeps it from the
    reader (AO3's "Mystery Work": its page says where it waits, and nothing of the work);
    empty for a work hidden for any other reason, or missing."""
    waiting = Work.objects.filter(
        pk=work_id, is_posted=True, in_unrevealed_collection=True
    ).not_withheld()
    if not request.user.is_authenticated:
        waiting = waiting.filter(is_restricted=False)
    if not waiting.exists():
        return []
    items = CollectionItem.objects.consented().filter(work_id=work_id, is_unrevealed=True)
    return list(Collection.objects.filter(pk__in=items.values("collection_id")).order_by("title"))


def get_chapters_for_viewer(request: HttpRequest, work: Work) -> list[Chapter]:
    """The chapters of a visible work the viewer may read: unposted ones for creators only."""
    can_see_unposted = is_creator(request, work)
    return [c for c in work.chapters.all() if c.is_posted or can_see_unposted]


def get_chapter_for_viewer(request: HttpRequest, work: Work, chapter_id: int) -> Chapter:
    for chapter in get_chapters_for_viewer(request, work):
        if chapter.pk == chapter_id:
            return chapter
    raise Http404("No such chapter.")


def creator_user_ids(work: Work) -> set[int]:
    """The users credited on a work: accepted credits only, as everywhere (an invited
    co-creator who has not said yes is a reader like any other). Reads prefetched
    creatorships when present."""
    return {
        c.pseud.user_id
        for c in work.creatorships.all()
        if c.is_approved and c.pseud.user_id is not None
    }


def is_work_creator(user: User | AnonymousUser | None, work: Work) -> bool:
    return user is not None and user.is_authenticated and user.pk in creator_user_ids(work)


def is_creator(request: HttpRequest, work: Work) -> bool:
    """Whether the viewer is credited on ``work``: sees its drafts and unposted chapters,
    its creator bar, and never the adult-content notice."""
    return is_work_creator(request.user, work)


def get_work_for_creator(request: HttpRequest, work_id: int) -> Work:
    """A work the signed-in user is an approved creator of; 404 for anyone else alike."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("No such work.")
    works = Work.objects.filter(
        pk=work_id, creatorships__pseud__user=user, creatorships__is_approved=True
    ).distinct()
    try:
        return works.get()
    except Work.DoesNotExist:
        raise Http404("No such work.") from None


def get_chapter_for_creator(request: HttpRequest, work_id: int, chapter_id: int) -> Chapter:
    work = get_work_for_creator(request, work_id)
    try:
        chapter = work.chapters.get(pk=chapter_id)
    except Chapter.DoesNotExist:
        raise Http404("No such chapter.") from None
    chapter.work = work
    return chapter


def get_invitation_for_invitee(request: HttpRequest, creatorship_id: int) -> Creatorship:
    """A co-creator invitation (an unapproved creatorship) sent to the signed-in user."""
    try:
        return Creatorship.objects.select_related("work", "pseud").get(
            pk=creatorship_id, pseud__user=request.user.pk, is_approved=False
        )
    except Creatorship.DoesNotExist:
        raise Http404("No such invitation.") from None


def get_series_for_viewer(request: HttpRequest, series_id: int) -> Series:
    """A series is visible while at least one of its works is visible to the viewer."""
    series = Series.objects.filter(series_visible_to(request.user, "pk"), pk=series_id).first()
    if series is None:
        raise Http404("No such series.")
    return series


def works_credited_to(pseud: Pseud, user: User | AnonymousUser | None) -> WorkQuerySet:
    """The posted works ``user`` may see that credit ``pseud`` (accepted credits only)."""
    credited = Creatorship.objects.filter(pseud=pseud, is_approved=True).values("work_id")
    return Work.objects.visible_to(user).posted().shown_on_creator_pages().filter(pk__in=credited)


def get_external_creator_for_viewer(request: HttpRequest, pseud_id: int) -> Pseud:
    """An imported creator (a pseud without a user) with a work the viewer may see; 404
    otherwise, so a name credited only on drafts, hidden or restricted works stays unknown."""
    pseud = Pseud.objects.filter(pk=pseud_id, user__isnull=True).first()
    if pseud is None or not works_credited_to(pseud, request.user).exists():
        raise Http404("No such creator.")
    return pseud


def comment_moderator_ids(work: Work, viewer: User | AnonymousUser | None) -> set[int]:
    """Who among the work's creators and ``viewer`` moderates the work's comments (hide,
    freeze, delete, see the hidden ones): its creators, and the viewer when they own or
    moderate a collection the work is in (or its parent). A guest costs no query."""
    moderators = creator_user_ids(work)
    if viewer is None or not viewer.is_authenticated or viewer.pk in moderators:
        return moderators
    if getattr(work, "has_collections", None) is False:
        return moderators  # a work page's work knows it is in no collection: no query
    collections = CollectionItem.objects.approved().filter(work=work).values("collection_id")
    parents = (
        CollectionItem.objects.approved()
        .filter(work=work, collection__parent__isnull=False)
        .values("collection__parent_id")
    )
    if CollectionParticipant.objects.filter(
        Q(collection_id__in=collections) | Q(collection_id__in=parents),
        user_id=viewer.pk,
        role__in=MODERATING_ROLES,
    ).exists():
        moderators.add(viewer.pk)
    return moderators
