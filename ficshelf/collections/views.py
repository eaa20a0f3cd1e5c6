"""The collection pages: the collections listing, a collection's profile, its settings,
its works to review, who runs it, and a member's own works in collections.

The works listing of a collection, with the filter sidebar, is the search app's
(``/collections/<name>/works/``). Every change goes through ``works.collection_items``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.collections.forms import (
    AddToCollectionForm,
    CollectionFilterForm,
    CollectionForm,
    ParticipantForm,
    WorkAddressForm,
)
from ficshelf.social.access import muted_user_ids
from ficshelf.social.models import Bookmark
from ficshelf.social.stored_html import refresh_bookmark_notes
from ficshelf.tags.models import FilterTagging, Tag, TagType
from ficshelf.works.access import get_work_for_creator
from ficshelf.works.collection_items import (
    CollectionRefused,
    add_work,
    answer_as_collection,
    answer_as_creator,
    create_collection,
    moderates,
    remove_item,
    reveal,
    role_of,
    set_role,
    update_collection,
)
from ficshelf.works.collection_models import (
    Approval,
    ChallengeType,
    Collection,
    CollectionItem,
    CollectionParticipant,
    Role,
)
from ficshelf.works.models import work_visible_to

COLLECTIONS_PER_PAGE = 20
BOOKMARKS_PER_PAGE = 20
AUTOCOMPLETE_LIMIT = 15


def _viewer(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def get_collection(name: str) -> Collection:
    return get_object_or_404(Collection.objects.select_related("parent"), name=name)


def get_collection_to_moderate(request: HttpRequest, name: str) -> Collection:
    """404 for anyone but its moderators (and admins): the page's existence is no secret,
    but its queue is nobody else's business."""
    collection = get_collection(name)
    if not moderates(request.user, collection):
        raise Http404("No such page.")
    return collection


def works_shown(collection: Collection, user: User | None) -> QuerySet[CollectionItem]:
    """The collection's approved items whose works ``user`` may see."""
    return (
        CollectionItem.objects.approved()
        .filter(collection=collection)
        .filter(work_visible_to(user), work__is_posted=True)
    )


# --- The collections listing --------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    form = CollectionFilterForm(request.GET or None)
    collections: QuerySet[Collection] = Collection.objects.top_level()
    if form.is_valid():
        collections = _filtered(collections, form.cleaned_data)
    visible = works_shown_count(_viewer(request))
    collections = collections.annotate(work_count=visible).order_by("title", "pk")
    page = Paginator(collections, COLLECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "collections/index.html", {"form": form, "page": page})


