"""The prompt meme pages: the prompts listing with its filters, a prompt's page with its
claims and fills, posting and editing a prompt, claiming, filling, and the moderators'
settings. Every change goes through ``prompt_memes``.

Who prompted an anonymous prompt is shown to the collection's moderators (and admins)
only; its prompter sees "you". Claimers are not named in an anonymous collection (a claim
would name a fill's writer). Fills are shown only where the reader may see their work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.challenges import prompt_memes
from ficshelf.challenges.prompt_meme_forms import (
    TYPE_NAMES,
    FillForm,
    MemeSettingsForm,
    PromptFilterForm,
    PromptForm,
)
from ficshelf.challenges.prompt_meme_models import Claim, Fill, MemePrompt, PromptMeme
from ficshelf.challenges.prompt_memes import PromptRefused, meme_of
from ficshelf.core.sanitizer import Profile, refresh_if_stale
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_items import moderates
from ficshelf.works.collection_models import ChallengeType, Collection
from ficshelf.works.display import credited_pseuds
from ficshelf.works.models import Creatorship, Work

PROMPTS_PER_PAGE = 20
ANONYMOUS = "Anonymous"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # behind login_required
    return request.user


def _viewer(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _meme_collection(name: str) -> Collection:
    """The collection, if it runs a prompt meme; 404 otherwise."""
    return get_object_or_404(Collection, name=name, challenge_type=ChallengeType.PROMPT_MEME)


def _prompt(collection: Collection, prompt_id: int) -> MemePrompt:
    return get_object_or_404(
        MemePrompt.objects.select_related("meme__collection", "prompter"),
        pk=prompt_id,
        meme__collection=collection,
    )


def _own_prompt(request: HttpRequest, name: str, prompt_id: int) -> MemePrompt:
    """The viewer's own prompt; 404 for anyone else's alike."""
    prompt = _prompt(_meme_collection(name), prompt_id)
    if prompt.prompter_id != _user(request).pk:
        raise Http404("No such prompt.")
    return prompt


def _done(request: HttpRequest, action: Callable[[], object], said: str, to: str) -> HttpResponse:
    try:
        action()
    except PromptRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, said)
    return redirect(to)


# --- What a reader sees of a prompt --------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A prompt as one viewer sees it: who prompted it (None: anonymous to them), whether
    it is theirs, its state and its tags by type."""

    prompt: MemePrompt
    prompter_name: str | None
    is_anonymous_to_viewer: bool
    is_mine: bool
    state: str
    tags: list[tuple[str, list[Tag]]]


def _shown(prompt: MemePrompt, viewer: User | None, can_moderate: bool) -> Shown:
    is_mine = viewer is not None and prompt.prompter_id == viewer.pk
    hidden = prompt.is_anonymous and not can_moderate
    claim_count: int = getattr(prompt, "claim_count", 0)
    if getattr(prompt, "is_filled", False):
        state = "Filled"
    elif claim_count:
        state = "Claimed"
    else:
        state = "Unclaimed"
    by_type = [
        (TYPE_NAMES[t], [tag for tag in prompt.tags.all() if tag.type == t]) for t in TYPE_NAMES
    ]
    return Shown(
        prompt=prompt,
        prompter_name=None if hidden else prompt.prompter.username,
        is_anonymous_to_viewer=hidden,
        is_mine=is_mine,
        state=state,
        tags=[(label, tags) for label, tags in by_type if tags],
    )


def _context(collection: Collection, request: HttpRequest, **more: Any) -> dict[str, Any]:
    return {
        "collection": collection,
        "can_moderate": moderates(request.user, collection),
        **more,
    }


# --- The listing ---------------------------------------------------------------------------


