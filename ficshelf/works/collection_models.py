"""Collections, the works in them and the people who run them (AO3's shape).

They live in the works app because the visibility rule reads them: a work in an
unrevealed collection is hidden from everyone but its creators, the collection's
moderators and admins, and a work in an anonymous collection is shown without its
creators. Those two states are kept on the work itself (``Work.in_unrevealed_collection``,
``Work.in_anonymous_collection``, as AO3 keeps them) so every listing reads a column
instead of joining collections; ``works.collection_items`` is the only writer of both.

Models are referred to by name ("works.Work") so ``works.models`` can import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from ficshelf.works.models import Work

# A collection's name is its address: /collections/<name>/ (AO3: letters, digits, "_").
COLLECTION_NAME_MAX = 255
HEADER_IMAGE_MAX_BYTES = 500_000


class ChallengeType(models.TextChoices):
    NONE = "", "No challenge"
    GIFT_EXCHANGE = "gift_exchange", "Gift exchange"
    PROMPT_MEME = "prompt_meme", "Prompt meme"


class CollectionQuerySet(models.QuerySet["Collection"]):
    def top_level(self) -> CollectionQuerySet:
        return self.filter(parent__isnull=True)


class Collection(models.Model):
    name = models.SlugField(max_length=COLLECTION_NAME_MAX, unique=True)
    title = models.CharField(max_length=255)
    # One level of subcollections, as AO3 (a subcollection has no children of its own).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Sanitized HTML, like a work's summary.
    summary = models.TextField(blank=True)
    intro = models.TextField(blank=True)
    rules = models.TextField(blank=True)
    faq = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    # Kept in the database, not the data folder: every app server must serve it.
    header_image = models.BinaryField(null=True, blank=True, editable=False)
    header_image_type = models.CharField(max_length=40, blank=True, editable=False)
    header_image_alt = models.CharField(max_length=255, blank=True)

    # Open: members may add works (and sign up for its challenge). Moderated: works wait
    # for a moderator's approval before they count as in the collection.
    is_open = models.BooleanField(default=True)
    is_moderated = models.BooleanField(default=False)
    # New works get these states (``CollectionItem``); revealing clears them per item.
    is_anonymous = models.BooleanField(default=False)
    is_unrevealed = models.BooleanField(default=False)
    # The worker reveals the works (and their creators) at this time, when set.
    reveal_at = models.DateTimeField(null=True, blank=True)
    challenge_type = models.CharField(
        max_length=20, choices=ChallengeType.choices, default=ChallengeType.NONE, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    works: models.ManyToManyField[Work, CollectionItem] = models.ManyToManyField(
        "works.Work", through="CollectionItem", related_name="collections", blank=True
    )

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collections:profile", args=[self.name])


class Approval(models.TextChoices):
    UNREVIEWED = "unreviewed", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CollectionItemQuerySet(models.QuerySet["CollectionItem"]):
    def approved(self) -> CollectionItemQuerySet:
        """Items both sides said yes to: only these put a work in the collection's
        listings and on the work's page."""
        return self.filter(
            creator_approval=Approval.APPROVED, collection_approval=Approval.APPROVED
        )

    def consented(self) -> CollectionItemQuerySet:
        """Items the work's creator agreed to, not refused by the collection: these make a
        work anonymous or unrevealed (the creator's consent, so that nobody can hide a
        stranger's work by inviting it)."""
        return self.filter(creator_approval=Approval.APPROVED).exclude(
            collection_approval=Approval.REJECTED
        )


class CollectionItem(models.Model):
    """A work in a collection, with each side's answer (AO3's collection item)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(
        "works.Work", on_delete=models.CASCADE, related_name="collection_items"
    )
    # Imported works arrive in their collections already: both default to approved, and
    # the collection actions set them explicitly.
    creator_approval = models.CharField(
        max_length=20, choices=Approval.choices, default=Approval.APPROVED
    )
    collection_approval = models.CharField(
        max_length=20, choices=Approval.choices, default=Approval.APPROVED
    )
    is_anonymous = models.BooleanField(default=False)
    is_unrevealed = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    objects = CollectionItemQuerySet.as_manager()

    class Meta:
        # The table Django made for the plain many-to-many this model replaced.
        db_table = "works_collection_works"
        constraints = [
            models.UniqueConstraint(fields=["collection", "work"], name="collection_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.work_id} in {self.collection_id}"

    @property
    def state(self) -> str:
        """Where the item stands, for the review pages: "declined" (by either side),
        "invited" (waiting for the creators), "submitted" (waiting for the moderators) or
        "approved"."""
        answers = (self.creator_approval, self.collection_approval)
        if Approval.REJECTED in answers:
            return "declined"
        if self.creator_approval == Approval.UNREVIEWED:
            return "invited"
        if self.collection_approval == Approval.UNREVIEWED:
            return "submitted"
        return "approved"

    @property
    def is_approved(self) -> bool:
        return (
            self.creator_approval == Approval.APPROVED
            and self.collection_approval == Approval.APPROVED
        )


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


MODERATING_ROLES = (Role.OWNER, Role.MODERATOR)


class CollectionParticipant(models.Model):
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collection_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "user"], name="collection_participant_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.collection_id}"
