"""Public skins (AO3's): a member asks for their site or work skin to be offered to everyone,
and a member with ``accounts.approve_skins`` approves or rejects it with a reason.

Both kinds of skin (``accounts.SiteSkin``, ``works.WorkSkin``) carry the fields below, and
both apps' actions are one ``SkinKind`` each, the steps here with what only the app knows
passed in: what "nobody else may use it any more" means for their kind (``release``):
members who chose a site skin go back to the archive's skin, works that use a work skin go
back to the archive's own look. (Two copies of the steps, each binding its own release,
once had a fix in one and not the other.)

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
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
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


def usable_by(member_id: int | None) -> Q:
    """The skins a member may choose, of either kind: their own and the approved public
    ones. Each kind's rule starts from this one (``SkinKind.usable_by``)."""
    public = Q(public_state=PublicState.APPROVED)
    # None is nobody's: never the skins a deleted account left without an owner.
    return public if member_id is None else Q(owner_id=member_id) | public


def css_digest(css: str) -> str:
    """What a reviewer read: the review form carries it, and an approval of CSS that
    changed since (the owner edited it while it waited) is refused."""
    return hashlib.sha256(css.encode()).hexdigest()[:20]


def _nothing_refused(css: str) -> list[str]:
    return []


@dataclass(frozen=True)
class SkinKind(Generic[Skin]):
    """Every step of one kind of skin: written, deleted, asked public, withdrawn, reviewed.

    The steps are the same for site and work skins; what only the kind's app knows is
    passed in (core imports neither app): its model; ``release``, in the step's
    transaction, makes everyone but the owner stop using a skin that stops being public
    (members who wore a site skin, works of other creators that used a work skin);
    ``announce``, in the step's transaction, moves the keys of the kept pages that link
    the skin (a work skin's works; a site skin's owner is told by its model's signals);
    ``public_refusals`` says what in a skin's CSS keeps it from being worn by others,
    checked when it is asked public and again when it is approved.

    Each step is one transaction; those that judge the skin's public state lock its row
    and read it again first, so an owner and a reviewer acting on one skin at once each
    act on what the other did.
    """

    model: type[Skin]
    release: Callable[[Skin], None]
    announce: Callable[[Skin], None]
    public_refusals: Callable[[str], list[str]] = _nothing_refused

    def usable_by(self, member_id: int | None) -> QuerySet[Skin]:
        """The skins of this kind a member may choose: their own and the public ones."""
        return self.model._default_manager.filter(usable_by(member_id))

    @transaction.atomic
    def save(self, *, owner: Any, title: str, css: str, skin: Skin | None = None) -> Skin:
        """A new skin of ``owner``'s, or ``skin`` (theirs) with this title and CSS (which
        arrives cleaned: ``core.skin_forms``). A public skin is frozen: a change makes it
        private until it is approved again."""
        if skin is None:
            return self.model._default_manager.create(owner=owner, title=title, css=css)
        if skin.owner_id != owner.pk:  # type: ignore[attr-defined]
            raise PermissionError("Only a skin's owner changes it.")
        changed = (skin.title, skin.css) != (title, css)
        skin.title, skin.css = title, css
        skin.save(update_fields=["title", "css", "updated_at"])
        if changed:
            self._edited(skin)
        self.announce(skin)
        return skin

    @transaction.atomic
    def delete(self, skin: Skin, *, owner: Any) -> None:
        """Delete ``skin``; whoever used it goes back to the archive's look."""
        if skin.owner_id != owner.pk:  # type: ignore[attr-defined]
            raise PermissionError("Only a skin's owner deletes it.")
        # The skin before the works that wear it, the order a work's save takes them in
        # (``works.actions``): the other way round, a save choosing this skin at the same
        # moment and this delete each waited for the row the other held.
        if not _locked(skin):
            return  # deleted meanwhile (two tabs): nothing left to do
        self.release(skin)
        self.announce(skin)
        skin.delete()

    @transaction.atomic
    def request_public(self, skin: Skin, *, owner: Any) -> Skin:
        """``owner`` asks for their skin to be made public."""
        _check_owner(skin, owner)
        _lock_and_read_again(skin)
        if skin.public_state in (PublicState.REQUESTED, PublicState.APPROVED):
            raise SkinReviewRefused("This skin is already public or waiting for review.")
        if not (skin.css or "").strip():
            raise SkinReviewRefused("An empty skin cannot be made public: write its CSS first.")
        self._check_wearable_by_others(skin)
        skin.public_state = PublicState.REQUESTED
        skin.review_reason = ""
        skin.save(update_fields=["public_state", "review_reason"])
        return skin

    @transaction.atomic
    def withdraw(self, skin: Skin, *, owner: Any) -> Skin:
        """The owner takes their skin back (private again)."""
        _check_owner(skin, owner)
        _lock_and_read_again(skin)
        if skin.public_state == PublicState.PRIVATE:
            raise SkinReviewRefused("This skin is private already.")
        was_public = skin.is_public
        skin.public_state = PublicState.PRIVATE
        skin.save(update_fields=["public_state"])
        if was_public:
            self.release(skin)
        return skin

    @transaction.atomic
    def review(self, skin: Skin, *, actor: Any, approve: bool, reason: str, read: str = "") -> Skin:
        """A reviewer approves or rejects a skin waiting for review, or rejects
        (unpublishes) an approved one; recorded in the audit log. ``read``: the
        ``css_digest`` of the CSS the reviewer read, which an approval must match; and
        nobody approves their own skin (``is_reviewers_own``)."""
        if actor is None or not actor.has_perm(APPROVE_SKINS):
            raise PermissionDenied("Reviewing skins needs the approve_skins permission.")
        _lock_and_read_again(skin)
        if approve and is_reviewers_own(skin, actor):
            raise SkinReviewRefused("You wrote this skin: another reviewer approves it.")
        if approve and read != css_digest(skin.css):
            raise SkinReviewRefused(
                "Its CSS changed since the page you approved from was shown: read it again."
            )
        reason = reason.strip()
        if len(reason) > REVIEW_REASON_MAX:
            raise SkinReviewRefused(f"Keep the reason under {REVIEW_REASON_MAX} characters.")
        if approve and skin.public_state != PublicState.REQUESTED:
            raise SkinReviewRefused("Only a skin waiting for review can be approved.")
        if approve:
            # Checked again: it was asked public before this rule, or under a wider one.
            self._check_wearable_by_others(skin)
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
            self.release(skin)
        record(
            actor=actor,
            action="approve skin" if approve else "reject skin",
            target=skin,
            reason=reason,
            details={"kind": skin._meta.verbose_name},
        )
        return skin

    def _edited(self, skin: Skin) -> None:
        """In the caller's transaction, after the owner changed the skin: a public skin
        is frozen, so the change makes it private until it is approved again."""
        # Read the state again under the lock: a reviewer's approval that committed after
        # the owner's page loaded must not keep the new CSS public.
        _lock_and_read_again(skin)
        # One waiting for review stays waiting: its approval must match the CSS read.
        if skin.is_public:
            skin.public_state = PublicState.PRIVATE
            skin.review_reason = ""
            skin.save(update_fields=["public_state", "review_reason"])
            self.release(skin)

    def _check_wearable_by_others(self, skin: Skin) -> None:
        refusals = self.public_refusals(skin.css)
        if refusals:
            raise SkinReviewRefused(
                "Others would wear this skin, so it cannot be public as it is: "
                + " ".join(refusals)
            )


