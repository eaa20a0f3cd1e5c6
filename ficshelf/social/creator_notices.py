"""Notices about a member's own writing that the works app announces (``works.signals``)
and the inbox carries: a draft about to be purged, and invitations to co-create a work, a
chapter or a series. Written in the announcing action's transaction; mailed with the next
digest, as the inbox's other notices are (``social.notifications``).

- A draft's notice is about the draft (``InboxItem.work``): drafts are seen by their own
  creators alone, and the inbox and the digest check that again, so its title never reaches
  anyone else (a creator who left the draft since no longer sees the notice).
- An invitation's notice names the invited pseud and what they are invited to, as the
  dashboard where they answer does, and never a creator: the inviter may be anonymous (a
  work in an anonymous or unrevealed collection, a series of such works). It belongs to its
  invitation (``InboxItem.creatorship``, ``chapter_credit``, ``series_credit``, cascading):
  whatever ends an invitation before it is answered (withdrawn, declined, the work, chapter
  or series deleted, the inviter's account closed with its works) deletes the notice in the
  same transaction, so its title leaves the inbox and the next digest with it.
- A work's or a chapter's notice is also about its work, yet shows while the invitation
  waits whatever the work's state (the invitee may not see a draft they are invited to; the
  dashboard shows them the invitation all the same: ``InboxItem.objects.about_works_visible_to``).
- The inbox and the digest say it as the invitation stands when they are read
  (``as_they_stand``): a title, chapter heading or pseud name changed since is shown as it
  is now, never as it was (a draft's old title is no longer the invitee's to see).
- Once accepted, the notice says so and leads to what was accepted instead of to an answer
  that is gone; from then on it shows only while the member may see the work, like any
  notice about a work; it is neither mailed nor left unread (they answered it themselves).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.dateformat import format as format_date

from ficshelf.accounts.models import Pseud
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works.models import (
    ChapterCreatorship,
    Creatorship,
    SeriesCreatorship,
    Work,
)

Invitation = Creatorship | ChapterCreatorship | SeriesCreatorship

# The preference the draft notice points to (``accounts.Preference.keep_drafts``).
KEEP_DRAFTS_CHOICE = "Keep my drafts until I delete them"


def notify_draft_purge(work: Work, purge_on: datetime.date) -> int:
    """Tell the draft's creators (accepted credits, active members) that it will be deleted
    on ``purge_on`` unless they post it. Returns how many were told."""
    creator_ids = sorted(
        Creatorship.objects.filter(
            work=work, is_approved=True, pseud__user__is_active=True
        ).values_list("pseud__user_id", flat=True)
    )
    text = (
        f"Your draft “{work.title}” will be deleted on {format_date(purge_on, 'j F Y')} "
        f"unless you post it. To keep your drafts, choose “{KEEP_DRAFTS_CHOICE}” in your "
        "preferences."
    )
    recipients = {user_id for user_id in creator_ids if user_id is not None}
    InboxItem.objects.bulk_create(
        InboxItem(
            recipient_id=user_id,
            work=work,
            kind=InboxKind.DRAFT,
            text=text[:500],
            link=work.get_absolute_url(),
            awaits_digest=True,
        )
        for user_id in sorted(recipients)
    )
    return len(recipients)


def notify_invitation(invitation: Invitation) -> bool:
    """Tell the invited member where to accept or decline. Returns whether a notice was
    made (none for a pseud without an active member, or an invitation already answered)."""
    pseud: Pseud = invitation.pseud
    user = pseud.user
    if user is None or not user.is_active or invitation.is_approved:
        return False
    text, link = _invitation_text(invitation)
    InboxItem.objects.create(
        recipient=user,
        kind=InboxKind.INVITATION,
        text=text[:500],
        link=link,
        awaits_digest=True,
        **_belonging_to(invitation),
    )
    return True


def settle_accepted_invitation(invitation: Invitation) -> int:
    """The invitee accepted: their notice no longer offers an answer (the dashboard has
    none now) but says what they accepted and leads to it; it is read and not mailed, as
    they acted on it. Returns how many notices were rewritten."""
    text, link = _accepted_text(invitation)
    notices = InboxItem.objects.filter(kind=InboxKind.INVITATION, **_belonging_to(invitation))
    return notices.update(text=text[:500], link=link, is_read=True, awaits_digest=False)


def as_they_stand(items: Iterable[InboxItem]) -> None:
    """Say each invitation notice among ``items`` as its invitation stands now: its text and
    link made again from the invitation's row (in memory, for the inbox and the digest;
    the stored text is what was said when it was sent). A few queries when there are
    invitation notices among them, none otherwise."""
    notices = [
        item
        for item in items
        if item.creatorship_id or item.chapter_credit_id or item.series_credit_id
    ]
    if not notices:
        return
    prefetch_related_objects(
        notices,
        "creatorship__work",
        "creatorship__pseud",
        "chapter_credit__chapter__work",
        "chapter_credit__pseud",
        "series_credit__series",
        "series_credit__pseud",
    )
    for item in notices:
        invitation: Invitation | None = (
            item.creatorship or item.chapter_credit or item.series_credit
        )
        if invitation is None:
            continue
        if invitation.is_approved:
            text, link = _accepted_text(invitation)
        else:
            text, link = _invitation_text(invitation)
        item.text, item.link = text[:500], link


def _belonging_to(invitation: Invitation) -> dict[str, object]:
    """The notice's links to its invitation (and to the work it is about, if any)."""
    if isinstance(invitation, SeriesCreatorship):
        return {"series_credit": invitation}
    if isinstance(invitation, ChapterCreatorship):
        return {"chapter_credit": invitation, "work_id": invitation.chapter.work_id}
    return {"creatorship": invitation, "work_id": invitation.work_id}


def _invitation_text(invitation: Invitation) -> tuple[str, str]:
    """What the notice says while the invitation waits, and the dashboard section it leads
    to."""
    name = invitation.pseud.name
    answer = "accept or decline on your dashboard."
    dashboard = reverse("works:dashboard")
    if isinstance(invitation, SeriesCreatorship):
        what = f"the series “{invitation.series.title}”"
        return f"Your pseud {name} is invited to co-create {what}: {answer}", (
            dashboard + "#series-invitations-heading"
        )
    if isinstance(invitation, ChapterCreatorship):
        chapter = invitation.chapter
        what = f"{chapter.heading} of “{chapter.work.title}”"
        return f"Your pseud {name} is invited to be credited on {what}: {answer}", (
            dashboard + "#chapter-invitations-heading"
        )
    return (
        f"Your pseud {name} is invited to co-create “{invitation.work.title}”: {answer}",
        dashboard + "#invitations-heading",
    )


def _accepted_text(invitation: Invitation) -> tuple[str, str]:
    """What the notice says once accepted, and where it leads: what the member now
    co-creates (still naming no other creator)."""
    name = invitation.pseud.name
    if isinstance(invitation, SeriesCreatorship):
        series = invitation.series
        return (
            f"You accepted: your pseud {name} co-creates the series “{series.title}”.",
            reverse("works:series", args=[series.pk]),
        )
    if isinstance(invitation, ChapterCreatorship):
        chapter = invitation.chapter
        return (
            f"You accepted: your pseud {name} is credited on {chapter.heading} of "
            f"“{chapter.work.title}”.",
            chapter.work.get_absolute_url(),
        )
    return (
        f"You accepted: your pseud {name} co-creates “{invitation.work.title}”.",
        invitation.work.get_absolute_url(),
    )
