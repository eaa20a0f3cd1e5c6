"""Gift exchanges run on a collection (AO3's shape): the exchange's settings, tag sets and
their nominations, members' sign-ups with their requests and offers, and assignments.

An exchange's lifecycle (``GiftExchange.stage``): set up -> sign-ups open -> sign-ups
closed -> matching (a worker job) -> matched (moderators review and fix) -> sent (givers
know their recipient) -> works are posted to the collection as gifts, which fulfils the
assignments; the collection reveals them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from ficshelf.accounts.models import Pseud
from ficshelf.challenges.matching import QUALITY_BASE
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Collection, Work

# The tag types a prompt may carry, as AO3's exchanges use them.
PROMPT_TAG_TYPES = (TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM)
# Upper bounds on what a moderator may ask for: limits on work done per sign-up.
MAX_PROMPTS = 20
MAX_TAGS_PER_TYPE = 30


def default_tag_limits() -> dict[str, list[int]]:
    """Per tag type, [least, most] tags a prompt carries: one fandom, up to a few others."""
    return {
        TagType.FANDOM: [1, 1],
        TagType.CHARACTER: [0, 4],
        TagType.RELATIONSHIP: [0, 2],
        TagType.FREEFORM: [0, 3],
    }


def default_required_matches() -> dict[str, int]:
    """Per tag type, how many tags a request and an offer must share (fandom: one)."""
    return {TagType.FANDOM: 1}


class TagSet(models.Model):
    """Tags a challenge's sign-ups choose from, grown by members' nominations that the
    set's owners review (AO3's owned tag sets)."""

    title = models.CharField(max_length=255)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="owned_tag_sets")
    tags = models.ManyToManyField(Tag, related_name="tag_sets", blank=True)
    nominations_open = models.BooleanField(default=False)
    # How many tags of each type one member may nominate.
    nomination_limit = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Nomination(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    tag_set = models.ForeignKey(TagSet, on_delete=models.CASCADE, related_name="nominations")
    nominator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nominations"
    )
    tag_type = models.CharField(max_length=20, choices=TagType.choices)
    name = models.CharField(max_length=150)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag_set", "nominator", "tag_type", "name"], name="nomination_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tag_type}) for {self.tag_set_id}"


class GiftExchange(models.Model):
    class Stage(models.TextChoices):
        SETUP = "setup", "Being set up"
        OPEN = "open", "Sign-ups open"
        CLOSED = "closed", "Sign-ups closed"
        MATCHING = "matching", "Matching"
        MATCHED = "matched", "Matched, under review"
        SENT = "sent", "Assignments sent"

    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="gift_exchange"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SETUP)
    signups_close_at = models.DateTimeField(null=True, blank=True)
    assignments_due_at = models.DateTimeField(null=True, blank=True)
    requests_min = models.PositiveSmallIntegerField(default=1)
    requests_max = models.PositiveSmallIntegerField(default=3)
    offers_min = models.PositiveSmallIntegerField(default=1)
    offers_max = models.PositiveSmallIntegerField(default=3)
    # {tag type: [least, most]} per prompt, for requests and for offers.
    request_tag_limits = models.JSONField(default=default_tag_limits)
    offer_tag_limits = models.JSONField(default=default_tag_limits)
    # Tag types where a prompt may say "any" instead of naming tags.
    any_allowed = models.JSONField(default=list, blank=True)
    tag_set = models.ForeignKey(
        TagSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchanges"
    )
    allow_details = models.BooleanField(default=True)
    allow_prompt_url = models.BooleanField(default=True)
    # {tag type: how many shared (-1: all of the request's)}; see challenges.matching.
    required_matches = models.JSONField(default=default_required_matches)
    prompts_required = models.SmallIntegerField(default=1)
    # The matching job's progress, for its page (written by the worker).
    matching_stage = models.CharField(max_length=40, blank=True)
    matching_done = models.PositiveIntegerField(default=0)
    matching_total = models.PositiveIntegerField(default=0)
    matching_error = models.CharField(max_length=500, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Gift exchange of {self.collection}"

    @property
    def signups_are_open(self) -> bool:
        if self.stage != self.Stage.OPEN:
            return False
        return self.signups_close_at is None or timezone.now() < self.signups_close_at

    def limits(self, kind: str) -> dict[str, list[int]]:
        is_request = kind == Prompt.Kind.REQUEST
        limits: Any = self.request_tag_limits if is_request else self.offer_tag_limits
        return {str(t): [int(v[0]), int(v[1])] for t, v in dict(limits).items()}


class SignUp(models.Model):
    exchange = models.ForeignKey(GiftExchange, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_signups"
    )
    pseud = models.ForeignKey(Pseud, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exchange", "user"], name="signup_once_per_exchange")
        ]

    def __str__(self) -> str:
        return f"{self.pseud} in {self.exchange_id}"


class Prompt(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", "Request"
        OFFER = "offer", "Offer"

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="prompts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    tags = models.ManyToManyField(Tag, related_name="+", blank=True)
    any_types = models.JSONField(default=list, blank=True)
    details = models.TextField(blank=True)  # sanitized HTML
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["signup", "kind", "position"], name="prompt_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} of {self.signup_id}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open_pinch_hits(self) -> AssignmentQuerySet:
        """Sent assignments nobody writes and nobody fulfilled: anyone may take one."""
        return self.filter(
            sent_at__isnull=False,
            giver__isnull=True,
            pinch_hitter__isnull=True,
            fulfilled_by__isnull=True,
        )


class Assignment(models.Model):
    """Who writes for whom. A pinch hit is an assignment whose giver defaulted (or never
    was): ``giver`` is empty until someone claims it or a moderator gives it out."""

    exchange = models.ForeignKey(GiftExchange, on_delete=models.CASCADE, related_name="assignments")
    recipient = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="gifts_to_get")
    giver = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="gifts_to_give"
    )
    # A member who took a pinch hit without having signed up.
    pinch_hitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pinch_hits",
    )
    quality = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    defaulted_at = models.DateTimeField(null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        Work,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfilled_assignments",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient"], name="assignment_one_per_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} -> {self.recipient_id}"

    @property
    def writer_id(self) -> int | None:
        """The user who writes this gift: the giver's, or the pinch hitter."""
        if self.pinch_hitter_id is not None:
            return self.pinch_hitter_id
        return self.giver.user_id if self.giver is not None else None

    @property
    def is_open_pinch_hit(self) -> bool:
        return self.writer_id is None and self.fulfilled_by_id is None

    @property
    def match_summary(self) -> str:
        """The quality as moderators read it: requests matched and tags shared ("" when the
        pair does not match the rules, or nobody writes yet)."""
        requests, shared = divmod(self.quality, QUALITY_BASE)
        if not requests:
            return ""
        return (
            f"{requests} request{'s' if requests != 1 else ''}, "
            f"{shared} shared tag{'s' if shared != 1 else ''}"
        )


from ficshelf.challenges.prompt_meme_models import (  # noqa: E402, I001  (Django finds them here)
    Claim as Claim,
    Fill as Fill,
    MemePrompt as MemePrompt,
    PromptMeme as PromptMeme,
)
