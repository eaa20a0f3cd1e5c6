"""Tag pages: a tag's page, the fandoms index, the autocomplete endpoint, and the
wranglers' pages (a tag's wrangling form, a fandom's unwrangled bin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ficshelf.search.query import WorkQuery
from ficshelf.search.service import find_works
from ficshelf.tags import actions
from ficshelf.tags.access import get_tag_for_viewer, get_tag_for_wrangler
from ficshelf.tags.actions import WranglingError
from ficshelf.tags.forms import BulkAction, TagWranglingForm, UnwrangledBinForm
from ficshelf.tags.models import ParentTagging, Tag, TagType, can_wrangle
from ficshelf.tags.templatetags.tag_urls import tag_url
from ficshelf.works.models import Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

SUGGESTION_LIMIT = 15
# The tag types writers type freely; ratings, warnings and categories are fixed choices.
SUGGESTED_TYPES = {TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM}


@login_required
@require_safe
def autocomplete(request: HttpRequest) -> JsonResponse:
    """``?type=fandom&term=har`` → ``{"tags": ["Harry Potter - J. K. Rowling", ...]}``.

    Only tags this reader could already meet are suggested (``Tag.objects.visible_to``:
    canonical ones, or ones on a work they may see), so a draft's or a hidden work's tags
    stay private.
    """
    tag_type = request.GET.get("type", "")
    term = request.GET.get("term", "").strip()[:100]
    if tag_type not in SUGGESTED_TYPES or not term:
        return JsonResponse({"tags": []})
    known = (
        Tag.objects.visible_to(request.user)
        .of_type(tag_type)
        .filter(name__icontains=term)
        .values_list("name", flat=True)
        .distinct()
    )
    starting = list(known.filter(name__istartswith=term).order_by("name")[:SUGGESTION_LIMIT])
    rest = known.exclude(name__istartswith=term).order_by("name")
    names = starting + list(rest[: SUGGESTION_LIMIT - len(starting)])
    return JsonResponse({"tags": names})


# --- Tag pages and wrangling ----------------------------------------------------------

CHILD_TYPE_ORDER = [TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM]
RELATED_TAGS_SHOWN = 300
GROUP_LABELS = {
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """AO3's "Fandoms" page: every fandom a filter finds works by, with the count of works
    the viewer may see, grouped by initial."""
    candidates = (
        Tag.objects.of_type(TagType.FANDOM)
        .filter(merger__isnull=True)
        .filter(Q(is_canonical=True) | Q(filter_taggings__isnull=False))
        .distinct()
    )
    # The counts the fandoms' listings would show this reader (exclusions, mutes and the
    # visibility rule included), exact even for small fandoms of a big archive.
    counted = find_works(
        request,
        WorkQuery(
            per_page=0,
            facet_types=(TagType.FANDOM.value,),
            facet_limit=max(candidates.count(), 1),
            exact_facets=True,
        ),
    ).facets.get(TagType.FANDOM.value, [])
    counts = {entry.tag.pk: entry.count for entry in counted}
    # Canonical fandoms always; an unwrangled one once a reader can find a work in it.
    fandoms = candidates.filter(Q(is_canonical=True) | Q(pk__in=counts)).order_by("name")
    groups: dict[str, list[tuple[Tag, int]]] = {}
    for fandom in fandoms:
        groups.setdefault(_initial(fandom.name), []).append((fandom, counts.get(fandom.pk, 0)))
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))
    return render(request, "tags/index.html", {"groups": ordered})


def _initial(name: str) -> str:
    first = name[:1].upper()
    return first if first.isalpha() else "#"


@require_safe
def show(request: HttpRequest, tag: str) -> HttpResponse:
    found = get_tag_for_viewer(request, tag)
    visible = Tag.objects.visible_to(request.user)
    child_groups = []
    if found.type in (TagType.FANDOM, TagType.CHARACTER):
        for child_type in CHILD_TYPE_ORDER:
            children = visible.filter(parent_taggings__parent=found, type=child_type)
            shown, more = _capped(children.order_by("name"))
            if shown:
                child_groups.append((GROUP_LABELS[child_type], shown, more))
    synonyms, more_synonyms = _capped(visible.filter(merger=found).order_by("name"))
    canonical = found.canonical
    # As many as the tag's works listing shows this reader (exclusions and mutes included).
    works_count = find_works(
        request, WorkQuery(all_tag_ids=frozenset({canonical.pk}), per_page=0, facet_limit=0)
    ).total
    context = {
        "tag": found,
        "is_wrangler": can_wrangle(request.user),
        "synonyms": synonyms,
        "more_synonyms": more_synonyms,
        "meta_tags": list(visible.filter(sub_taggings__sub_tag=found).order_by("name")),
        "sub_tags": list(visible.filter(meta_taggings__meta_tag=found).order_by("name")),
        "parents": list(visible.filter(child_taggings__child=found).order_by("type", "name")),
        "child_groups": child_groups,
        "works_tag": canonical,
        "works_count": works_count,
    }
    return render(request, "tags/show.html", context)


def _capped(tags: QuerySet[Tag]) -> tuple[list[Tag], int]:
    """The first RELATED_TAGS_SHOWN tags, and how many more there are: a big fandom has
    thousands of characters, and the page must stay small."""
    shown = list(tags[: RELATED_TAGS_SHOWN + 1])
    if len(shown) <= RELATED_TAGS_SHOWN:
        return shown, 0
    return shown[:RELATED_TAGS_SHOWN], tags.count() - RELATED_TAGS_SHOWN


def edit(request: HttpRequest, tag: str) -> HttpResponse:
    found = get_tag_for_wrangler(request, tag)
    if found.is_fixed:
        if request.method == "POST":
            messages.error(request, f"“{found.name}” is fixed and can't be wrangled.")
        return render(request, "tags/edit.html", {"tag": found, "form": None}, status=200)
    if request.method == "POST":
        form = TagWranglingForm(request.POST, tag=found)
        if form.is_valid():
            try:
                _apply_wrangling(found, form.cleaned_data, actor=request.user)
            except WranglingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"“{found.name}” was wrangled.")
                return redirect(tag_url(found))
    else:
        form = TagWranglingForm(tag=found)
    return render(
        request, "tags/edit.html", {"tag": found, "form": form}, status=400 if form.errors else 200
    )


@transaction.atomic
def _apply_wrangling(tag: Tag, data: dict[str, Any], *, actor: User | AnonymousUser) -> None:
    """The edit form's changes, in an order that lets each step's checks pass: removals
    first, then the synonym and canonical status, then additions. One transaction, so a
    refused step leaves nothing half-done."""
    for meta in Tag.objects.filter(pk__in=data.get("remove_meta_tags") or []):
        actions.remove_meta_tag(tag, meta, actor=actor)
    for parent in Tag.objects.filter(pk__in=data.get("remove_parents") or []):
        actions.remove_parent(tag, parent, actor=actor)
    target: Tag | None = data.get("synonym_of")
    if target is None and tag.merger_id is not None:
        actions.unmerge(tag, actor=actor)
    if data.get("is_canonical") and not tag.is_canonical:
        actions.make_canonical(tag, actor=actor)
    if target is not None and target.pk != tag.merger_id:
        actions.merge_into(tag, target, actor=actor)
    elif target is None and not data.get("is_canonical") and tag.is_canonical:
        actions.make_uncanonical(tag, actor=actor)
    for meta in data.get("add_meta_tags") or []:
        actions.add_meta_tag(tag, meta, actor=actor)
    for parent in data.get("add_parents") or []:
        actions.add_parent(tag, parent, actor=actor)


def unwrangled(request: HttpRequest, tag: str) -> HttpResponse:
    """A fandom's unwrangled bin: characters, relationships and additional tags used on its
    works that nobody has wrangled yet (not canonical, no synonym, no parent)."""
    found = get_tag_for_wrangler(request, tag)
    if found.type != TagType.FANDOM:
        raise Http404("Only fandoms have unwrangled bins.")
    fandom = found.canonical
    bin_tags = _unwrangled_tags(fandom)
    if request.method == "POST":
        form = UnwrangledBinForm(request.POST, bin_tags=bin_tags)
        if form.is_valid():
            try:
                done = _apply_bulk(fandom, form.cleaned_data, actor=request.user)
            except WranglingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect(f"{tag_url(fandom)}unwrangled/")
    else:
        form = UnwrangledBinForm(bin_tags=bin_tags)
    groups = []
    for tag_type in CHILD_TYPE_ORDER:
        in_group = [t for t in bin_tags if t.type == tag_type]
        groups.append((tag_type.value, GROUP_LABELS[tag_type], in_group))
    context = {"fandom": fandom, "form": form, "groups": groups, "bin_count": len(bin_tags)}
    return render(request, "tags/unwrangled.html", context, status=400 if form.errors else 200)


def _unwrangled_tags(fandom: Tag) -> list[Tag]:
    # Works tagged with the fandom or a synonym of it; not its sub fandoms' works, whose
    # tags belong in their own bins.
    fandom_works = Work.tags.through.objects.filter(Q(tag=fandom) | Q(tag__merger=fandom)).values(
        "work_id"
    )
    used = Work.tags.through.objects.filter(work_id__in=fandom_works).values("tag_id")
    return list(
        Tag.objects.filter(type__in=CHILD_TYPE_ORDER, pk__in=used)
        .filter(is_canonical=False, merger__isnull=True)
        .exclude(Exists(ParentTagging.objects.filter(child=OuterRef("pk"))))
        .annotate(works_count=Count("works", distinct=True))
        .order_by("type", "name")
    )


@transaction.atomic
def _apply_bulk(fandom: Tag, data: dict[str, Any], *, actor: User | AnonymousUser) -> str:
    chosen: list[Tag] = data["chosen"]
    action = data["action"]
    for tag in chosen:
        if action == BulkAction.CANONICAL:
            actions.make_canonical(tag, actor=actor)
        elif action == BulkAction.PARENT:
            actions.add_parent(tag, fandom, actor=actor)
        else:
            actions.merge_into(tag, data["merge_target"], actor=actor)
    count = f"{len(chosen)} tag{'s' if len(chosen) != 1 else ''}"
    if action == BulkAction.CANONICAL:
        return f"Made {count} canonical."
    if action == BulkAction.PARENT:
        return f"Added “{fandom.name}” as the fandom of {count}."
    return f"Made {count} synonyms of “{data['merge_target'].name}”."
