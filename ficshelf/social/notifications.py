"""Mail about inbox items: one mail per comment or reply, one digest for the rest.

Subjects are made one line whatever the stored titles hold: a title saved with a newline
(before forms folded them, or by an admin) would make Django refuse the mail.

Kudos and subscription notices are many and small, so (as AO3 does for kudos) they are
collected and mailed as one digest per recipient by ``send_notification_digests``, run
periodically by the operator (the ``send_notification_digests`` command) or the worker.

What is mailed follows the recipient's preferences (``accounts.Preference``): a kind they
turned off is never mailed, and with the daily digest every notice (comments too) waits for
one mail a day. The inbox keeps every notice whatever they chose; only mail follows it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ficshelf.accounts.access import saved_preference
from ficshelf.accounts.models import Preference
from ficshelf.core.single_line import one_line
from ficshelf.social.comment_pages import comment_url
from ficshelf.social.creator_notices import as_they_stand
from ficshelf.social.models import InboxItem, InboxKind

# The preference that turns each kind's mail on or off; every kind is named (a test checks
# it). None: always mailed, as no choice may silence it: a notice about the member's own
# account (a data export ready), or that a draft of theirs is about to be deleted, which
# they stop by keeping their drafts (``Preference.keep_drafts``, named in the notice), not
# by missing the warning.
MAIL_CHOICE: dict[str, str | None] = {
    InboxKind.COMMENT: "mail_comments",
    InboxKind.REPLY: "mail_comments",
    InboxKind.KUDOS: "mail_kudos",
    InboxKind.SUBSCRIPTION: "mail_subscriptions",
    InboxKind.GIFT: "mail_gifts",
    InboxKind.COLLECTION: "mail_collections",
    InboxKind.INSPIRED: "mail_collections",
    InboxKind.INVITATION: "mail_co_creator_invitations",
    InboxKind.ACCOUNT: None,
    InboxKind.DRAFT: None,
}
# A daily digest goes at most this often.
DAILY = datetime.timedelta(hours=24)


def wants_mail(preference: Preference, kind: str) -> bool:
    choice = MAIL_CHOICE.get(kind)
    return True if choice is None else bool(getattr(preference, choice))


def email_inbox_item(item_id: int) -> bool:
    item = InboxItem.objects.select_related("recipient").filter(pk=item_id).first()
    if item is None or not item.recipient.email:
        return False
    if not InboxItem.objects.about_works_visible_to(item.recipient).filter(pk=item.pk).exists():
        return False
    preference = saved_preference(item.recipient_id)
    if not wants_mail(preference, item.kind):
        return False
    if preference.daily_digest:
        # Mailed with the rest of the day's notices (``send_notification_digests``).
        InboxItem.objects.filter(pk=item.pk).update(awaits_digest=True)
        return False
    as_they_stand([item])
    site = getattr(settings, "SITE_NAME", "Ficshelf")
    body = f"{item.text}\n\n{item.link}\n\nYou can read all your notifications in your inbox.\n"
    send_mail(
        subject=one_line(f"[{site}] {item.text}")[:200],
        message=body,
        from_email=None,
        recipient_list=[item.recipient.email],
    )
    return True


def email_guest_of_reply(comment_id: int) -> bool:
    """Tell a guest commenter, at the address they left, that someone replied."""
    from ficshelf.social.models import Comment

    reply = Comment.objects.select_related("parent", "work").filter(pk=comment_id).first()
    if reply is None or reply.parent is None or not reply.parent.guest_email:
        return False
    from ficshelf.works.models import Work

    if not Work.objects.visible_to(None).filter(pk=reply.work_id).exists():
        return False
    site = getattr(settings, "SITE_NAME", "Ficshelf")
    send_mail(
        subject=one_line(
            f"[{site}] {reply.public_author_name} replied to your comment on {reply.work.title}"
        )[:200],
        message=(
            f"{reply.public_author_name} replied to your comment on {reply.work.title}.\n\n"
            f"{comment_url(reply)}\n"
        ),
        from_email=None,
        recipient_list=[reply.parent.guest_email],
    )
    return True


def send_notification_digests() -> int:
    """Mail each recipient one digest of their waiting notices; return how many mails went."""
    site = getattr(settings, "SITE_NAME", "Ficshelf")
    recipient_ids = (
        InboxItem.objects.filter(awaits_digest=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = 0
    daily = set(
        Preference.objects.filter(
            user_id__in=recipient_ids, daily_digest=True, last_digest_at__gt=timezone.now() - DAILY
        ).values_list("user_id", flat=True)
    )
    for recipient_id in list(recipient_ids):
        if recipient_id in daily:
            continue  # their day's mail went already: these wait for the next one
        with transaction.atomic():
            items = list(
                InboxItem.objects.select_for_update()
                .filter(recipient_id=recipient_id, awaits_digest=True)
                .select_related("recipient")
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            recipient = items[0].recipient
            InboxItem.objects.filter(pk__in=[i.pk for i in items]).update(awaits_digest=False)
            # Visibility again at mailing time: the work may have gone since the item was made.
            still_visible = set(
                InboxItem.objects.about_works_visible_to(recipient)
                .filter(pk__in=[i.pk for i in items])
                .values_list("pk", flat=True)
            )
            preference = saved_preference(recipient_id)
            items = [i for i in items if i.pk in still_visible and wants_mail(preference, i.kind)]
            if not recipient.email or not items:
                continue
            as_they_stand(items)  # invitations: today's titles, not those of the day sent
            if preference.daily_digest:
                # Not a change of choice: saved without the signal that renews the reader's
                # cached preferences.
                Preference.objects.filter(user_id=recipient_id).update(
                    last_digest_at=timezone.now()
                )
            lines = [f"- {i.text}\n  {i.link}" if i.link else f"- {i.text}" for i in items]
            noun = "notification" if len(items) == 1 else "notifications"
            send_mail(
                subject=one_line(f"[{site}] {len(items)} new {noun}"),
                message=f"Hi {recipient.username},\n\n" + "\n".join(lines) + "\n",
                from_email=None,
                recipient_list=[recipient.email],
            )
            sent += 1
    return sent
