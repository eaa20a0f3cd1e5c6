"""Works inspired by other works, and translations (AO3's related works).

A creator names the works theirs was inspired by, or translates, by their addresses: works
on this archive (their ``/works/<id>/`` address) or elsewhere (then with title and creator).
The source's creators hear of it in their inbox (the social app, told by
``signals.source_named``) and approve it or remove it on the source's related works page;
only then does the source's page (and its downloads' afterword) list it, among "Works
inspired by this one" or, for a translation, "Translations", as each reader may see them.
The work itself names its sources at once, as on AO3.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch

from ficshelf.works.models import Creatorship, Inspiration, SourceApproval, Work
from ficshelf.works.signals import works_changed

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


def _key(resolved: ResolvedInspiration) -> tuple[int | None, str]:
    if isinstance(resolved, tuple):
        return resolved[0].pk, ""
    return None, resolved.url.strip()[:500]


def set_inspirations(
    work: Work, sources: Sequence[ResolvedInspiration], *, actor: User
) -> list[Inspiration]:
    """Make the work's sources these (each checked by ``resolve``; an empty address names
    none). A source that was deleted stays named (it cannot be named again). Returns the new
    ones on this archive still waiting for their creators' approval, to tell them of it."""
    wanted: dict[tuple[int | None, str], ResolvedInspiration] = {}
    for resolved in sources:
        key = _key(resolved)
        if key != (None, ""):
            wanted.setdefault(key, resolved)
    existing = {
        (row.source_id, row.url): row
        for row in Inspiration.objects.filter(work=work).exclude(source=None, url="")
    }
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
    waiting: list[Inspiration] = []
    for key, resolved in wanted.items():
        if isinstance(resolved, tuple):
            source: Work | None = resolved[0]
            data = resolved[1]
            title, creator = resolved[0].title, resolved[0].byline
        else:
            source, data = None, resolved
            title, creator = data.title.strip(), data.creator.strip()
        before = existing.get(key)
        if before is not None:  # named before: its approval stands
            before.title, before.creator = title[:255], creator[:255]
            before.is_translation = data.is_translation
            before.save(update_fields=["title", "creator", "is_translation"])
            continue
        row = Inspiration.objects.create(
            work=work,
            source=source,
            url=key[1],
            title=title[:255],
            creator=creator[:255],
            is_translation=data.is_translation,
            approval=_first_approval(source, actor),
        )
        if row.approval == SourceApproval.PENDING:
            waiting.append(row)
    return waiting


def _first_approval(source: Work | None, actor: User) -> str:
    # A source elsewhere has nobody here to approve; naming one's own work approves it.
    if source is None or creates(actor, source):
        return SourceApproval.APPROVED
    return SourceApproval.PENDING


def creates(user: User | AnonymousUser | None, work: Work) -> bool:
    """Whether ``user`` is an approved creator of ``work``."""
    if user is None or not user.is_authenticated:
        return False
    return Creatorship.objects.filter(work=work, pseud__user=user, is_approved=True).exists()


@transaction.atomic
def answer_related_work(inspiration: Inspiration, *, approve: bool, actor: User) -> None:
    """A creator of the source approves the work naming it (the source's page lists it) or
    removes it (the source's page no longer lists it; the work still names its source)."""
    if inspiration.source is None or not creates(actor, inspiration.source):
        raise InspirationError("Only the creators of the source can answer.")
    inspiration.approval = SourceApproval.APPROVED if approve else SourceApproval.REMOVED
    inspiration.save(update_fields=["approval"])
    # Both pages change (the source's list; kept copies must not outlive it).
    works_changed.send(sender=Work, work_ids=[inspiration.source_id, inspiration.work_id])


def related_waiting(source: Work) -> int:
    """How many posted works naming ``source`` wait for its creators' approval."""
    return Inspiration.objects.filter(
        source=source, work__is_posted=True, approval=SourceApproval.PENDING
    ).count()


