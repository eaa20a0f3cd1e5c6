"""What people do in a prompt meme, each one transaction: moderators set its rules;
members post, edit and delete their prompts, claim and unclaim others', and fill them with
their works. Refusals raise ``PromptRefused`` with a message and leave nothing written.

Rules this module keeps (AO3's, with one choice of ours):
- prompts are posted, edited and deleted by their prompters only while the meme is open;
  moderators may delete any prompt at any time;
- nobody claims their own prompt: on AO3 one may, but a claim names its claimer, which
  would name the prompter of an anonymous prompt;
- a fill is a work of the filler's, put in the collection through
  ``works.collection_items.add_work`` (which handles a moderated or closed collection);
  filling claims the prompt first when the filler has not, so the claims limit holds;
- a fill counts once its work is in the collection (both sides approved): then the
  filler's claim is fulfilled and the prompter told (``count_fills``, also called by
  ``prompt_meme_receivers`` when the moderators approve the work later).

Notices go to the prompter's inbox (``InboxKind.COLLECTION``) in the same transaction and
name nobody: not the claimer, not the fill's creators (the collection may be anonymous).
A fill's notice is about its work, so the inbox shows it only once the prompter may see
the work (an unrevealed collection's fill is told at the reveal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ficshelf.challenges.prompt_meme_models import (
    MAX_PROMPTS_PER_MEMBER,
    MAX_TAGS_PER_TYPE,
    MEME_TAG_TYPES,
    Claim,
    Fill,
    MemePrompt,
    PromptMeme,
)
from ficshelf.collections.notices import tell
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile, sanitize_html
from ficshelf.tags.models import TAG_NAME_MAX_LENGTH, Tag, TagType
from ficshelf.works.actions import tags_named, unique_names
from ficshelf.works.collection_items import (
    CollectionRefused,
    add_work,
    is_creator_of,
    moderates,
)
from ficshelf.works.collection_models import (
    ChallengeType,
    Collection,
    CollectionItem,
)

if TYPE_CHECKING:
    from ficshelf.accounts.models import User
    from ficshelf.works.models import Work


class PromptRefused(Exception):
    """A change to a prompt meme that was not made; the message says why."""


def meme_of(collection: Collection) -> PromptMeme:
    """The collection's prompt meme, or (before its moderators first save its settings) an
    unsaved one with the defaults: closed to prompts."""
    found = PromptMeme.objects.filter(collection=collection).first()
    return found or PromptMeme(collection=collection)


# --- Settings ------------------------------------------------------------------------------


@transaction.atomic
def save_meme_settings(meme: PromptMeme, *, actor: User) -> PromptMeme:
    """Save a moderator's rules for ``meme`` (new or changed). A collection without a
    challenge becomes a prompt meme; a gift exchange's collection cannot."""
    collection = meme.collection
    if not moderates(actor, collection):
        raise PromptRefused("Only the collection's moderators can change its prompt meme.")
    if collection.challenge_type == ChallengeType.GIFT_EXCHANGE:
        raise PromptRefused(f"{collection.title} runs a gift exchange, not a prompt meme.")
    unknown = set(meme.tag_types) - set(MEME_TAG_TYPES)
    if unknown:
        raise PromptRefused(f"Prompts cannot carry {', '.join(sorted(unknown))} tags.")
    if not 1 <= meme.prompts_per_member <= MAX_PROMPTS_PER_MEMBER:
        raise PromptRefused(f"Allow between 1 and {MAX_PROMPTS_PER_MEMBER} prompts a member.")
    if not 1 <= meme.tags_per_type <= MAX_TAGS_PER_TYPE:
        raise PromptRefused(f"Allow between 1 and {MAX_TAGS_PER_TYPE} tags of a type.")
    meme.save()
    if collection.challenge_type != ChallengeType.PROMPT_MEME:
        collection.challenge_type = ChallengeType.PROMPT_MEME
        collection.save(update_fields=["challenge_type"])
    return meme


# --- Prompts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptData:
    """A prompt as its prompter typed it: tag names per type."""

    title: str
    description: str = ""
    tags: dict[str, list[str]] = field(default_factory=dict)
    is_anonymous: bool = False


