"""Public skins (AO3's): a member asks for their site or work skin to be offered to everyone,
and a member with ``accounts.approve_skins`` approves or rejects it with a reason.

Both kinds of skin (``accounts.SiteSkin``, ``works.WorkSkin``) carry the fields below, and
both apps' actions go through the steps here, passing what "nobody else may use it any
more" means for their kind (``release``): members who chose a site skin go back to the
archive's skin, works that use a work skin go back to the archive's own look.

A public skin is frozen: saving a change to an approved skin makes it private again, and it
waits for a new approval (AO3 does the same: an approved skin is locked, and its author
asks again). Keeping an approved copy beside the edited one was the other way; it means
two rows for one skin, and whoever chose the skin would silently get CSS nobody reviewed
once the copy was swapped. Members who chose it are released at once, so their pages
never link CSS that nobody approved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from ficshelf.core.audit import record

APPROVE_SKINS = "accounts.approve_skins"
REVIEW_REASON_MAX = 1000


class PublicState(models.TextChoices):
    PRIVATE = "", "private"
    REQUESTED = "requested", "waiting for review"
    APPROVED = "approved", "public"
    REJECTED = "rejected", "not approved"


class ReviewableSkin(models.Model):
    """The fields a skin needs to be made public. The owner is nullable: a public skin
    outlives its author's account (as on AO3), and then names nobody."""

    owner: Any
    title: Any
    css: Any
    public_state = models.CharField(
        max_length=10, choices=PublicState.choices, default=PublicState.PRIVATE, blank=True
    )
    # The reviewer's reason, shown to the owner (a rejection's, mostly).
    review_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.public_state == PublicState.APPROVED

    def author_name(self) -> str:
        """Who wrote it, as others see it: the member's name while their account is
        active; nothing once it was deleted or banned."""
        owner = self.owner
        if owner is None or not owner.is_active:
            return ""
        return str(owner.get_username())


class SkinReviewRefused(Exception):
    """A step not allowed for the skin's state; the message is shown to the person."""


Skin = TypeVar("Skin", bound=ReviewableSkin)
Release = Callable[[Any], None]


def _check_owner(skin: ReviewableSkin, owner: Any) -> None:
    if owner is None or skin.owner_id != owner.pk:  # type: ignore[attr-defined]
        raise PermissionDenied("Only a skin's owner does that.")


def request_public(skin: Skin, *, owner: Any) -> Skin:
    """In the caller's transaction: ``owner`` asks for their skin to be made public."""
    _check_owner(skin, owner)
    _lock_and_read_again(skin)
    if skin.public_state in (PublicState.REQUESTED, PublicState.APPROVED):
        raise SkinReviewRefused("This skin is already public or waiting for review.")
    if not (getattr(skin, "css", "") or "").strip():
        raise SkinReviewRefused("An empty skin cannot be made public: write its CSS first.")
    skin.public_state = PublicState.REQUESTED
    skin.review_reason = ""
    skin.save(update_fields=["public_state", "review_reason"])
    return skin


def withdraw(skin: Skin, *, owner: Any, release: Release) -> Skin:
    """In the caller's transaction: the owner takes their skin back (private again)."""
    _check_owner(skin, owner)
    _lock_and_read_again(skin)
    if skin.public_state == PublicState.PRIVATE:
        raise SkinReviewRefused("This skin is private already.")
    was_public = skin.is_public
    skin.public_state = PublicState.PRIVATE
    skin.save(update_fields=["public_state"])
    if was_public:
        release(skin)
    return skin


def css_digest(css: str) -> str:
    """What a reviewer read: the review form carries it, and an approval of CSS that
    changed since (the owner edited it while it waited) is refused."""
    return hashlib.sha256(css.encode()).hexdigest()[:20]


def review(
    skin: Skin, *, actor: Any, approve: bool, reason: str, release: Release, read: str = ""
) -> Skin:
    """In the caller's transaction: a reviewer approves or rejects a skin waiting for
    review, or rejects (unpublishes) an approved one; recorded in the audit log. ``read``:
    the ``css_digest`` of the CSS the reviewer read, which an approval must match."""
    if actor is None or not actor.has_perm(APPROVE_SKINS):
        raise PermissionDenied("Reviewing skins needs the approve_skins permission.")
    _lock_and_read_again(skin)
    if approve and read != css_digest(skin.css):
        raise SkinReviewRefused(
            "Its CSS changed since the page you approved from was shown: read it again."
        )
    reason = reason.strip()
    if len(reason) > REVIEW_REASON_MAX:
        raise SkinReviewRefused(f"Keep the reason under {REVIEW_REASON_MAX} characters.")
    if approve and skin.public_state != PublicState.REQUESTED:
        raise SkinReviewRefused("Only a skin waiting for review can be approved.")
    if not approve:
        if skin.public_state not in (PublicState.REQUESTED, PublicState.APPROVED):
            raise SkinReviewRefused("Only a skin waiting for review or public can be rejected.")
        if not reason:
            raise SkinReviewRefused("Say why the skin is rejected: its author reads it.")
    was_public = skin.is_public
    skin.public_state = PublicState.APPROVED if approve else PublicState.REJECTED
    skin.review_reason = reason
    skin.reviewed_at = timezone.now()
    skin.save(update_fields=["public_state", "review_reason", "reviewed_at"])
    if was_public and not approve:
        release(skin)
    record(
        actor=actor,
        action="approve skin" if approve else "reject skin",
        target=skin,
        reason=reason,
        details={"kind": skin._meta.verbose_name},
    )
    return skin


def edited(skin: Skin, *, release: Release) -> None:
    """In the caller's transaction, after the owner changed the skin: a public skin is
    frozen, so the change makes it private until it is approved again."""
    # Read the state again under the lock: a reviewer's approval that committed after the
    # owner's page loaded must not keep the new CSS public.
    _lock_and_read_again(skin)
    # One waiting for review stays waiting: its approval must match the CSS read.
    if skin.is_public:
        skin.public_state = PublicState.PRIVATE
        skin.review_reason = ""
        skin.save(update_fields=["public_state", "review_reason"])
        release(skin)


def owner_field(related_name: str) -> models.ForeignKey[Any, Any]:
    """A skin's owner: kept while it is public after the account is deleted (then null)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
    )


def public_section(skin: ReviewableSkin | None, url: str) -> dict[str, str] | None:
    """What the skin's form says of its public state, and the one step its owner may take."""
    if skin is None:
        return None
    asked = skin.public_state in (PublicState.REQUESTED, PublicState.APPROVED)
    return {
        "state": PublicState(skin.public_state).label,
        "reason": skin.review_reason,
        "url": url,
        "step": "withdraw" if asked else "request",
        "button": "Make it private" if asked else "Ask for it to be made public",
    }


def _lock_and_read_again(skin: Skin) -> None:
    """Lock the skin's row until the caller's transaction ends and read its state again:
    an owner and a reviewer acting on one skin at once each act on what the other did,
    never on what their page showed before."""
    type(skin)._default_manager.select_for_update().filter(pk=skin.pk).values_list("pk").first()
    skin.refresh_from_db(fields=["public_state", "review_reason", "css"])