def related_works_to_answer(source: Work) -> list[Inspiration]:
    """For the source's creators: every posted work naming it, newest first, with its
    approval (drafts are not shown: their creators have not published them)."""
    return list(
        Inspiration.objects.filter(source=source, work__is_posted=True)
        .select_related("work", "work__language")
        .prefetch_related(
            Prefetch(
                "work__creatorships",
                queryset=Creatorship.objects.select_related("pseud__user"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def source_lines(work: Work, user: User | AnonymousUser | None) -> list[SourceLine]:
    """The work's "Inspired by …" lines as ``user`` may see them, in the order named."""
    if not getattr(work, "has_inspiration", True):  # as loaded for its page
        return []
    rows = list(Inspiration.objects.filter(work=work).order_by("pk"))
    ids = [row.source_id for row in rows if row.source_id is not None and not row.url]
    visible = Work.objects.visible_to(user).posted().prefetch_related(_credits())
    shown = {source.pk: source for source in visible.filter(pk__in=ids)} if ids else {}
    return [_line(row, shown.get(row.source_id or 0)) for row in rows]


def _line(inspiration: Inspiration, source: Work | None) -> SourceLine:
    verb = "A translation of" if inspiration.is_translation else "Inspired by"
    if inspiration.url:
        return SourceLine(verb, inspiration.title, inspiration.creator, inspiration.url)
    if inspiration.source_id is None:
        # The source was deleted: its title and creator as they were, with no link.
        return SourceLine(verb, inspiration.title, inspiration.creator, "")
    if source is None:
        # Restricted, hidden or made a draft: say nothing of it but that it exists.
        return SourceLine(verb, "a work that is not available", "", "")
    return SourceLine(verb, source.title, source.byline, source.get_absolute_url())


def source_line(work: Work, user: User | AnonymousUser | None) -> SourceLine | None:
    """The first of the work's source lines (downloads' preface names one), or None."""
    lines = source_lines(work, user)
    return lines[0] if lines else None


@dataclass(frozen=True)
class RelatedWorks:
    """The works naming a work that its creators approved, as one reader may see them."""

    inspired: list[Work]  # "Works inspired by this one"
    translations: list[Work]  # each with its language


def related_to(work: Work, user: User | AnonymousUser | None) -> RelatedWorks:
    """The approved works naming ``work`` that ``user`` may see, oldest first (as AO3), the
    translations apart: one query for both."""
    if not getattr(work, "is_inspiring", True):  # as loaded for its page
        return RelatedWorks([], [])
    naming = Inspiration.objects.filter(source=work, approval=SourceApproval.APPROVED)
    children = list(
        Work.objects.visible_to(user)
        .posted()
        .filter(pk__in=naming.values("work_id"))
        .annotate(translates=Exists(naming.filter(work=OuterRef("pk"), is_translation=True)))
        .select_related("language")
        .order_by("published_on", "pk")
        .prefetch_related(_credits())
    )
    return RelatedWorks(
        [child for child in children if not child.translates],  # type: ignore[attr-defined]
        [child for child in children if child.translates],  # type: ignore[attr-defined]
    )


def inspired_works(work: Work, user: User | AnonymousUser | None) -> list[Work]:
    """The works inspired by ``work`` (translations aside) that its creators approved and
    ``user`` may see, oldest first."""
    return related_to(work, user).inspired


def translations_of(work: Work, user: User | AnonymousUser | None) -> list[Work]:
    """The approved translations of ``work`` that ``user`` may see, oldest first."""
    return related_to(work, user).translations


def _credits() -> Prefetch[Any]:
    # What a byline reads, in one query (each pseud with its user).
    return Prefetch("creatorships", queryset=Creatorship.objects.select_related("pseud__user"))


def related_works_stamp(work: Work) -> list[object]:
    """What a download shows of related works, as a value that changes when they do (for
    the downloads' version key): the public source line and the public inspired works."""
    line = source_line(work, None)
    related = related_to(work, None)
    children = [
        [child.pk, child.title, child.byline, child.modified_at.isoformat()]
        for child in [*related.inspired, *related.translations]
    ]
    return [[line.verb, line.title, line.creator, line.url] if line else [], children]