@transaction.atomic
def post_prompt(meme: PromptMeme, data: PromptData, *, actor: User) -> MemePrompt:
    """``actor`` posts a prompt to ``meme`` while it is open, within the meme's limits."""
    # Locked so that two prompts posted at once are counted against the limit together.
    locked = PromptMeme.objects.select_for_update().filter(pk=meme.pk).first()
    if locked is None or not locked.is_open:
        raise PromptRefused("This prompt meme is not taking prompts.")
    posted = MemePrompt.objects.filter(meme=locked, prompter=actor).count()
    if posted >= locked.prompts_per_member:
        noun = "prompt" if posted == 1 else "prompts"
        raise PromptRefused(
            f"You have posted {posted} {noun}, this meme's limit: delete one to post another."
        )
    tags = _checked(locked, data, was_anonymous=False)
    prompt = MemePrompt.objects.create(
        meme=locked,
        prompter=actor,
        title=data.title.strip(),
        description=sanitize_html(data.description, Profile.COMMENT),
        sanitizer_version=SANITIZER_VERSION,
        is_anonymous=data.is_anonymous,
    )
    prompt.tags.set(tags)
    return prompt


@transaction.atomic
def edit_prompt(prompt: MemePrompt, data: PromptData, *, actor: User) -> MemePrompt:
    """The prompter changes their prompt while the meme is open."""
    prompt = _locked(prompt)
    _must_be_prompters_while_open(prompt, actor, "edit")
    tags = _checked(prompt.meme, data, was_anonymous=prompt.is_anonymous)
    prompt.title = data.title.strip()
    prompt.description = sanitize_html(data.description, Profile.COMMENT)
    prompt.sanitizer_version = SANITIZER_VERSION
    prompt.is_anonymous = data.is_anonymous
    prompt.save()
    prompt.tags.set(tags)
    return prompt


@transaction.atomic
def delete_prompt(prompt: MemePrompt, *, actor: User) -> None:
    """The prompter deletes their prompt while the meme is open; moderators, any time.
    Its claims and fills go with it (the fills' works stay in the collection)."""
    prompt = _locked(prompt)
    if not moderates(actor, prompt.meme.collection):
        _must_be_prompters_while_open(prompt, actor, "delete")
    # Those who claimed it lose their claim with it: they are told, not left to find a gap
    # (the deleting member aside). The notice names no work and links to the meme.
    claimers = set(prompt.claims.values_list("claimer_id", flat=True)) - {actor.pk}
    collection = prompt.meme.collection
    title = prompt.title
    prompt.delete()
    if claimers:
        tell(
            sorted(claimers),
            f"The prompt “{title}” you claimed in {collection.title} was deleted; "
            "your claim went with it.",
            reverse("prompt_memes:prompts", args=[collection.name]),
        )


def _must_be_prompters_while_open(prompt: MemePrompt, actor: User, verb: str) -> None:
    if prompt.prompter_id != actor.pk:
        raise PromptRefused(f"Only the prompter can {verb} this prompt.")
    if not prompt.meme.is_open:
        raise PromptRefused("This prompt meme is closed: its prompts can no longer change.")


