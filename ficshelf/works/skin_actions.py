"""Writing, deleting and making public work skins: the CSS arrives cleaned
(``core.skin_forms``); every step is ``core.public_skins``' with this kind's parts.

A skin's stylesheet changes what its works' pages show, and a work page is kept for guests
under a key that moves with every change to the work (``search.page_cache``): a change to
a skin announces its works as changed, in the same transaction, so no kept page links an
old stylesheet or one that is gone.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ficshelf.accounts.models import User
from ficshelf.core.public_skins import PublicState, SkinKind
from ficshelf.works.models import Creatorship, Work
from ficshelf.works.signals import works_changed
from ficshelf.works.skin_models import WorkSkin


def release_work_skin(skin: WorkSkin) -> None:
    """In the caller's transaction: works by others than the skin's owner stop using it
    (they go back to the archive's own look); announced, so no kept page links it."""
    borrowed = Work.objects.filter(work_skin=skin)
    if skin.owner_id is not None:
        # The owner's own works: those with one credit both theirs and accepted. (An
        # exclude() over the two conditions would test them on different credits, and a
        # work that merely invited the owner would keep a skin nobody reviewed.)
        owners_works = Creatorship.objects.filter(
            pseud__user_id=skin.owner_id, is_approved=True
        ).values("work_id")
        borrowed = borrowed.exclude(pk__in=owners_works)
    work_ids = list(borrowed.values_list("pk", flat=True))
    if work_ids:
        Work.objects.filter(pk__in=work_ids).update(work_skin=None)
        works_changed.send(sender=Work, work_ids=work_ids)


def announce_works_of(skin: WorkSkin) -> None:
    """In the caller's transaction: the works that use ``skin`` changed (their kept pages
    link its stylesheet)."""
    work_ids = list(Work.objects.filter(work_skin=skin).values_list("pk", flat=True))
    if work_ids:
        works_changed.send(sender=Work, work_ids=work_ids)


# Every step of a work skin (``core.public_skins``). Its selectors reach only the work's
# text (``#workskin``), which its readers may read anyway: no check beyond the review.
WORK_SKINS = SkinKind(WorkSkin, release=release_work_skin, announce=announce_works_of)
save_work_skin = WORK_SKINS.save
delete_work_skin = WORK_SKINS.delete
request_public_work_skin = WORK_SKINS.request_public
withdraw_public_work_skin = WORK_SKINS.withdraw
review_work_skin = WORK_SKINS.review


def usable_work_skins(member_id: int | None, work: Work | None = None) -> QuerySet[WorkSkin]:
    """The work skins a member may put on ``work`` (a new one: None): their own, the
    approved public ones, and the one the work has (a co-creator's). The posting form
    offers these and ``works.actions`` checks the choice again when it saves."""
    usable = WORK_SKINS.usable_by(member_id)
    if work is not None and work.work_skin_id is not None:
        usable = usable | WorkSkin.objects.filter(pk=work.work_skin_id)
    return usable


def account_closing_work_skins(user: User) -> None:
    """In the closing account's transaction: public skins stay for the works that chose
    them, naming nobody (as on AO3); the member's other skins go."""
    WorkSkin.objects.filter(owner=user, public_state=PublicState.APPROVED).update(owner=None)
    for skin in WorkSkin.objects.filter(owner=user):
        delete_work_skin(skin, owner=user)
