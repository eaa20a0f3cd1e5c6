"""Writing and deleting work skins: the CSS arrives cleaned (``core.skin_forms``).

A skin's stylesheet changes what its works' pages show, and a work page is kept for guests
under a key that moves with every change to the work (``search.page_cache``): a change to
a skin announces its works as changed, in the same transaction, so no kept page links an
old stylesheet or one that is gone.
"""

from __future__ import annotations

from django.db import transaction

from ficshelf.accounts.models import User
from ficshelf.core import public_skins
from ficshelf.core.public_skins import PublicState
from ficshelf.works.models import Creatorship, Work
from ficshelf.works.signals import works_changed
from ficshelf.works.skin_models import WorkSkin


@transaction.atomic
def save_work_skin(*, owner: User, title: str, css: str, skin: WorkSkin | None = None) -> WorkSkin:
    """A new skin of ``owner``'s, or ``skin`` (theirs) with this title and CSS."""
    if skin is None:
        return WorkSkin.objects.create(owner=owner, title=title, css=css)
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner changes it.")
    changed = (skin.title, skin.css) != (title, css)
    skin.title, skin.css = title, css
    skin.save(update_fields=["title", "css", "updated_at"])
    if changed:
        public_skins.edited(skin, release=release_work_skin)
    _announce_works_of(skin)
    return skin


@transaction.atomic
def delete_work_skin(skin: WorkSkin, *, owner: User) -> None:
    """Delete ``skin``; its works go back to the archive's own look."""
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner deletes it.")
    _announce_works_of(skin)
    skin.delete()


@transaction.atomic
def request_public_work_skin(skin: WorkSkin, *, owner: User) -> WorkSkin:
    return public_skins.request_public(skin, owner=owner)


@transaction.atomic
def withdraw_public_work_skin(skin: WorkSkin, *, owner: User) -> WorkSkin:
    return public_skins.withdraw(skin, owner=owner, release=release_work_skin)


@transaction.atomic
def review_work_skin(
    skin: WorkSkin, *, actor: User, approve: bool, reason: str, read: str = ""
) -> WorkSkin:
    return public_skins.review(
        skin, actor=actor, approve=approve, reason=reason, release=release_work_skin, read=read
    )


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


def account_closing_work_skins(user: User) -> None:
    """In the closing account's transaction: public skins stay for the works that chose
    them, naming nobody (as on AO3); the member's other skins go."""
    WorkSkin.objects.filter(owner=user, public_state=PublicState.APPROVED).update(owner=None)
    for skin in WorkSkin.objects.filter(owner=user):
        delete_work_skin(skin, owner=user)


def _announce_works_of(skin: WorkSkin) -> None:
    work_ids = list(Work.objects.filter(work_skin=skin).values_list("pk", flat=True))
    if work_ids:
        works_changed.send(sender=Work, work_ids=work_ids)
