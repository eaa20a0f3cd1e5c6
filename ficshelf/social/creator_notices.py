"""Notices about a member's own writing that the works app announces (``works.signals``)
and the inbox carries: a draft about to be purged, and invitations to co-create a work, a
chapter or a series. Written in the announcing action's transaction; mailed with the next
digest, as the inbox's other notices are (``social.notifications``).

- A draft's notice is about the draft (``InboxItem.work``): drafts are seen by their own
  creators alone, and the inbox and the digest check that again, so its title never reaches
  anyone else (a creator who left the draft since no longer sees the notice).
- An invitation's notice names the invited pseud and what they are invited to, as the
  dashboard where they answer does, and never a creator: the inviter may be anonymous (a
  work in an anonymous or unrevealed collection, a series of such works). It is about no
  work, because the invitee is not a creator yet and may not see a draft they are invited
  to; it only leads to the dashboard, which shows them what is theirs to answer.
"""

from __future__ import annotations

import datetime

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
    text, anchor = _invitation_text(invitation)
    InboxItem.objects.create(
        recipient=user,
        kind=InboxKind.INVITATION,
        text=text[:500],
        link=reverse("works:dashboard") + anchor,
        awaits_digest=True,
    )
    return True


def _invitation_text(invitation: Invitation) -> tuple[str, str]:
    """What the notice says, and the dashboard section it leads to."""
    name = invitation.pseud.name
    answer = "accept or decline on your dashboard."
    if isinstance(invitation, SeriesCreatorship):
        what = f"the series “{invitation.series.title}”"
        return f"Your pseud {name} is invited to co-create {what}: {answer}", (
            "#series-invitations-heading"
        )
    if isinstance(invitation, ChapterCreatorship):
        chapter = invitation.chapter
        what = f"{chapter.heading} of “{chapter.work.title}”"
        return f"Your pseud {name} is invited to be credited on {what}: {answer}", (
            "#chapter-invitations-heading"
        )
    return (
        f"Your pseud {name} is invited to co-create “{invitation.work.title}”: {answer}",
        "#invitations-heading",
    )
