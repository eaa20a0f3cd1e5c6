"""Whether a new comment is published or held for moderation (docs/design.md, "Spam
defence"). Trusted members' comments are always published; for guests and new members,
in this order, the first that applies holds it:

- sent from a blocked address or network (``core.models.BlockedNetwork``);
- more links than ``FICSHELF_SPAM_LINK_LIMIT``;
- the same text as another comment of the last day, links and numbers aside, when it is
  long enough to tell (short praise such as "Loved it!" is written alike by many readers);
- a burst: more than ``BURST_LIMIT`` comments from one address within ``BURST_WINDOW``
  seconds (the rate limit refuses at a higher rate still);
- the outside checker, when configured, calls it spam or does not answer in time.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit
from ficshelf.core.spam import (
    CheckedPost,
    CheckerAnswer,
    address_blocked,
    ask_checker,
    count_links,
    too_many_links,
)
from ficshelf.social.models import Comment
from ficshelf.social.trust import is_trusted

# Spam bursts come seconds apart; a reader binging chapters comments a minute or more apart.
BURST_LIMIT = 3
BURST_WINDOW = 60
BURSTS = RateLimit("comment-burst", limit=BURST_LIMIT, window_seconds=BURST_WINDOW)
REPEAT_WINDOW = datetime.timedelta(days=1)
REPEAT_MIN_CHARACTERS = 60


@dataclass(frozen=True)
class Sender:
    """What the request says about who sent a comment (empty outside a request)."""

    address: str = ""  # ``core.ratelimit.client_address``
    burst_key: str = ""  # ``core.ratelimit.limit_address``: an IPv6 /64 counts as one
    user_agent: str = ""
    site: str = ""


def hold_reason(
    *, user: User | None, text: str, sender: Sender, guest_name: str = "", guest_email: str = ""
) -> str:
    """Why this comment (sanitized ``text``) is held, or "" to publish it."""
    if user is not None and is_trusted(user):
        return ""
    if sender.address and address_blocked(sender.address):
        return "sent from a blocked address"
    if too_many_links(text):
        return f"{count_links(text)} links"
    if _repeated(text):
        return "the same text as another recent comment"
    if sender.burst_key and not BURSTS.attempt(sender.burst_key):
        return "many comments from one address in a few minutes"
    answer = ask_checker(
        CheckedPost(
            content=text,
            author=user.get_username() if user is not None else guest_name,
            author_email=user.email if user is not None else guest_email,
            user_ip=sender.address,
            user_agent=sender.user_agent,
            site=sender.site,
        )
    )
    if answer == CheckerAnswer.SPAM:
        return "the spam checker called it spam"
    if answer == CheckerAnswer.UNKNOWN:
        return "the spam checker did not answer"
    return ""


def fingerprint(text: str) -> str:
    """What ``Comment.fingerprint`` holds for this sanitized text ("" when too short)."""
    plain = re.sub(r"<[^>]*>", " ", text)
    # Addresses, and anything shaped like a domain name (a link's text is often its host).
    plain = re.sub(r"(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)+\S*|\d+", " ", plain.lower())
    words = " ".join(re.findall(r"\w+", plain))
    if len(words) < REPEAT_MIN_CHARACTERS:
        return ""
    return hashlib.sha256(words.encode()).hexdigest()


def _repeated(text: str) -> bool:
    shape = fingerprint(text)
    if not shape:
        return False
    since = timezone.now() - REPEAT_WINDOW
    return Comment.objects.filter(fingerprint=shape, created_at__gte=since).exists()
