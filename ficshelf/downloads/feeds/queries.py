"""Which works feeds and catalogs list: the one visibility rule, then stricter.

Feeds are publication surfaces and catalogs offer a download: drafts and works hidden by
an admin are left out even for their creators and admins (whom ``visible_to`` lets see
them), as ``downloads.access.get_work_for_download`` refuses them too, and so are works
with no posted chapter, which cannot be downloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from ficshelf.tags.models import Tag
from ficshelf.works.models import Chapter, Creatorship, Work, WorkQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

FEED_SIZE = 20


def feed_works(user: User | AnonymousUser | None) -> WorkQuerySet:
    posted_chapter = Chapter.objects.filter(work=OuterRef("pk"), is_posted=True)
    return (
        Work.objects.visible_to(user)
        .posted()
        .filter(is_hidden_by_admin=False)
        .filter(Exists(posted_chapter))
    )


def newest_first(works: WorkQuerySet) -> WorkQuerySet:
    return works.order_by("-updated_on", "-published_on", "-pk").for_blurbs()


def tagged(works: WorkQuerySet, tag: Tag) -> WorkQuerySet:
    """Works carrying the tag or one of its synonyms (AO3's filtering by a canonical tag)."""
    tag_ids = [tag.pk, *tag.synonyms.values_list("pk", flat=True)]
    tagged_ids = Work.tags.through.objects.filter(tag_id__in=tag_ids).values("work_id")
    return works.filter(pk__in=tagged_ids)


def by_creator(works: WorkQuerySet, user: User) -> WorkQuerySet:
    credited = Creatorship.objects.filter(pseud__user=user, is_approved=True).values("work_id")
    return works.filter(pk__in=credited)


def in_series(works: WorkQuerySet, series_id: int) -> WorkQuerySet:
    return works.filter(series_works__series_id=series_id)


def matching(works: WorkQuerySet, query: str) -> WorkQuerySet:
    """A plain substring search over title, summary and tag names (real search comes later)."""
    tag_ids = Tag.objects.filter(name__icontains=query).values("pk")
    tagged_ids = Work.tags.through.objects.filter(tag_id__in=tag_ids).values("work_id")
    return works.filter(
        Q(title__icontains=query) | Q(summary__icontains=query) | Q(pk__in=tagged_ids)
    )