@require_safe
def prompts(request: HttpRequest, name: str) -> HttpResponse:
    collection = _meme_collection(name)
    viewer = _viewer(request)
    can_moderate = moderates(viewer, collection)
    form = PromptFilterForm(request.GET or None)
    found = (
        MemePrompt.objects.filter(meme__collection=collection)
        .with_state_for(viewer)
        .select_related("prompter")
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )
    if form.is_valid():
        found = _filtered(found, form.cleaned_data)
    page = Paginator(found, PROMPTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [_shown(prompt, viewer, can_moderate) for prompt in page.object_list]
    meme = meme_of(collection)
    return render(
        request,
        "challenges/prompt_memes/prompts.html",
        _context(collection, request, meme=meme, form=form, page=page, rows=rows),
    )


def _filtered(found: Any, wanted: dict[str, Any]) -> Any:
    state = wanted.get("state")
    if state == "unclaimed":
        found = found.filter(claim_count=0, is_filled=False)
    elif state == "claimed":
        found = found.filter(claim_count__gt=0, is_filled=False)
    elif state == "filled":
        found = found.filter(is_filled=True)
    if wanted.get("fandom"):
        named = (
            Tag.objects.filter(type=TagType.FANDOM, name__iexact=wanted["fandom"].strip())
            .select_related("merger")
            .first()
        )
        if named is None:
            return found.none()
        # The fandom and its synonyms, as the works filters take them (wranglers merged
        # "MCU" into "Marvel Cinematic Universe": either name finds both).
        canonical = named.canonical.pk
        # An Exists, not a join: a join on tags would multiply the counted claims.
        tagged = MemePrompt.tags.through.objects.filter(
            Q(tag_id=canonical) | Q(tag__merger_id=canonical), memeprompt=OuterRef("pk")
        )
        found = found.filter(Exists(tagged))
    if wanted.get("q"):
        found = found.filter(title__icontains=wanted["q"].strip())
    return found


# --- A prompt's page -----------------------------------------------------------------------


@require_safe
def prompt_page(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    collection = _meme_collection(name)
    viewer = _viewer(request)
    can_moderate = moderates(viewer, collection)
    prompt = get_object_or_404(
        MemePrompt.objects.with_state_for(viewer)
        .select_related("meme__collection", "prompter")
        .prefetch_related("tags"),
        pk=prompt_id,
        meme__collection=collection,
    )
    refresh_if_stale(prompt, ["description"], Profile.COMMENT)
    claims = list(prompt.claims.select_related("claimer"))
    my_claim = next((c for c in claims if viewer and c.claimer_id == viewer.pk), None)
    fills = _fills_shown(prompt, viewer)
    shown_fill_ids = {fill.pk for fill, _ in fills}
    meme = prompt.meme
    has_room = meme.claims_per_prompt is None or len(claims) < meme.claims_per_prompt
    may_claim = viewer is not None and my_claim is None and not _is_prompter(prompt, viewer)
    return render(
        request,
        "challenges/prompt_memes/prompt.html",
        _context(
            collection,
            request,
            meme=meme,
            shown=_shown(prompt, viewer, can_moderate),
            claims=[
                _claim_row(c, viewer, can_moderate, collection, shown_fill_ids) for c in claims
            ],
            fills=fills,
            my_claim=my_claim,
            can_claim=may_claim and has_room,
            can_fill=my_claim is not None or (may_claim and has_room),
        ),
    )


def _is_prompter(prompt: MemePrompt, viewer: User) -> bool:
    return prompt.prompter_id == viewer.pk


def _fills_shown(prompt: MemePrompt, viewer: User | None) -> list[tuple[Fill, Sequence[str]]]:
    """The prompt's fills the viewer may see, each with the names its byline credits
    (none in an anonymous collection: ``works.display.credited_pseuds``)."""
    credits = Prefetch("work__creatorships", queryset=Creatorship.objects.select_related("pseud"))
    fills = Fill.objects.shown_to(viewer).filter(prompt=prompt).select_related("work")
    return [
        (fill, [pseud.name for pseud in credited_pseuds(fill.work)])
        for fill in fills.prefetch_related(credits)
    ]


@dataclass(frozen=True)
class ClaimRow:
    claimer_name: str | None  # None: not named to this viewer
    is_mine: bool
    is_fulfilled: bool


def _claim_row(
    claim: Claim,
    viewer: User | None,
    can_moderate: bool,
    collection: Collection,
    shown_fill_ids: set[int],
) -> ClaimRow:
    is_mine = viewer is not None and claim.claimer_id == viewer.pk
    named = not collection.is_anonymous or can_moderate or is_mine
    return ClaimRow(
        claimer_name=claim.claimer.username if named else None,
        is_mine=is_mine,
        # Fulfilled only by a fill this viewer may see: an unrevealed fill stays a secret.
        is_fulfilled=claim.fulfilled_by_id in shown_fill_ids,
    )


# --- Posting, editing and deleting prompts -------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_prompt(request: HttpRequest, name: str) -> HttpResponse:
    collection = _meme_collection(name)
    meme = meme_of(collection)
    if not meme.is_open:
        messages.error(request, "This prompt meme is not taking prompts.")
        return redirect("prompt_memes:prompts", name)
    form = PromptForm(request.POST or None, meme=meme)
    if request.method == "POST" and form.is_valid():
        try:
            prompt = prompt_memes.post_prompt(meme, form.prompt_data(), actor=_user(request))
        except PromptRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your prompt was posted.")
            return redirect(prompt)
    return _prompt_form_page(request, collection, form, prompt=None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_prompt(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    prompt = _own_prompt(request, name, prompt_id)
    meme = prompt.meme
    form = PromptForm(request.POST or None, meme=meme, prompt=prompt)
    if request.method == "POST" and form.is_valid():
        try:
            prompt_memes.edit_prompt(prompt, form.prompt_data(), actor=_user(request))
        except PromptRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your prompt was saved.")
            return redirect(prompt)
    elif not meme.is_open:
        messages.error(request, "This prompt meme is closed: its prompts can no longer change.")
    return _prompt_form_page(request, meme.collection, form, prompt=prompt)


def _prompt_form_page(
    request: HttpRequest, collection: Collection, form: PromptForm, prompt: MemePrompt | None
) -> HttpResponse:
    return render(
        request,
        "challenges/prompt_memes/prompt_form.html",
        _context(
            collection,
            request,
            form=form,
            prompt=prompt,
            meme=meme_of(collection),
            tag_types=[t for t in TYPE_NAMES if t in form.fields],
            autocomplete_url=reverse("tags:autocomplete"),
        ),
    )


@login_required
@require_POST
def delete_prompt(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    collection = _meme_collection(name)
    prompt = _prompt(collection, prompt_id)
    user = _user(request)
    if not (_is_prompter(prompt, user) or moderates(user, collection)):
        raise Http404("No such prompt.")
    try:
        prompt_memes.delete_prompt(prompt, actor=user)
    except PromptRefused as refused:
        messages.error(request, str(refused))
        return redirect(prompt)
    messages.success(request, "The prompt was deleted.")
    return redirect("prompt_memes:prompts", name)


# --- Claims and fills ----------------------------------------------------------------------


@login_required
@require_POST
def claim(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    """Claim the prompt, or (``do=unclaim``) give the claim up."""
    prompt = _prompt(_meme_collection(name), prompt_id)
    user = _user(request)
    to = prompt.get_absolute_url()
    if request.POST.get("do") == "unclaim":
        return _done(
            request,
            lambda: prompt_memes.unclaim_prompt(prompt, actor=user),
            "Your claim was given up.",
            to,
        )
    return _done(
        request,
        lambda: prompt_memes.claim_prompt(prompt, actor=user),
        "You claimed this prompt.",
        to,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def fill(request: HttpRequest, name: str, prompt_id: int) -> HttpResponse:
    """Link one of the member's works as a fill: it joins the collection if it is not in
    it (through the collection's own rules)."""
    collection = _meme_collection(name)
    prompt = _prompt(collection, prompt_id)
    user = _user(request)
    form = FillForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        work: Work = form.cleaned_data["work"]
        try:
            made = prompt_memes.fill_prompt(prompt, work, actor=user)
        except PromptRefused as refused:
            form.add_error("work", str(refused))
        else:
            if made.counted_at is None:
                messages.success(
                    request,
                    f"“{work.title}” is linked as a fill. It counts once "
                    f"{collection.title} takes it in (its moderators approve it).",
                )
            else:
                messages.success(request, f"“{work.title}” fills this prompt.")
            return redirect(prompt)
    return render(
        request,
        "challenges/prompt_memes/fill.html",
        _context(collection, request, prompt=prompt, form=form),
    )


# --- The moderators' settings --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings(request: HttpRequest, name: str) -> HttpResponse:
    """The meme's rules, for its moderators (404 for anyone else). A collection with no
    challenge becomes a prompt meme when they are first saved."""
    collection = get_object_or_404(
        Collection,
        name=name,
        challenge_type__in=[ChallengeType.NONE, ChallengeType.PROMPT_MEME],
    )
    if not moderates(request.user, collection):
        raise Http404("No such page.")
    meme: PromptMeme = meme_of(collection)
    form = MemeSettingsForm(request.POST or None, instance=meme)
    if request.method == "POST" and form.is_valid():
        try:
            prompt_memes.save_meme_settings(form.save(commit=False), actor=_user(request))
        except PromptRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The prompt meme's settings were saved.")
            return redirect("prompt_memes:prompts", name)
    return render(
        request,
        "challenges/prompt_memes/settings.html",
        {"collection": collection, "can_moderate": True, "form": form},
    )


# --- A member's own prompts and claims, across every meme ---------------------------------


@login_required
@require_safe
def my_prompts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = (
        MemePrompt.objects.filter(prompter=user)
        .with_state_for(user)
        .select_related("meme__collection", "prompter")
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(found, PROMPTS_PER_PAGE).get_page(request.GET.get("page"))
    # The prompter sees their own name: moderating rights change nothing on this page.
    rows = [_shown(prompt, user, can_moderate=True) for prompt in page.object_list]
    return render(
        request, "challenges/prompt_memes/mine.html", {"tab": "prompts", "page": page, "rows": rows}
    )


@login_required
@require_safe
def my_claims(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = (
        Claim.objects.filter(claimer=user)
        .select_related("prompt__meme__collection", "fulfilled_by__work")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(found, PROMPTS_PER_PAGE).get_page(request.GET.get("page"))
    # A fill is linked only while the member may see its work (a hidden work stays unnamed).
    shown_fills = set(
        Fill.objects.shown_to(user)
        .filter(pk__in=[c.fulfilled_by_id for c in page.object_list if c.fulfilled_by_id])
        .values_list("pk", flat=True)
    )
    rows = [(claim, claim.fulfilled_by_id in shown_fills) for claim in page.object_list]
    return render(
        request, "challenges/prompt_memes/mine.html", {"tab": "claims", "page": page, "rows": rows}
    )
