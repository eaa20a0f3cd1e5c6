"""Co-creators per chapter (AO3's chapter co-creators).

A chapter with no credits of its own is credited to its work's creators. A chapter given
its own names a subset of them, or others besides: the work's creators and the writer
naming them are credited at once; anyone else is invited (told in their inbox, answered on
their dashboard) and credited once they accept, unless they refuse co-creator invitations
or blocked the writer. Which pseuds a chapter byline names, for every surface alike, is
``works.display``'s ``chapter_credited_pseuds``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ficshelf.accounts.access import is_blocked
from ficshelf.accounts.models import Pseud, User
from ficshelf.works.member_choices import pseuds_refusing_co_creation
from ficshelf.works.models import Chapter, ChapterCreatorship, Creatorship
from ficshelf.works.signals import co_creator_accepted, co_creator_invited, works_changed


class ChapterCreditError(ValueError):
    """The named chapter creators cannot be credited; the message says why."""


def refused_chapter_creators(
    chapter: Chapter | None, work_id: int, pseuds: Sequence[Pseud], *, actor: User
) -> list[str]:
    """Why some of ``pseuds`` cannot be invited to the chapter (empty when all can): those
    who blocked ``actor`` or refuse invitations, among those not credited already."""
    problems: list[str] = []
    for pseud in _to_invite(chapter, work_id, pseuds, actor=actor):
        if is_blocked(by=pseud.user, other=actor):
            problems.append(f"You can't invite {pseud.name}.")
    declining = pseuds_refusing_co_creation(_to_invite(chapter, work_id, pseuds, actor=actor))
    problems += [f"{p.name} does not accept co-creator invitations." for p in declining]
    return problems


def _to_invite(
    chapter: Chapter | None, work_id: int, pseuds: Sequence[Pseud], *, actor: User
) -> list[Pseud]:
    """The pseuds among ``pseuds`` that need to say yes: neither the actor's own, nor an
    approved creator of the work, nor credited (or invited) on the chapter already."""
    creators = set(
        Creatorship.objects.filter(work_id=work_id, is_approved=True).values_list(
            "pseud_id", flat=True
        )
    )
    named = (
        set(ChapterCreatorship.objects.filter(chapter=chapter).values_list("pseud_id", flat=True))
        if chapter is not None and chapter.pk
        else set()
    )
    return [
        p for p in pseuds if p.user_id != actor.pk and p.pk not in creators and p.pk not in named
    ]


def set_chapter_credits(chapter: Chapter, pseuds: Sequence[Pseud], *, actor: User) -> None:
    """Credit the chapter to ``pseuds`` in this order (none: to the work's creators). In
    the caller's transaction (the chapter actions)."""
    problems = refused_chapter_creators(chapter, chapter.work_id, pseuds, actor=actor)
    if problems:  # the form said so; a member who changed their mind since
        raise ChapterCreditError(" ".join(problems))
    needs_yes = {p.pk for p in _to_invite(chapter, chapter.work_id, pseuds, actor=actor)}
    existing = {row.pseud_id: row for row in ChapterCreatorship.objects.filter(chapter=chapter)}
    wanted = {p.pk for p in pseuds}
    ChapterCreatorship.objects.filter(chapter=chapter).exclude(pseud_id__in=wanted).delete()
    for position, pseud in enumerate(pseuds):
        row = existing.get(pseud.pk)
        if row is None:
            row = ChapterCreatorship.objects.create(
                chapter=chapter,
                pseud=pseud,
                position=position,
                is_approved=pseud.pk not in needs_yes,
            )
            if not row.is_approved:  # the invited member hears of it in their inbox
                co_creator_invited.send(sender=ChapterCreatorship, invitation=row)
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    # Bylines of the work's pages and downloads change: kept copies must not outlive them.
    works_changed.send(sender=Chapter, work_ids=[chapter.work_id])


@transaction.atomic
def answer_chapter_invitation(invitation: ChapterCreatorship, *, accept: bool, actor: User) -> None:
    if invitation.pseud.user_id != actor.pk or invitation.is_approved:
        raise ChapterCreditError("This invitation is not yours to answer.")
    if accept:
        invitation.is_approved = True
        invitation.save(update_fields=["is_approved"])
        co_creator_accepted.send(sender=ChapterCreatorship, invitation=invitation)
    else:  # its notice goes with it
        invitation.delete()
    works_changed.send(sender=Chapter, work_ids=[invitation.chapter.work_id])