def _checked(meme: PromptMeme, data: PromptData, *, was_anonymous: bool) -> list[Tag]:
    """The prompt's tags (made where missing, as the posting form makes them), once every
    rule holds: a title, anonymity only where allowed (a prompt posted anonymously may
    stay so after the meme stops allowing it), tags only of the meme's types and no more
    of each than it allows."""
    if not data.title.strip():
        raise PromptRefused("Give the prompt a title.")
    if data.is_anonymous and not (meme.allows_anonymous_prompts or was_anonymous):
        raise PromptRefused("This prompt meme does not take anonymous prompts.")
    wanted: list[tuple[str, list[str]]] = []
    for tag_type, names in data.tags.items():
        names = unique_names(names)
        if not names:
            continue
        noun = TagType(tag_type).label.lower() if tag_type in TagType.values else tag_type
        if tag_type not in meme.tag_types:
            raise PromptRefused(f"Prompts in this meme carry no {noun} tags.")
        if len(names) > meme.tags_per_type:
            raise PromptRefused(
                f"Too many {noun} tags: at most {meme.tags_per_type} (you gave {len(names)})."
            )
        too_long = [n for n in names if len(n) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise PromptRefused(
                f"A tag can be at most {TAG_NAME_MAX_LENGTH} characters: {too_long[0][:40]}…"
            )
        wanted.append((tag_type, names))
    return tags_named(wanted)


def _locked(prompt: MemePrompt) -> MemePrompt:
    # Two claims at once on a prompt of one claim each see the other's.
    return (
        MemePrompt.objects.select_for_update().select_related("meme__collection").get(pk=prompt.pk)
    )


# --- Claims --------------------------------------------------------------------------------


@transaction.atomic
def claim_prompt(prompt: MemePrompt, *, actor: User) -> Claim:
    """``actor`` claims ``prompt``; its prompter is told (not by whom)."""
    prompt = _locked(prompt)
    claim = _new_claim(prompt, actor)
    _tell_prompter(
        prompt,
        f"Your prompt “{prompt.title}” in {prompt.meme.collection.title} was claimed.",
        work=None,
    )
    return claim


def _new_claim(prompt: MemePrompt, actor: User) -> Claim:
    if prompt.prompter_id == actor.pk:
        raise PromptRefused("You cannot claim your own prompt.")
    claims = Claim.objects.filter(prompt=prompt)
    if claims.filter(claimer=actor).exists():
        raise PromptRefused("You have already claimed this prompt.")
    limit = prompt.meme.claims_per_prompt
    if limit is not None and claims.count() >= limit:
        if limit == 1:
            raise PromptRefused("This prompt is already claimed.")
        raise PromptRefused(f"This prompt has {limit} claims, as many as this meme allows.")
    return Claim.objects.create(prompt=prompt, claimer=actor)


@transaction.atomic
def unclaim_prompt(prompt: MemePrompt, *, actor: User) -> None:
    """``actor`` gives up their claim, unless a fill of theirs has fulfilled it."""
    claim = Claim.objects.select_for_update().filter(prompt=prompt, claimer=actor).first()
    if claim is None:
        raise PromptRefused("You have not claimed this prompt.")
    if claim.fulfilled_by_id is not None:
        raise PromptRefused("Your claim is fulfilled: it stays with your fill.")
    claim.delete()


# --- Fills ---------------------------------------------------------------------------------


@transaction.atomic
def fill_prompt(prompt: MemePrompt, work: Work, *, actor: User) -> Fill:
    """``actor`` answers ``prompt`` with their ``work``: the work is added to the collection
    if it is not in it yet, and the prompt is claimed for them if they had not. The fill
    counts now if the work is in the collection, or when the moderators approve it."""
    prompt = _locked(prompt)
    collection = prompt.meme.collection
    if not is_creator_of(actor, work):
        raise PromptRefused("Only a creator of the work can make it a fill.")
    if not work.is_posted:
        raise PromptRefused("Post the work first: a draft cannot fill a prompt.")
    if Fill.objects.filter(prompt=prompt, work=work).exists():
        raise PromptRefused(f"“{work.title}” already fills this prompt.")
    if not Claim.objects.filter(prompt=prompt, claimer=actor).exists():
        _new_claim(prompt, actor)
    fill = Fill.objects.create(prompt=prompt, work=work, filler=actor)
    item = CollectionItem.objects.filter(collection=collection, work=work).first()
    if item is None:
        try:
            add_work(collection, work, actor=actor)
        except CollectionRefused as refused:
            raise PromptRefused(str(refused)) from refused
    elif item.state == "declined":
        raise PromptRefused(f"“{work.title}” was declined by {collection.title} or its creators.")
    count_fills(work.pk, collection)
    fill.refresh_from_db(fields=["counted_at"])  # counted above, or by the receiver
    return fill


def count_fills(work_id: int, collection: Collection) -> list[Fill]:
    """Count the fills by ``work_id`` of ``collection``'s prompts that have not counted yet,
    if the work is now in the collection: fulfil the fillers' claims and tell the
    prompters. Called in the transaction of the change that put the work there."""
    fills = list(
        Fill.objects.select_for_update()
        .filter(work_id=work_id, prompt__meme__collection=collection, counted_at__isnull=True)
        .select_related("prompt", "work")
    )
    in_collection = (
        CollectionItem.objects.approved()
        .filter(collection=collection, work_id=work_id, work__is_posted=True)
        .exists()
    )
    if not (fills and in_collection):
        return []
    for fill in fills:
        fill.counted_at = timezone.now()
        fill.save(update_fields=["counted_at"])
        Claim.objects.filter(
            prompt=fill.prompt, claimer_id=fill.filler_id, fulfilled_by__isnull=True
        ).update(fulfilled_by=fill)
        _tell_prompter(
            fill.prompt,
            f"Your prompt “{fill.prompt.title}” in {collection.title} was filled: "
            f"“{fill.work.title}”.",
            work=fill.work,
        )
    return fills


# --- Notices -------------------------------------------------------------------------------


def _tell_prompter(prompt: MemePrompt, text: str, *, work: Work | None) -> None:
    """A notice to the prompter alone (an anonymous one too: only they receive it). About
    ``work`` when there is one, so the inbox shows it only while they may see the work."""
    tell([prompt.prompter_id], text, prompt.get_absolute_url(), work=work)