def is_reviewers_own(skin: ReviewableSkin, reviewer: Any) -> bool:
    """Whether ``reviewer`` wrote ``skin``, and so may not approve it: a second reader is
    the point of the review. A superuser may (decision 0009): they can change any row in
    the admin site anyway, and an archive run by one admin would publish nothing."""
    return bool(skin.owner_id == reviewer.pk and not reviewer.is_superuser)  # type: ignore[attr-defined]


def _check_owner(skin: ReviewableSkin, owner: Any) -> None:
    if owner is None or skin.owner_id != owner.pk:  # type: ignore[attr-defined]
        raise PermissionDenied("Only a skin's owner does that.")


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


def _locked(skin: ReviewableSkin) -> bool:
    """Lock the skin's row until the caller's transaction ends; False if it is gone."""
    rows = type(skin)._default_manager.select_for_update().filter(pk=skin.pk)
    return rows.values_list("pk").first() is not None


def _lock_and_read_again(skin: ReviewableSkin) -> None:
    """Lock the skin's row until the caller's transaction ends and read its state again:
    an owner and a reviewer acting on one skin at once each act on what the other did,
    never on what their page showed before."""
    type(skin)._default_manager.select_for_update().filter(pk=skin.pk).values_list("pk").first()
    skin.refresh_from_db(fields=["public_state", "review_reason", "css"])
