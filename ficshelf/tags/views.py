"""The wranglers' pages: a tag's wrangling form and a fandom's unwrangled bin. (A tag's page
and the fandoms index count works for the reader, so they are the search app's
``tag_pages``; the posting form's suggestions are the works app's ``tag_suggestions``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ficshelf.tags import actions
from ficshelf.tags.access import get_tag_for_wrangler
from ficshelf.tags.actions import WranglingError
from ficshelf.tags.forms import BulkAction, TagWranglingForm, UnwrangledBinForm
from ficshelf.tags.models import CHILD_TYPE_ORDER, GROUP_LABELS, ParentTagging, Tag, TagType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


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
                return redirect(found.get_absolute_url())
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
                return redirect(f"{fandom.get_absolute_url()}unwrangled/")
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
    # (``Tag.works``: the works app's tagging, seen from the tag's side.)
    taggings = Tag.works.through.objects
    fandom_works = taggings.filter(Q(tag=fandom) | Q(tag__merger=fandom)).values("work_id")
    used = taggings.filter(work_id__in=fandom_works).values("tag_id")
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
