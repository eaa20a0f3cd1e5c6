"""The gift exchange pages: the exchange's page (rules, stage, the moderators' buttons and
the matching progress), its settings, a member's sign-up, the moderators' sign-ups and
summary, the assignments (review, swap, send, defaults), pinch hits, a member's own
assignments, and tag sets with nominations. Every change goes through ``actions``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.challenges import actions
from ficshelf.challenges.actions import ExchangeRefused
from ficshelf.challenges.forms import (
    AssignmentFilterForm,
    ExchangeForm,
    SignUpForm,
    TagNamesForm,
    TagSetForm,
    prompt_forms,
)
from ficshelf.challenges.models import (
    PROMPT_TAG_TYPES,
    Assignment,
    GiftExchange,
    Nomination,
    Prompt,
    SignUp,
    TagSet,
)
from ficshelf.works.collection_items import moderates
from ficshelf.works.models import Collection

Stage = GiftExchange.Stage
ASSIGNMENTS_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # behind login_required
    return request.user


def _exchange(name: str) -> GiftExchange:
    return get_object_or_404(
        GiftExchange.objects.select_related("collection", "tag_set"), collection__name=name
    )


def _exchange_to_moderate(request: HttpRequest, name: str) -> GiftExchange:
    exchange = _exchange(name)
    if not moderates(request.user, exchange.collection):
        raise Http404("No such page.")
    return exchange


def _done(request: HttpRequest, action: Callable[[], object], said: str, to: str) -> HttpResponse:
    try:
        action()
    except ExchangeRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, said)
    return redirect(to)


# --- The exchange's page and settings -----------------------------------------------------------


@require_safe
def exchange_page(request: HttpRequest, name: str) -> HttpResponse:
    exchange = _exchange(name)
    user = request.user
    mine = (
        SignUp.objects.filter(exchange=exchange, user=user).first()
        if user.is_authenticated
        else None
    )
    context = {
        "exchange": exchange,
        "collection": exchange.collection,
        "can_moderate": moderates(user, exchange.collection),
        "my_signup": mine,
        "signup_count": exchange.signups.count(),
        "limits": _limits_table(exchange),
        "open_pinch_hits": Assignment.objects.filter(exchange=exchange).open_pinch_hits().count(),
    }
    return render(request, "challenges/exchange.html", context)


def _limits_table(exchange: GiftExchange) -> list[tuple[str, list[int], list[int], int]]:
    requests, offers = exchange.limits(Prompt.Kind.REQUEST), exchange.limits(Prompt.Kind.OFFER)
    required = dict(exchange.required_matches)
    return [
        (str(t.label), requests.get(t, [0, 0]), offers.get(t, [0, 0]), int(required.get(t, 0)))
        for t in PROMPT_TAG_TYPES
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_object_or_404(Collection, name=name)
    if not moderates(request.user, collection):
        raise Http404("No such page.")
    exchange = GiftExchange.objects.filter(collection=collection).first() or GiftExchange(
        collection=collection
    )
    form = ExchangeForm(request.POST or None, instance=exchange, user=_user(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_up_exchange(collection, form.save(commit=False), actor=_user(request))
        except ExchangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The exchange's settings were saved.")
            return redirect("challenges:exchange", collection.name)
    return render(
        request,
        "challenges/setup.html",
        {"form": form, "collection": collection, "can_moderate": True},
    )


@login_required
@require_POST
def stage(request: HttpRequest, name: str) -> HttpResponse:
    """The moderators' buttons: open or close sign-ups, generate or send assignments."""
    exchange = _exchange_to_moderate(request, name)
    user = _user(request)
    to = reverse("challenges:exchange", args=[name])
    match request.POST.get("do"):
        case "open":
            return _done(
                request,
                lambda: actions.set_signups_open(exchange, is_open=True, actor=user),
                "Sign-ups are open.",
                to,
            )
        case "close":
            return _done(
                request,
                lambda: actions.set_signups_open(exchange, is_open=False, actor=user),
                "Sign-ups are closed.",
                to,
            )
        case "match":
            return _done(
                request,
                lambda: actions.start_matching(exchange, actor=user),
                "Matching has started.",
                to,
            )
        case "send":
            return _done(
                request,
                lambda: actions.send_assignments(exchange, actor=user),
                "The assignments were sent.",
                to,
            )
    messages.error(request, "Choose one of the buttons.")
    return redirect(to)


