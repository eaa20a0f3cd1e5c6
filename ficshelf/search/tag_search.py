"""Tag search at ``/tags/search/`` (AO3's tag search): tags by name, type, fandom and
wrangling status, sorted by name or by how many works they find.

Only tags the reader could already meet are found (``works.tag_access.visible_tags``: a
draft's tags stay private), and each is counted as its works listing counts it for this
reader (``tag_counts``), the same number its own page shows. Media are left out: they are
never on a work, and ``/media/`` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.core.forms import SingleLineField
from ficshelf.search.query import FACET_TYPES
from ficshelf.search.service import SearchUnavailable
from ficshelf.search.tag_counts import count_for, works_per_filter_tag
from ficshelf.tags.models import TAG_NAME_MAX_LENGTH, Tag, TagType
from ficshelf.works.tag_access import visible_tags

TAGS_PER_PAGE = 50
SEARCHABLE_TYPES = [t for t in TagType if t != TagType.MEDIA]


class TagSearchForm(forms.Form):
    name = SingleLineField(required=False, max_length=TAG_NAME_MAX_LENGTH, label="Name contains")
    type = forms.ChoiceField(
        required=False,
        label="Type",
        choices=[("", "Any type")] + [(t.value, t.label) for t in SEARCHABLE_TYPES],
    )
    fandom = SingleLineField(
        required=False,
        max_length=TAG_NAME_MAX_LENGTH,
        label="In fandom",
        help_text="Characters, relationships and additional tags wrangled under it.",
    )
    canonical = forms.ChoiceField(
        required=False,
        label="Wrangling",
        choices=[("", "Canonical or not"), ("yes", "Canonical only"), ("no", "Not canonical")],
    )
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[("name", "Name"), ("uses", "Works")],
    )

    def __init__(self, *args: Any, visible: QuerySet[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible = visible
        self.fields["fandom"].widget.attrs.update(
            {"data-autocomplete": TagType.FANDOM, "autocomplete": "off"}
        )

    def clean_fandom(self) -> Tag | None:
        name = self.cleaned_data["fandom"].strip()
        if not name:
            return None
        fandoms = self.visible.filter(type=TagType.FANDOM)
        found = fandoms.filter(name=name).first() or fandoms.filter(name__iexact=name).first()
        if found is None:
            raise forms.ValidationError(f"There is no fandom named “{name}”.")
        return found.canonical

    def matching(self) -> QuerySet[Tag]:
        """The tags asked for, by name (before any count)."""
        data = self.cleaned_data
        tags = self.visible.exclude(type=TagType.MEDIA).select_related("merger")
        if data["name"].strip():
            tags = tags.filter(name__icontains=data["name"].strip())
        if data["type"]:
            tags = tags.filter(type=data["type"])
        if data["fandom"] is not None:
            tags = tags.filter(parent_taggings__parent=data["fandom"]).distinct()
        if data["canonical"] == "yes":
            tags = tags.filter(is_canonical=True)
        elif data["canonical"] == "no":
            tags = tags.filter(is_canonical=False)
        return tags.order_by("name")


def _works_per_tag(request: HttpRequest, tag_types: Iterable[str]) -> dict[int, int]:
    """Exact for every tag of these types, so a small tag never reads 0 (the facet counts
    the most used tags of each type first)."""
    types = set(tag_types)
    return works_per_filter_tag(request, types, at_most=Tag.objects.filter(type__in=types).count())


@require_safe
def tag_search(request: HttpRequest) -> HttpResponse:
    visible = visible_tags(request.user)
    asked = request.GET.copy()
    asked.pop("page", None)
    form = TagSearchForm(asked, visible=visible)
    context: dict[str, Any] = {"form": form, "page": None}
    if not form.is_valid():
        return render(request, "tags/search.html", context, status=400)
    matching = form.matching()
    try:
        if form.cleaned_data["sort"] == "uses":
            # Every match must be counted before the first page is known.
            asked_type = form.cleaned_data["type"]
            counts = _works_per_tag(request, [asked_type] if asked_type else FACET_TYPES)
            ordered = sorted(matching, key=lambda tag: (-count_for(tag, counts), tag.name.lower()))
            page = Paginator(ordered, TAGS_PER_PAGE).get_page(request.GET.get("page"))
        else:
            # By name: only the types on this page need counting.
            page = Paginator(matching, TAGS_PER_PAGE).get_page(request.GET.get("page"))
            counts = _works_per_tag(request, {tag.type for tag in page.object_list})
    except SearchUnavailable:
        return render(request, "search/unavailable.html", status=503)
    paginator = page.paginator
    context.update(
        page=page,
        results=[(tag, count_for(tag, counts)) for tag in page.object_list],
        page_numbers=list(paginator.get_elided_page_range(page.number)),
    )
    return render(request, "tags/search.html", context)
