"""What the social app does when the works app tells it something (``works.signals``), and
the counts it keeps as kudos, comments and bookmarks come and go.

- A posted work or chapter: subscribers, and the creators of a work another names as its
  source, hear of it in their inbox now and by mail in the next digest. The works app is
  below social and cannot call it; it sends the signals inside its action's transaction,
  so the inbox items commit with the posting or not at all.
- A draft the purge will soon delete, an invitation to co-create: the creators, the
  invited member (``social.creator_notices``).
- A work shown to a reader: a hit (``social.hits``) and the member's reading history.
- Kudos, comments, bookmarks and subscriptions saved or deleted, by an action, an admin
  page or a cascade: the work's stored counts (``social.counters``), in the same
  transaction.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.accounts.signals import account_closing
from ficshelf.core.disk_full import skipped_if_full
from ficshelf.social import counters, hits
from ficshelf.social.actions import (
    notify_subscribers_of_new_chapter,
    notify_subscribers_of_new_work,
    record_reading,
)
from ficshelf.social.creator_notices import (
    Invitation,
    notify_draft_purge,
    notify_invitation,
    settle_accepted_invitation,
)
from ficshelf.social.deletions import PerDeletion
from ficshelf.social.models import Bookmark, Comment, InboxItem, InboxKind, Kudos, Subscription
from ficshelf.works.models import Chapter, Creatorship, Gift, Inspiration, SourceApproval, Work
from ficshelf.works.signals import (
    chapter_posted,
    co_creator_accepted,
    co_creator_invited,
    draft_purge_coming,
    gifts_given,
    source_named,
    work_posted,
    work_viewed,
)


@receiver(work_posted)
def _work_posted(sender: Any, work: Work, **kwargs: Any) -> None:
    notify_subscribers_of_new_work(work)
    notify_source_creators(work)
    notify_gift_recipients(work)


@receiver(chapter_posted)
def _chapter_posted(sender: Any, chapter: Chapter, **kwargs: Any) -> None:
    notify_subscribers_of_new_chapter(chapter)


@receiver(gifts_given)
def _gifts_given(sender: Any, work: Work, recipient_names: list[str], **kwargs: Any) -> None:
    notify_gift_recipients(work, only_names=recipient_names)


@receiver(source_named)
def _source_named(sender: Any, work: Work, source_ids: list[int], **kwargs: Any) -> None:
    notify_source_creators(work, only_source_ids=source_ids)


@receiver(draft_purge_coming)
def _draft_purge_coming(sender: Any, work: Work, purge_on: datetime.date, **kwargs: Any) -> None:
    notify_draft_purge(work, purge_on)


@receiver(co_creator_invited)
def _co_creator_invited(sender: Any, invitation: Invitation, **kwargs: Any) -> None:
    notify_invitation(invitation)


@receiver(co_creator_accepted)
def _co_creator_accepted(sender: Any, invitation: Invitation, **kwargs: Any) -> None:
    settle_accepted_invitation(invitation)


@receiver(work_viewed)
def _work_viewed(
    sender: Any, request: HttpRequest, work: Work, chapter: Chapter | None, **kwargs: Any
) -> None:
    # On a full disk the work is still shown, uncounted.
    with skipped_if_full("counting a hit"):
        hits.record_hit(request, work)
    with skipped_if_full("recording the reading history"):
        # Sent by the works app's views; a kept page (guests) has no history to keep.
        is_chapter_address = bool(kwargs.get("is_chapter_address", False))
        record_reading(request, work, chapter, is_chapter_address=is_chapter_address)


# Kudos and subscriptions only appear or disappear (an admin may move one to another work):
# each that comes moves its work's count by one; a deletion recounts. Comments and bookmarks
# change state: recounted. A raw save (``loaddata``) brings the works' stored counts with
# it and changes none.
_MOVES: dict[type[Model], Callable[[Mapping[int, int]], None]] = {
    Kudos: counters.add_kudos_by_work,
    Subscription: counters.add_subscriptions,
}
# What each deletion takes, per work, handed to the counters once (``social.deletions``).
_GOING: dict[type[Model], PerDeletion] = {
    model: PerDeletion() for model in (Kudos, Subscription, Comment, Bookmark)
}


@receiver(pre_save, sender=Kudos)
@receiver(pre_save, sender=Subscription)
def _moved_row_saving(sender: type[Model], instance: Kudos | Subscription, **kwargs: Any) -> None:
    # Only an admin's edit saves a row once made: the work it may leave loses it.
    if not instance._state.adding and not kwargs.get("raw"):
        instance._work_id_before = (  # type: ignore[union-attr]
            sender._default_manager.filter(pk=instance.pk).values_list("work_id", flat=True).first()
        )


@receiver(post_save, sender=Kudos)
@receiver(post_save, sender=Subscription)
def _moved_row_saved(
    sender: type[Model], instance: Kudos | Subscription, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    before = None if created else getattr(instance, "_work_id_before", None)
    if before == instance.work_id:
        return
    moved: Counter[int] = Counter()
    if instance.work_id is not None:  # a series' or a creator's subscription: on no work
        moved[instance.work_id] += 1
    if before is not None:
        moved[before] -= 1
    _MOVES[sender](moved)


@receiver(post_save, sender=Comment)
@receiver(post_save, sender=Bookmark)
def _recounted_row_saved(sender: type[Model], instance: Comment | Bookmark, **kwargs: Any) -> None:
    # A series bookmark counts on no work.
    if instance.work_id is not None and not kwargs.get("raw"):
        counters.recount_comments_and_bookmarks([instance.work_id])


@receiver(pre_delete, sender=Kudos)
@receiver(pre_delete, sender=Subscription)
@receiver(pre_delete, sender=Comment)
@receiver(pre_delete, sender=Bookmark)
def _counted_row_deleting(
    sender: type[Model],
    instance: Kudos | Subscription | Comment | Bookmark,
    origin: object = None,
    **kwargs: Any,
) -> None:
    if instance.work_id is not None:
        _GOING[sender].add(origin, instance.work_id)


@receiver(post_delete, sender=Kudos)
@receiver(post_delete, sender=Subscription)
@receiver(post_delete, sender=Comment)
@receiver(post_delete, sender=Bookmark)
def _counted_row_deleted(
    sender: type[Model],
    instance: Kudos | Subscription | Comment | Bookmark,
    origin: object = None,
    **kwargs: Any,
) -> None:
    going = _GOING[sender].take(origin)
    if not going:
        return
    # Recounted, never moved by -1: this signal also comes for a row another transaction
    # deleted first (``counters.recount_kudos_and_subscriptions`` says why).
    if sender in _MOVES:
        counters.recount_kudos_and_subscriptions(going)
    else:
        counters.recount_comments_and_bookmarks(going)


def notify_gift_recipients(work: Work, *, only_names: list[str] | None = None) -> int:
    """Tell the members a posted work is given to (refused gifts aside; ``only_names``: only
    the recipients an edit added, by the names the gifts carry). The notice is about
    the work, so a recipient reads it only once they may see the work (an unrevealed
    collection's gift waits for the reveal); it names the creators as the byline does
    ("Anonymous" in an anonymous collection). Returns how many were told."""
    work = Work.objects.get(pk=work.pk)  # the byline's anonymity as stored, not as passed
    gifts = Gift.objects.filter(work=work, refused_at__isnull=True, recipient__user__isnull=False)
    if only_names is not None:
        gifts = gifts.filter(recipient_name__in=only_names)
    recipients = set(gifts.values_list("recipient__user_id", flat=True))
    recipients -= set(
        Creatorship.objects.filter(work=work, is_approved=True).values_list(
            "pseud__user_id", flat=True
        )
    )
    InboxItem.objects.bulk_create(
        InboxItem(
            recipient_id=user_id,
            work=work,
            kind=InboxKind.GIFT,
            text=f"{work.byline} gave you a gift: {work.title}"[:500],
            link=work.get_absolute_url(),
            awaits_digest=True,
        )
        for user_id in sorted(recipients)
    )
    return len(recipients)


def notify_source_creators(work: Work, *, only_source_ids: list[int] | None = None) -> int:
    """Tell the creators of the works ``work`` names as its sources (on this archive) that
    a posted work was inspired by theirs, or translates it; in their inbox now, by mail in
    the next digest. A source waiting for approval links to where they approve it
    (``works.inspiration``). Returns how many notices were made."""
    if not work.is_posted:
        return 0
    rows = Inspiration.objects.filter(work=work, source__isnull=False).select_related("source")
    if only_source_ids is not None:
        rows = rows.filter(source_id__in=only_source_ids)
    own = set(work.creatorships.filter(is_approved=True).values_list("pseud__user", flat=True))
    told = 0
    for inspiration in rows:
        source = inspiration.source
        assert source is not None  # filtered above
        credits = Creatorship.objects.filter(
            work=source, is_approved=True, pseud__user__isnull=False
        ).exclude(pseud__user__in=own)
        recipients = {credit.pseud.user for credit in credits.select_related("pseud__user")}
        verb = "translated" if inspiration.is_translation else "was inspired by"
        waiting = inspiration.approval == SourceApproval.PENDING
        text = f"{work.title} {verb} your work {inspiration.title}"
        if waiting:
            text += ": approve it to list it on your work"
        link = (
            reverse("works:related_works", args=[source.pk]) if waiting else work.get_absolute_url()
        )
        for user in recipients:
            if user is None:
                continue
            InboxItem.objects.create(
                recipient=user,
                work=work,
                kind=InboxKind.INSPIRED,
                text=text[:500],
                link=link,
                awaits_digest=True,
            )
            told += 1
    return told


@receiver(account_closing)
def _account_closing(sender: Any, user: User, **kwargs: Any) -> None:
    counters.lock_works_counting_rows_of(user.pk)
    forget_name_in_notices(user)


# What a closed account's name becomes in other members' notices.
DELETED_ACCOUNT = "(deleted account)"


def forget_name_in_notices(user: User) -> int:
    """Other members' notices name the member ("bob left kudos on ..."); the name becomes
    ``DELETED_ACCOUNT`` there, whole words only (a notice about "bobby" keeps its name).
    The member's own notices go with the account. Returns how many notices changed."""
    names = {user.username} | set(user.pseuds.values_list("name", flat=True))
    names = {n for n in names if n}
    if not names:
        return 0
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?!\w)"
    )
    named = Q()
    for name in names:
        named |= Q(text__contains=name)
    changed = 0
    for item in InboxItem.objects.filter(named).exclude(recipient=user).only("pk", "text"):
        text = pattern.sub(DELETED_ACCOUNT, item.text)[:500]
        if text != item.text:
            item.text = text
            item.save(update_fields=["text"])
            changed += 1
    return changed
