"""Managing a series (AO3's series pages): its title, description, notes and complete flag,
the order of its works, its co-creators, deleting it (its works stay).

Who manages a series: the approved creators of its works, and its accepted co-creators
(``SeriesCreatorship``), who may also add their own works to it. Every public function is
one transaction. A change to what listings and blurbs show of a series (its title, its parts)
announces the series' works with ``works_changed``: the search app queues them for the
index, which moves the kept listing pages' keys, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from ficshelf.accounts.access import is_blocked
from ficshelf.accounts.models import Pseud, User
from ficshelf.core.sanitizer import SANITIZER_VERSION, sanitize_html
from ficshelf.works.member_choices import pseuds_refusing_co_creation
from ficshelf.works.models import Creatorship, Series, SeriesCreatorship, SeriesWork
from ficshelf.works.signals import co_creator_accepted, co_creator_invited, works_changed


class SeriesError(Exception):
    """A change to a series the archive refuses; the message says why."""


@dataclass(frozen=True)
class SeriesFields:
    """What the series form edits; ``summary`` and ``notes`` are HTML as the writer gave it."""

    title: str
    summary: str = ""
    notes: str = ""
    is_complete: bool = False


def manages_series(user: User, series: Series) -> bool:
    """Whether ``user`` may edit ``series``: an approved creator of one of its works, or an
    accepted co-creator of the series."""
    if not user.is_authenticated:
        return False
    return Series.objects.filter(pk=series.pk).filter(_managed_by(user)).exists()


def _managed_by(user: User) -> Q:
    credited = Creatorship.objects.filter(pseud__user=user, is_approved=True).values("work_id")
    invited = SeriesCreatorship.objects.filter(pseud__user=user, is_approved=True)
    return Q(series_works__work__in=credited) | Q(pk__in=invited.values("series_id"))


def series_managed_by(user: User) -> list[Series]:
    """The series ``user`` may add works to and edit, by title."""
    return list(Series.objects.filter(_managed_by(user)).distinct().order_by("title"))


def _check(series: Series, actor: User) -> None:
    if not manages_series(actor, series):
        raise SeriesError("Only this series' creators can change it.")


def _announce(series: Series, extra_work_ids: Sequence[int] = ()) -> None:
    work_ids = list(series.series_works.values_list("work_id", flat=True))
    works_changed.send(sender=Series, work_ids=sorted({*work_ids, *extra_work_ids}))


@transaction.atomic
def edit_series(series: Series, fields: SeriesFields, *, actor: User) -> Series:
    _check(series, actor)
    title = fields.title.strip()
    if not title:
        raise SeriesError("Give the series a title.")
    series = Series.objects.select_for_update().get(pk=series.pk)
    series.title = title[:255]
    series.summary = sanitize_html(fields.summary)
    series.notes = sanitize_html(fields.notes)
    series.is_complete = fields.is_complete
    series.sanitizer_version = SANITIZER_VERSION
    series.save()
    _announce(series)  # blurbs and listings name the series
    return series


@transaction.atomic
def reorder_series(series: Series, work_ids: Sequence[int], *, actor: User) -> None:
    """Number the series' parts 1, 2, ... in the order of ``work_ids``, which names every
    work of the series once."""
    _check(series, actor)
    parts = {part.work_id: part for part in series.series_works.select_for_update()}
    if sorted(work_ids) != sorted(parts):
        raise SeriesError("Give every work of the series one place.")
    for position, work_id in enumerate(work_ids, start=1):
        part = parts[work_id]
        if part.position != position:
            part.position = position
            part.save(update_fields=["position"])  # its work is queued for the index
    _announce(series)


@transaction.atomic
def delete_series(series: Series, *, actor: User) -> None:
    """Delete the series; its works stay, as on AO3."""
    _check(series, actor)
    work_ids = list(series.series_works.values_list("work_id", flat=True))
    series.delete()
    works_changed.send(sender=Series, work_ids=work_ids)


@transaction.atomic
def invite_series_co_creator(series: Series, pseud: Pseud, *, actor: User) -> SeriesCreatorship:
    _check(series, actor)
    if pseud.user_id is None or pseud.user_id == actor.pk:
        raise SeriesError("Invite another member of the archive.")
    if is_blocked(by=pseud.user, other=actor):
        raise SeriesError(f"You can't invite {pseud.name}.")
    existing = SeriesCreatorship.objects.filter(series=series, pseud=pseud).first()
    if existing is not None:
        raise SeriesError(f"{pseud.name} is already invited.")
    if pseuds_refusing_co_creation([pseud]):
        raise SeriesError(f"{pseud.name} does not accept co-creator invitations.")
    invitation = SeriesCreatorship.objects.create(series=series, pseud=pseud, is_approved=False)
    co_creator_invited.send(sender=SeriesCreatorship, invitation=invitation)  # their inbox
    return invitation


@transaction.atomic
def answer_series_invitation(invitation: SeriesCreatorship, *, accept: bool, actor: User) -> None:
    if invitation.pseud.user_id != actor.pk or invitation.is_approved:
        raise SeriesError("This invitation is not yours to answer.")
    if accept:
        invitation.is_approved = True
        invitation.save(update_fields=["is_approved"])
        co_creator_accepted.send(sender=SeriesCreatorship, invitation=invitation)
        _announce(invitation.series)  # the series page names its creators
    else:  # its notice goes with it
        invitation.delete()


@transaction.atomic
def leave_series(series: Series, *, actor: User) -> None:
    """A co-creator takes their name off the series (their works stay in it)."""
    SeriesCreatorship.objects.filter(series=series, pseud__user=actor).delete()
    _announce(series)


def series_creator_names(series: Series) -> list[str]:
    """The accepted co-creators' bylines, in the order they were invited."""
    rows = series.creatorships.filter(is_approved=True).select_related("pseud__user")
    return [row.pseud.byline for row in rows]


def part_of(series: Series) -> list[SeriesWork]:
    """The series' parts in order, each with its work (for its creators' page: drafts too)."""
    return list(series.series_works.select_related("work").order_by("position", "pk"))
