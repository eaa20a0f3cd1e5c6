"""What the works app does when an account closes or a pseud is deleted
(``accounts.signals``).

The accounts app is below works and cannot touch works itself; it announces the change in
its transaction and this hands the works on before the account or pseud is deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.dispatch import receiver

from ficshelf.accounts.actions import orphan_pseud
from ficshelf.accounts.models import Pseud, User
from ficshelf.accounts.signals import account_closing, pseud_deleting
from ficshelf.works.actions import delete_work
from ficshelf.works.models import Creatorship, Gift, Work
from ficshelf.works.signals import works_changed
from ficshelf.works.skin_actions import account_closing_work_skins


@receiver(account_closing)
def _account_closing(sender: Any, user: User, orphan_works: bool, **kwargs: Any) -> None:
    if orphan_works:
        orphan_all_works(user)
    else:
        delete_own_works(user)
    forget_gifts_to(user)
    account_closing_work_skins(user)


def forget_gifts_to(user: User) -> None:
    """Gifts to the member's pseuds go (the works stay): a gift names its recipient, and a
    "for <name>" with no one behind it would keep their name on other people's works."""
    gifts = Gift.objects.filter(recipient__user=user)
    work_ids = sorted(set(gifts.values_list("work_id", flat=True)))
    if work_ids:
        gifts.delete()
        works_changed.send(sender=Work, work_ids=work_ids)


def orphan_all_works(user: User) -> None:
    """Credit the user's works to orphan_account instead (AO3's orphaning). Invitations
    they had not answered go: orphan_account never accepts one."""
    target = orphan_pseud()
    Creatorship.objects.filter(pseud__user=user, is_approved=False).delete()
    for creatorship in Creatorship.objects.filter(pseud__user=user).select_related("work"):
        if Creatorship.objects.filter(work=creatorship.work, pseud=target).exists():
            creatorship.delete()
        else:
            # Saved one by one: the model signals queue each work for reindexing.
            creatorship.pseud = target
            creatorship.save(update_fields=["pseud"])


def delete_own_works(user: User) -> None:
    """Delete the works nobody else co-created; on shared works only the user's credit goes
    (with their pseuds), as AO3 does when one co-creator leaves. Someone only invited is no
    co-creator: a work of the user's with nothing but unanswered invitations besides goes,
    and the invitations (and their notices) with it, rather than wait for an invitee to
    accept a work whose creator left."""
    own = Creatorship.objects.filter(pseud__user=user, is_approved=True).values("work_id")
    others = Q(creatorships__is_approved=True) & ~Q(creatorships__pseud__user=user)
    sole = (
        Work.objects.filter(pk__in=own)
        .annotate(others=Count("creatorships", filter=others))
        .filter(others=0)
    )
    for work in sole:
        delete_work(work)


@receiver(pseud_deleting)
def _pseud_deleting(sender: Any, pseud: Pseud, default: Pseud, **kwargs: Any) -> None:
    # Credit the pseud's works to the default pseud (once, where both were credited).
    for creatorship in Creatorship.objects.filter(pseud=pseud):
        if Creatorship.objects.filter(work_id=creatorship.work_id, pseud=default).exists():
            creatorship.delete()
        else:
            creatorship.pseud = default
            creatorship.save(update_fields=["pseud"])
