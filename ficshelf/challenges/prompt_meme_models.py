"""Prompt memes run on a collection (AO3's shape): the meme's settings, the prompts members
post, the claims others make on them, and the fills (works in the collection) that answer
them.

A prompt meme is a collection whose ``challenge_type`` is "prompt_meme". Its moderators
open and close prompting and set the rules (``PromptMeme``); members post prompts
(``MemePrompt``), possibly anonymously; others claim them (``Claim``) and fill them with a
work posted to the collection (``Fill``). A fill counts once its work is in the collection
(both sides approved): only then is its claim fulfilled and its prompter told.

This module is imported by ``challenges.models`` (so that Django finds the models) and
imports nothing from it: either may be imported first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_models import Collection, CollectionItem
from ficshelf.works.models import Work, work_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

# The tag types a prompt may carry, as AO3's prompt memes offer them.
MEME_TAG_TYPES = (TagType.FANDOM, TagType.CHARACTER, TagType.RELATIONSHIP, TagType.FREEFORM)
# Upper bounds on what a moderator may allow: each is work done per prompt or member.
MAX_TAGS_PER_TYPE = 30
MAX_PROMPTS_PER_MEMBER = 100
PROMPT_TITLE_MAX = 200
PROMPT_DESCRIPTION_MAX = 10_000


def default_meme_tag_types() -> list[str]:
    return [str(TagType.FANDOM), str(TagType.CHARACTER), str(TagType.RELATIONSHIP)]


class PromptMeme(models.Model):
    """A prompt meme's rules. Made when its moderators first save its settings; until then
    the meme is closed to prompts (``meme_of`` answers an unsaved one with the defaults)."""

    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="prompt_meme"
    )
    is_open = models.BooleanField(default=False)
    allows_anonymous_prompts = models.BooleanField(default=True)
    # None: any number of members may claim a prompt.
    claims_per_prompt = models.PositiveSmallIntegerField(null=True, blank=True)
    prompts_per_member = models.PositiveSmallIntegerField(default=5)
    # The tag types a prompt carries (of ``MEME_TAG_TYPES``), each up to ``tags_per_type``.
    tag_types = models.JSONField(default=default_meme_tag_types, blank=True)
    tags_per_type = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Prompt meme of {self.collection_id}"

    @property
    def is_claim_exclusive(self) -> bool:
        return self.claims_per_prompt == 1


class PromptQuerySet(models.QuerySet["MemePrompt"]):
    def with_state_for(self, user: User | AnonymousUser | None) -> PromptQuerySet:
        """Each prompt's claim count and whether a fill ``user`` may see answers it
        (``is_filled``). A fill the reader may not see (its work unrevealed, restricted,
        hidden) does not make the prompt filled for them: the state gives nothing away."""
        fills = Fill.objects.shown_to(user).filter(prompt=OuterRef("pk"))
        return self.annotate(claim_count=models.Count("claims"), is_filled=Exists(fills))


class MemePrompt(models.Model):
    """A prompt of a prompt meme. ``prompter`` is never shown for an anonymous prompt,
    except to the meme's moderators (and the prompter, as "you")."""

    meme = models.ForeignKey(PromptMeme, on_delete=models.CASCADE, related_name="prompts")
    prompter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meme_prompts"
    )
    title = models.CharField(max_length=PROMPT_TITLE_MAX)
    # Sanitized HTML, as a comment's (no images: any member writes prompts).
    description = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    tags = models.ManyToManyField(Tag, related_name="+", blank=True)
    is_anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PromptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["meme", "prompter"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prompt_memes:prompt", args=[self.meme.collection.name, self.pk])


class Claim(models.Model):
    """A member's word that they mean to fill a prompt. ``fulfilled_by``: the fill of
    theirs that answered it, once that fill's work is in the collection."""

    prompt = models.ForeignKey(MemePrompt, on_delete=models.CASCADE, related_name="claims")
    claimer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meme_claims"
    )
    fulfilled_by = models.ForeignKey(
        "Fill", null=True, blank=True, on_delete=models.SET_NULL, related_name="fulfilled_claims"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "claimer"], name="claim_once_per_prompt")
        ]

    def __str__(self) -> str:
        return f"{self.claimer_id} claims {self.prompt_id}"


class FillQuerySet(models.QuerySet["Fill"]):
    def shown_to(self, user: User | AnonymousUser | None) -> FillQuerySet:
        """Fills whose work ``user`` may see and which are in the prompt's collection (both
        sides approved): a fill waiting for the moderators, or in an unrevealed collection,
        stays out of sight as its work does."""
        in_collection = CollectionItem.objects.approved().filter(
            collection=OuterRef("prompt__meme__collection"), work=OuterRef("work")
        )
        return self.filter(work_visible_to(user), Exists(in_collection))


class Fill(models.Model):
    """A work answering a prompt. ``counted_at`` is set when the work is in the collection
    (at once, or when the moderators approve it): its claim is fulfilled and its prompter
    told then, once."""

    prompt = models.ForeignKey(MemePrompt, on_delete=models.CASCADE, related_name="fills")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="prompt_fills")
    filler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="meme_fills"
    )
    counted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FillQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "work"], name="fill_once_per_prompt")
        ]

    def __str__(self) -> str:
        return f"{self.work_id} fills {self.prompt_id}"
