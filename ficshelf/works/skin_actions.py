"""Writing and deleting work skins: the CSS arrives cleaned (``core.skin_forms``).

A skin's stylesheet changes what its works' pages show, and a work page is kept for guests
under a key that moves with every change to the work (``search.page_cache``): a change to
a skin announces its works as changed, in the same transaction, so no kept page links an
old stylesheet or one that is gone.
"""

from __future__ import annotations

from django.db import transaction

from ficshelf.accounts.models import User
from ficshelf.works.models import Work
from ficshelf.works.signals import works_changed
from ficshelf.works.skin_models import WorkSkin


@transaction.atomic
def save_work_skin(*, owner: User, title: str, css: str, skin: WorkSkin | None = None) -> WorkSkin:
    """A new skin of ``owner``'s, or ``skin`` (theirs) with this title and CSS."""
    if skin is None:
        return WorkSkin.objects.create(owner=owner, title=title, css=css)
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner changes it.")
    skin.title, skin.css = title, css
    skin.save(update_fields=["title", "css", "updated_at"])
    _announce_works_of(skin)
    return skin


@transaction.atomic
def delete_work_skin(skin: WorkSkin, *, owner: User) -> None:
    """Delete ``skin``; its works go back to the archive's own look."""
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner deletes it.")
    _announce_works_of(skin)
    skin.delete()


def _announce_works_of(skin: WorkSkin) -> None:
    work_ids = list(Work.objects.filter(work_skin=skin).values_list("pk", flat=True))
    if work_ids:
        works_changed.send(sender=Work, work_ids=work_ids)