# --- Signing up ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest, name: str) -> HttpResponse:
    exchange = _exchange(name)
    user = _user(request)
    existing = SignUp.objects.filter(exchange=exchange, user=user).first()
    data = request.POST if request.method == "POST" else None
    form = SignUpForm(data, user=user, initial={"pseud": existing.pseud_id} if existing else None)
    requests = prompt_forms(
        exchange, Prompt.Kind.REQUEST, data, _initial(existing, Prompt.Kind.REQUEST)
    )
    offers = prompt_forms(exchange, Prompt.Kind.OFFER, data, _initial(existing, Prompt.Kind.OFFER))
    if request.method == "POST":
        if "delete" in request.POST and existing is not None:
            return _done(
                request,
                lambda: actions.delete_signup(existing, actor=user),
                "Your sign-up was deleted.",
                reverse("challenges:exchange", args=[name]),
            )
        if form.is_valid() and all(f.is_valid() for f in [*requests, *offers]):
            try:
                actions.save_signup(
                    exchange,
                    user=user,
                    pseud=form.cleaned_data["pseud"],
                    requests=[f.prompt_data() for f in requests],
                    offers=[f.prompt_data() for f in offers],
                )
            except ExchangeRefused as refused:
                for reason in refused.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, "Your sign-up was saved.")
                return redirect("challenges:exchange", name)
    elif not exchange.signups_are_open:
        messages.error(request, "Sign-ups for this exchange are closed.")
    return render(
        request,
        "challenges/signup.html",
        {
            "exchange": exchange,
            "collection": exchange.collection,
            "form": form,
            "requests": requests,
            "offers": offers,
            "existing": existing,
            "autocomplete_url": reverse("tags:autocomplete"),
        },
    )


def _initial(signup: SignUp | None, kind: str) -> list[dict[str, Any]]:
    if signup is None:
        return []
    found = []
    for prompt in signup.prompts.filter(kind=kind).prefetch_related("tags").order_by("position"):
        row: dict[str, Any] = {"details": prompt.details, "url": prompt.url}
        for tag_type in PROMPT_TAG_TYPES:
            row[tag_type] = ", ".join(
                sorted(t.name for t in prompt.tags.all() if t.type == tag_type)
            )
            row[f"any_{tag_type}"] = tag_type in (prompt.any_types or [])
        found.append(row)
    return found


@login_required
@require_safe
def signups(request: HttpRequest, name: str) -> HttpResponse:
    """Everyone's sign-ups and the summary of requested and offered tags (moderators)."""
    exchange = _exchange_to_moderate(request, name)
    rows = (
        exchange.signups.select_related("pseud", "user")
        .prefetch_related(Prefetch("prompts", queryset=Prompt.objects.prefetch_related("tags")))
        .order_by("pseud__name")
    )
    return render(
        request,
        "challenges/signups.html",
        {
            "exchange": exchange,
            "collection": exchange.collection,
            "can_moderate": True,
            "rows": rows,
            "summary": actions.signup_summary(exchange),
        },
    )


# --- Assignments ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignments(request: HttpRequest, name: str) -> HttpResponse:
    exchange = _exchange_to_moderate(request, name)
    user = _user(request)
    # Back to the same page of the same filtered list after a change.
    here = request.get_full_path()
    if request.method == "POST":
        rows = exchange.assignments
        if "swap" in request.POST:
            first = get_object_or_404(rows, pk=_number(request.POST.get("first")))
            second = get_object_or_404(rows, pk=_number(request.POST.get("second")))
            return _done(
                request,
                lambda: actions.swap_recipients(first, second, actor=user),
                "Swapped.",
                here,
            )
        assignment = get_object_or_404(rows, pk=_number(request.POST.get("assignment")))
        if "giver_name" in request.POST or "giver" in request.POST:
            try:
                giver = _giver_named(exchange, request.POST)
            except ExchangeRefused as refused:
                messages.error(request, str(refused))
                return redirect(here)
            return _done(
                request, lambda: actions.set_giver(assignment, giver, actor=user), "Saved.", here
            )
        if "default" in request.POST:
            return _done(
                request,
                lambda: actions.default_assignment(assignment, actor=user),
                "It is a pinch hit now.",
                here,
            )
    every = exchange.assignments
    unmatched = every.filter(giver__isnull=True, pinch_hitter__isnull=True)
    form = AssignmentFilterForm(request.GET or None)
    shown = every.all()
    if form.is_valid():
        wanted = form.cleaned_data["name"].strip()
        if wanted:
            shown = shown.filter(
                Q(recipient__pseud__name__icontains=wanted)
                | Q(giver__pseud__name__icontains=wanted)
                | Q(pinch_hitter__username__icontains=wanted)
            )
        if form.cleaned_data["unmatched_only"]:
            shown = shown.filter(giver__isnull=True, pinch_hitter__isnull=True)
    page = Paginator(
        shown.select_related(
            "giver__pseud__user", "recipient__pseud__user", "pinch_hitter", "fulfilled_by"
        ).order_by("recipient__pseud__name", "pk"),
        ASSIGNMENTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/assignments.html",
        {
            "exchange": exchange,
            "collection": exchange.collection,
            "can_moderate": True,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "total": every.count(),
            "unmatched": unmatched.count(),
            # One list of names for every row's writer field (a datalist, not a select per
            # row: 3,000 participants in each of 3,000 rows would be nine million options).
            "participants": exchange.signups.select_related("pseud__user").order_by(
                "pseud__name", "pk"
            ),
        },
    )