class _RowCount(Subquery):
    """How many rows a subquery gives (``COUNT(*)`` around it)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def works_shown_count(user: User | None) -> _RowCount:
    """Per collection: its works and its subcollections' that ``user`` may see (each once).
    The counts readers see never count a work hidden from them."""
    items = (
        CollectionItem.objects.approved()
        .filter(Q(collection=OuterRef("pk")) | Q(collection__parent=OuterRef("pk")))
        .filter(work_visible_to(user), work__is_posted=True)
        .order_by()
        .values("work_id")
        .distinct()
    )
    return _RowCount(items)


def _filtered(collections: QuerySet[Collection], wanted: dict[str, Any]) -> QuerySet[Collection]:
    if wanted.get("q"):
        text = wanted["q"].strip()
        collections = collections.filter(Q(name__icontains=text) | Q(title__icontains=text))
    if wanted.get("state") == "open":
        collections = collections.filter(is_open=True)
    elif wanted.get("state") == "closed":
        collections = collections.filter(is_open=False)
    if wanted.get("challenge") == "none":
        collections = collections.filter(challenge_type=ChallengeType.NONE)
    elif wanted.get("challenge"):
        collections = collections.filter(challenge_type=wanted["challenge"])
    if wanted.get("fandom"):
        # A collection is in a fandom when an approved work of it is (as AO3 lists them).
        fandom = Tag.objects.filter(type=TagType.FANDOM, name__iexact=wanted["fandom"].strip())
        tagged = FilterTagging.objects.filter(tag__in=fandom).values("work_id")
        in_fandom = CollectionItem.objects.approved().filter(
            Q(collection=OuterRef("pk")) | Q(collection__parent=OuterRef("pk")),
            work__in=tagged,
        )
        collections = collections.filter(Exists(in_fandom))
    return collections


@require_safe
def autocomplete(request: HttpRequest) -> JsonResponse:
    """Names of open collections matching ``term`` (the add-to-collection field's list)."""
    term = request.GET.get("term", "").strip()[:100]
    if len(term) < 2:
        return JsonResponse({"tags": []})
    found = (
        Collection.objects.filter(Q(name__icontains=term) | Q(title__icontains=term))
        .filter(is_open=True)
        .order_by("name")
        .values_list("name", flat=True)[:AUTOCOMPLETE_LIMIT]
    )
    # The same shape as the tag suggestions, so the same script fills the field's list.
    return JsonResponse({"tags": list(found)})


# --- One collection -----------------------------------------------------------------------


@require_safe
def profile(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_collection(name)
    user = _viewer(request)
    children = collection.children.annotate(work_count=works_shown_count(user)).order_by("title")
    runners = CollectionParticipant.objects.filter(
        collection=collection, role__in=[Role.OWNER, Role.MODERATOR]
    ).select_related("user")
    # Works their creators agreed to put here (an unanswered invitation waits for nobody).
    waiting = (
        CollectionItem.objects.consented().filter(collection=collection, is_unrevealed=True).count()
    )
    return render(
        request,
        "collections/profile.html",
        {
            "collection": collection,
            "children": children,
            "runners": runners,
            "work_count": works_shown(collection, user).count(),
            "unrevealed_count": waiting,
            "role": role_of(request.user, collection),
            "can_moderate": moderates(request.user, collection),
        },
    )


@require_safe
def bookmarks(request: HttpRequest, name: str) -> HttpResponse:
    """Public bookmarks of the collection's works (and its subcollections'), newest first:
    only of works the reader may see, and none by members they muted."""
    collection = get_collection(name)
    user = _viewer(request)
    in_collection = CollectionItem.objects.approved().filter(
        Q(collection=collection) | Q(collection__parent=collection)
    )
    found = (
        Bookmark.objects.public()
        .filter(work__in=in_collection.values("work_id"))
        .filter(work_visible_to(user))
        .exclude(user_id__in=muted_user_ids(request.user))
        .select_related("user", "work")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(found, BOOKMARKS_PER_PAGE).get_page(request.GET.get("page"))
    refresh_bookmark_notes(page.object_list)
    return render(
        request,
        "collections/bookmarks.html",
        {
            "collection": collection,
            "page": page,
            "can_moderate": moderates(request.user, collection),
        },
    )


@require_safe
def header_image(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_object_or_404(
        Collection.objects.only("header_image", "header_image_type"), name=name
    )
    if not collection.header_image:
        raise Http404("No header image.")
    response = HttpResponse(
        bytes(collection.header_image), content_type=collection.header_image_type
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = CollectionForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        collection = create_collection(form.save(commit=False), owner=user)
        messages.success(request, f"{collection.title} was created.")
        return redirect(collection)
    return render(request, "collections/edit.html", {"form": form, "collection": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_collection_to_moderate(request, name)
    user = request.user
    assert isinstance(user, User)
    form = CollectionForm(
        request.POST or None, request.FILES or None, instance=collection, user=user
    )
    if request.method == "POST" and form.is_valid():
        revealed = update_collection(form.save(commit=False), actor=user)
        note = ""
        if revealed.works or revealed.creators:
            note = f" {len(revealed.works) + len(revealed.creators)} works were revealed."
        messages.success(request, f"The collection was saved.{note}")
        return redirect(collection)
    return render(request, "collections/edit.html", {"form": form, "collection": collection})


# --- The moderators' queue ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def items(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_collection_to_moderate(request, name)
    user = request.user
    assert isinstance(user, User)
    invite = WorkAddressForm(request.POST if "invite" in request.POST else None)
    if request.method == "POST":
        if "invite" in request.POST:
            if invite.is_valid():
                return _act(request, collection, lambda: _invite(collection, invite, user))
        else:
            item = get_object_or_404(
                CollectionItem, pk=request.POST.get("item"), collection=collection
            )
            answer = request.POST.get("answer")
            if answer == "remove":
                return _act(request, collection, lambda: remove_item(item, actor=user))
            if answer in ("approve", "reject"):
                approve = answer == "approve"
                return _act(
                    request,
                    collection,
                    lambda: answer_as_collection(item, approve=approve, actor=user),
                )
            messages.error(request, "Choose approve, reject or remove.")
    rows = (
        CollectionItem.objects.filter(collection=collection)
        .select_related("work")
        .order_by("-created_at", "-pk")
    )
    groups = [
        (
            "Waiting for your approval",
            [
                i
                for i in rows
                if i.collection_approval == Approval.UNREVIEWED
                and i.creator_approval == Approval.APPROVED
            ],
        ),
        (
            "Invited, waiting for the creators",
            [i for i in rows if i.creator_approval == Approval.UNREVIEWED],
        ),
        ("In the collection", [i for i in rows if i.is_approved]),
        (
            "Declined",
            [i for i in rows if Approval.REJECTED in (i.creator_approval, i.collection_approval)],
        ),
    ]
    return render(
        request,
        "collections/items.html",
        {"collection": collection, "groups": groups, "invite": invite},
    )


def _grouped(rows: Any, headings: list[tuple[str, str]]) -> list[tuple[str, list[CollectionItem]]]:
    """(heading, items) in the order given, by ``CollectionItem.state``."""
    return [
        (heading, [item for item in rows if item.state == state]) for state, heading in headings
    ]


def _invite(collection: Collection, form: WorkAddressForm, user: User) -> str:
    added = add_work(collection, form.cleaned_data["work"], actor=user)
    if added.waits_for_creator:
        return "The work's creators were invited."
    return "The work is in the collection."


def _act(request: HttpRequest, collection: Collection, action: Any) -> HttpResponse:
    try:
        said = action()
    except CollectionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, said if isinstance(said, str) else "Done.")
    return redirect("collections:items", collection.name)


@login_required
@require_POST
def reveal_view(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_collection_to_moderate(request, name)
    what = request.POST.get("what", "both")
    try:
        revealed = reveal(
            collection,
            works=what in ("works", "both"),
            creators=what in ("creators", "both"),
            actor=request.user,  # type: ignore[arg-type]
        )
    except CollectionRefused as refused:
        messages.error(request, str(refused))
    else:
        works, named = len(revealed.works), len(revealed.creators)
        messages.success(
            request,
            f"Revealed {works} work{pluralize(works)}; named the creators of "
            f"{named} work{pluralize(named)}.",
        )
    return redirect(collection)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def participants(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_collection_to_moderate(request, name)
    user = request.user
    assert isinstance(user, User)
    form = ParticipantForm(request.POST if "username" in request.POST else None)
    if request.method == "POST":
        try:
            if "username" in request.POST:
                if form.is_valid():
                    member = form.cleaned_data["username"]
                    set_role(collection, member, form.cleaned_data["role"], actor=user)
                    messages.success(
                        request, f"{member.username} is now {form.cleaned_data['role']}."
                    )
                    return redirect("collections:participants", collection.name)
            else:
                member = get_object_or_404(User, pk=request.POST.get("user"))
                set_role(collection, member, None, actor=user)
                messages.success(request, f"{member.username} no longer takes part.")
                return redirect("collections:participants", collection.name)
        except CollectionRefused as refused:
            messages.error(request, str(refused))
    rows = CollectionParticipant.objects.filter(collection=collection).select_related("user")
    return render(
        request,
        "collections/participants.html",
        {
            "collection": collection,
            "rows": rows.order_by("role", "user__username"),
            "form": form,
            "is_owner": user.is_staff or role_of(user, collection) == Role.OWNER,
        },
    )


# --- A creator's side ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_items(request: HttpRequest) -> HttpResponse:
    """The member's works in collections: invitations to answer, works waiting for a
    collection's approval, and the rest."""
    user = request.user
    assert isinstance(user, User)
    mine = CollectionItem.objects.filter(
        work__creatorships__pseud__user=user, work__creatorships__is_approved=True
    ).distinct()
    if request.method == "POST":
        item = get_object_or_404(mine, pk=request.POST.get("item"))
        answer = request.POST.get("answer")
        try:
            if answer == "remove":
                remove_item(item, actor=user)
            elif answer in ("approve", "reject"):
                answer_as_creator(item, approve=answer == "approve", actor=user)
            else:
                raise CollectionRefused("Choose approve, reject or remove.")
        except CollectionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Your answer was saved.")
        return redirect("collections:my_items")
    rows = list(mine.select_related("work", "collection").order_by("-created_at", "-pk"))
    groups = _grouped(
        rows,
        [
            ("invited", "Invitations"),
            ("submitted", "Waiting for the collection"),
            ("approved", "In collections"),
            ("declined", "Declined"),
        ],
    )
    return render(request, "collections/my_items.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_to_collection(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    user = request.user
    assert isinstance(user, User)
    form = AddToCollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        collection = form.cleaned_data["collection"]
        try:
            added = add_work(collection, work, actor=user)
        except CollectionRefused as refused:
            form.add_error("collection", str(refused))
        else:
            if added.waits_for_collection:
                messages.success(
                    request, f"Submitted to {collection.title}: it waits for approval."
                )
            else:
                messages.success(request, f"Added to {collection.title}.")
            return redirect(work)
    return render(
        request,
        "collections/add_work.html",
        {"work": work, "form": form, "autocomplete_url": reverse("collections:autocomplete")},
    )
