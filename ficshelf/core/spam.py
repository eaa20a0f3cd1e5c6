"""What the archive knows about spam, below every app that posts: the states a post can be
in, counting links, the blocklists, and the optional outside checker.

A post (a work, a comment, a bookmark) is in one ``SpamState``. The visibility rules
(``Work.objects.visible_to``, ``Comment.objects.shown_to``) show a post that is not
``CLEAR`` only to its author and to moderators; nothing counts, indexes or announces it.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)


class SpamState(models.TextChoices):
    CLEAR = "", "Published"
    # Waiting for a moderator: too many links, a blocked address, a burst, the checker.
    HELD = "held", "Held for moderation"
    # A moderator said this post is spam.
    SPAM = "spam", "Spam"
    # Hidden because a moderator marked its member's account as spam; "not spam" on the
    # account brings back exactly these, and nothing hidden for another reason.
    SPAMMER = "spammer", "Hidden with its account"


# An address in an <a href> (the sanitizer keeps only those), or one written out in text.
_LINK = re.compile(r"""<a\s[^>]*href=|\b(?:https?://|www\.)[^\s<>"']+""", re.IGNORECASE)


def count_links(*texts: str) -> int:
    """Links in these texts (sanitized HTML or plain): a linked address written out as its
    own link text counts once."""
    total = 0
    for text in texts:
        anchors = len(re.findall(r"<a\s[^>]*href=", text, re.IGNORECASE))
        # Addresses outside tags, with the anchors' own text and attributes taken out.
        bare = re.sub(r"<a\s[^>]*>.*?</a>", " ", text, flags=re.IGNORECASE | re.DOTALL)
        bare = re.sub(r"<[^>]*>", " ", bare)
        total += anchors + len(_LINK.findall(bare))
    return total


def too_many_links(*texts: str) -> bool:
    return count_links(*texts) > settings.FICSHELF_SPAM_LINK_LIMIT


# ---- Blocklists (rows: ``core.models.BlockedEmailDomain``, ``BlockedNetwork``) ----


def email_domain_blocked(email: str) -> bool:
    """Is the domain of ``email`` (or a domain it is part of) on the blocklist?"""
    from ficshelf.core.models import BlockedEmailDomain

    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return False
    labels = domain.split(".")
    candidates = {".".join(labels[i:]) for i in range(len(labels))}
    return BlockedEmailDomain.objects.filter(domain__in=candidates).exists()


def address_blocked(address: str) -> bool:
    """Is ``address`` in a blocked network? (An unreadable address is not.)"""
    from ficshelf.core.models import BlockedNetwork

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in BlockedNetwork.objects.values_list("network", flat=True):
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:  # refused by the admin form; a row written otherwise is skipped
            continue
    return False


# ---- The outside checker (Akismet's comment-check API) ----

CHECKER_TIMEOUT_SECONDS = 2.0


class CheckerAnswer(models.TextChoices):
    HAM = "ham"
    SPAM = "spam"
    UNKNOWN = "unknown"  # down, slow or unreadable: the post is held, never lost


@dataclass(frozen=True)
class CheckedPost:
    """What the checker is told about a post (Akismet's field names in ``fields``)."""

    content: str
    author: str = ""
    author_email: str = ""
    user_ip: str = ""
    user_agent: str = ""
    permalink: str = ""
    kind: str = "comment"
    site: str = ""  # the archive's address, as Akismet's "blog"

    def fields(self) -> dict[str, str]:
        return {
            "blog": self.site,
            "user_ip": self.user_ip,
            "user_agent": self.user_agent,
            "permalink": self.permalink,
            "comment_type": self.kind,
            "comment_author": self.author,
            "comment_author_email": self.author_email,
            "comment_content": self.content,
        }


def checker_configured() -> bool:
    return bool(settings.FICSHELF_SPAM_CHECKER_URL and settings.FICSHELF_SPAM_CHECKER_KEY)


def ask_checker(post: CheckedPost) -> CheckerAnswer:
    """The outside checker's answer; HAM when none is configured. Asked with a short
    timeout on the request that posts: a checker that is down or slow makes the post held
    (UNKNOWN), so nothing is lost and nothing waits long."""
    if not checker_configured():
        return CheckerAnswer.HAM
    url = f"{settings.FICSHELF_SPAM_CHECKER_URL}/1.1/comment-check"
    body = urllib.parse.urlencode(
        {"api_key": settings.FICSHELF_SPAM_CHECKER_KEY, **post.fields()}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the operator's own https/http URL
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=CHECKER_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read(100).decode("utf-8", "replace").strip()
    except (OSError, urllib.error.URLError, ValueError) as error:
        logger.warning("The spam checker did not answer (%s): the post is held.", error)
        return CheckerAnswer.UNKNOWN
    if answer == "true":
        return CheckerAnswer.SPAM
    if answer == "false":
        return CheckerAnswer.HAM
    logger.warning("The spam checker answered %r: the post is held.", answer[:40])
    return CheckerAnswer.UNKNOWN