def _number(value: str | None) -> int:
    """A posted row number; 0 (matching nothing, so a 404) when it is not one."""
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


def _giver_named(exchange: GiftExchange, posted: Any) -> SignUp | None:
    """The participant a moderator named as a writer, as the page lists them ("name" or
    "name (username)"), or by sign-up number; None for an empty field (nobody)."""
    if "giver_name" not in posted:
        number = _number(posted.get("giver"))
        return get_object_or_404(exchange.signups, pk=number) if posted.get("giver") else None
    text = " ".join(str(posted.get("giver_name", "")).split())[:250]
    if not text:
        return None
    found = exchange.signups.select_related("pseud__user")
    pseud_name, _, rest = text.partition(" (")
    if rest.endswith(")"):
        found = found.filter(pseud__name__iexact=pseud_name, user__username__iexact=rest[:-1])
    else:
        found = found.filter(pseud__name__iexact=text)
    matches = list(found[:2])
    if not matches:
        raise ExchangeRefused(f"Nobody called “{text}” signed up for this exchange.")
    if len(matches) > 1:
        raise ExchangeRefused(
            f"Several participants are called “{text}”: write the name as the list shows it, "
            "with the username in brackets."
        )
    return matches[0]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pinch_hits(request: HttpRequest, name: str) -> HttpResponse:
    exchange = _exchange(name)
    user = _user(request)
    open_ones = (
        Assignment.objects.filter(exchange=exchange)
        .open_pinch_hits()
        .select_related("recipient__pseud")
    )
    if request.method == "POST":
        assignment = get_object_or_404(open_ones, pk=request.POST.get("assignment"))
        return _done(
            request,
            lambda: actions.claim_pinch_hit(assignment, user=user),
            "The pinch hit is yours.",
            reverse("challenges:my_assignments"),
        )
    return render(
        request,
        "challenges/pinch_hits.html",
        {"exchange": exchange, "collection": exchange.collection, "rows": open_ones},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_assignments(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = Assignment.objects.filter(sent_at__isnull=False).filter(
        giver__user=user, pinch_hitter__isnull=True
    ) | Assignment.objects.filter(sent_at__isnull=False, pinch_hitter=user)
    if request.method == "POST":
        assignment = get_object_or_404(mine, pk=request.POST.get("assignment"))
        return _done(
            request,
            lambda: actions.default_assignment(assignment, actor=user),
            "You gave the assignment up; it is a pinch hit now.",
            reverse("challenges:my_assignments"),
        )
    rows = mine.select_related(
        "exchange__collection", "recipient__pseud", "fulfilled_by"
    ).prefetch_related(
        Prefetch(
            "recipient__prompts",
            queryset=Prompt.objects.filter(kind=Prompt.Kind.REQUEST).prefetch_related("tags"),
        )
    )
    return render(request, "challenges/my_assignments.html", {"rows": rows.order_by("-sent_at")})


# --- Tag sets -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_tag_set(request: HttpRequest) -> HttpResponse:
    form = TagSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tag_set = form.save()
        tag_set.owners.add(_user(request))
        return redirect("challenges:tag_set", tag_set.pk)
    return render(request, "challenges/tag_set_new.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def tag_set(request: HttpRequest, set_id: int) -> HttpResponse:
    tag_set = get_object_or_404(TagSet, pk=set_id)
    user = request.user
    is_owner = user.is_authenticated and (
        user.is_staff or tag_set.owners.filter(pk=user.pk).exists()
    )
    form = TagNamesForm(request.POST or None)
    here = reverse("challenges:tag_set", args=[set_id])
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={here}")
        member = _user(request)
        if "nomination" in request.POST:
            nomination = get_object_or_404(
                Nomination, pk=request.POST.get("nomination"), tag_set=tag_set
            )
            approve = request.POST.get("answer") == "approve"
            return _done(
                request,
                lambda: actions.review_nomination(nomination, approve=approve, actor=member),
                "Saved.",
                here,
            )
        if form.is_valid():
            names = form.names_list()
            tag_type = form.cleaned_data["tag_type"]
            if is_owner:
                return _done(
                    request,
                    lambda: actions.add_tags_to_set(tag_set, tag_type, names, actor=member),
                    "The tags were added.",
                    here,
                )
            return _done(
                request,
                lambda: actions.nominate(tag_set, tag_type, names, user=member),
                "Your nominations were sent.",
                here,
            )
    tags = tag_set.tags.order_by("type", "name")
    return render(
        request,
        "challenges/tag_set.html",
        {
            "tag_set": tag_set,
            "tags": tags,
            "is_owner": is_owner,
            "form": form,
            "pending": tag_set.nominations.filter(state=Nomination.State.PENDING).select_related(
                "nominator"
            )
            if is_owner
            else [],
        },
    )
