"""Works inspired by other works (AO3's related works).

A creator names the work theirs was inspired by, or translates, by its address: a work on
this archive (its ``/works/<id>/`` address) or one elsewhere (then with its title and
creator). The source's creators hear of it in their inbox (the social app, told by
``signals.source_named``). The source's page, and its downloads' afterword, list the works
inspired by it that the reader may see.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db.models import Prefetch

from ficshelf.works.models import Creatorship, Inspiration, Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

_WORK_PATH = re.compile(r"^/works/(\d+)/?(?:chapters/\d+/?)?$")


class InspirationError(ValueError):
    """The named source cannot be used; the message says why, for the form."""


@dataclass(frozen=True)
class InspirationData:
    """What the posting form says about a work's source; an empty ``url`` means none."""

    url: str = ""
    title: str = ""
    creator: str = ""
    is_translation: bool = False


# What ``resolve`` gives: the form's data, with the source work when it is on this archive.
ResolvedInspiration = InspirationData | tuple[Work, InspirationData]


@dataclass(frozen=True)
class SourceLine:
    """How a work's source reads on its page and in its downloads."""

    verb: str  # "Inspired by" or "A translation of"
    title: str
    creator: str
    url: str  # "" when the reader may not follow it (not available to them)


def work_id_in(url: str, site_hosts: Collection[str]) -> int | None:
    """The id of the work on this archive that ``url`` points to, else None. Addresses
    without a host ("/works/12/") are this archive's."""
    parts = urlsplit(url.strip())
    if parts.netloc and parts.netloc.lower() not in {h.lower() for h in site_hosts}:
        return None
    found = _WORK_PATH.match(parts.path)
    return int(found.group(1)) if found else None


def resolve(
    data: InspirationData, *, work: Work | None, user: User, site_hosts: Collection[str]
) -> ResolvedInspiration:
    """Check what the form named. A source on this archive comes back with its work (the
    poster must be able to see it: a draft's address reveals nothing)."""
    if not data.url.strip():
        if data.title.strip() or data.creator.strip():
            raise InspirationError("Give the address of the work yours was inspired by.")
        return data
    source_id = work_id_in(data.url, site_hosts)
    if source_id is None:
        if not urlsplit(data.url.strip()).scheme.startswith("http"):
            raise InspirationError("Give the work's full address, starting with https://.")
        if not data.title.strip():
            raise InspirationError("Give the title of the work yours was inspired by.")
        return data
    source = Work.objects.visible_to(user).posted().filter(pk=source_id).first()
    if source is None:
        raise InspirationError("There is no work at that address that you can see.")
    if work is not None and source.pk == work.pk:
        raise InspirationError("A work cannot be inspired by itself.")
    return source, data


def set_inspiration(work: Work, resolved: ResolvedInspiration) -> bool:
    """Save the work's source (or remove it); True when the source is new or changed."""
    if isinstance(resolved, tuple):
        source, data = resolved
        url, title, creator = "", source.title, source.byline
    else:
        source, data = None, resolved
        url, title, creator = data.url.strip()[:500], data.title.strip()[:255], data.creator
        if not url:
            return Inspiration.objects.filter(work=work).delete()[0] > 0
    before = Inspiration.objects.filter(work=work).values_list("source_id", "url").first()
    Inspiration.objects.update_or_create(
        work=work,
        defaults={
            "source": source,
            "url": url,
            "title": title,
            "creator": creator.strip()[:255],
            "is_translation": data.is_translation,
        },
    )
    return before != (source.pk if source else None, url)


def source_line(work: Work, user: User | AnonymousUser | None) -> SourceLine | None:
    """The work's "Inspired by …" line as ``user`` may see it; None when it has none."""
    if not getattr(work, "has_inspiration", True):  # as loaded for its page
        return None
    inspiration = Inspiration.objects.filter(work=work).first()
    if inspiration is None:
        return None
    verb = "A translation of" if inspiration.is_translation else "Inspired by"
    if inspiration.url:
        return SourceLine(verb, inspiration.title, inspiration.creator, inspiration.url)
    if inspiration.source_id is None:
        # The source was deleted: its title and creator as they were, with no link.
        return SourceLine(verb, inspiration.title, inspiration.creator, "")
    visible = Work.objects.visible_to(user).posted().prefetch_related(_credits())
    source = visible.filter(pk=inspiration.source_id).first()
    if source is None:
        # Restricted, hidden or made a draft: say nothing of it but that it exists.
        return SourceLine(verb, "a work that is not available", "", "")
    return SourceLine(verb, source.title, source.byline, source.get_absolute_url())


def inspired_works(work: Work, user: User | AnonymousUser | None) -> list[Work]:
    """The works inspired by ``work`` that ``user`` may see, oldest first (as AO3)."""
    if not getattr(work, "is_inspiring", True):  # as loaded for its page
        return []
    return list(
        Work.objects.visible_to(user)
        .posted()
        .filter(inspiration__source=work)
        .order_by("published_on", "pk")
        .prefetch_related(_credits())
    )


def _credits() -> Prefetch[Any]:
    # What a byline reads, in one query (each pseud with its user).
    return Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user"))


def related_works_stamp(work: Work) -> list[object]:
    """What a download shows of related works, as a value that changes when they do (for
    the downloads' version key): the public source line and the public inspired works."""
    line = source_line(work, None)
    children = [
        [child.pk, child.title, child.byline, child.modified_at.isoformat()]
        for child in inspired_works(work, None)
    ]
    return [[line.verb, line.title, line.creator, line.url] if line else [], children]
