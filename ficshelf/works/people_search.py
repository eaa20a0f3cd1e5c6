"""People search at ``/people/search/`` (AO3's people search): creators by name or pseud
and by the fandoms they write in, paged, each with the works the viewer may see.

Who is findable follows the profile rule (``accounts.access.get_user_for_profile``:
members whose account is active, suspended ones included, banned ones not) and, for an
imported creator (a pseud without a user), the rule of their page
(``access.get_external_creator_for_viewer``: a work the viewer may see credits them).
Each member's pseud shows its icon (``PseudIcon``, linked at its versioned address, with
the alt text its member wrote); imported creators have none.
Everything said about someone's works reads through the visibility rule and
``shown_on_creator_pages``, so an anonymous or unrevealed work never gives its creator
away: not by a count, not by the fandom filter.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ficshelf.accounts.models import Pseud
from ficshelf.core.forms import SingleLineField
from ficshelf.tags.models import TAG_NAME_MAX_LENGTH, Tag, TagType
from ficshelf.works.models import Creatorship, Work, WorkQuerySet
from ficshelf.works.tag_access import visible_tags

PEOPLE_PER_PAGE = 20
# The fandoms named under each person found, the ones with most of their works first.
FANDOMS_SHOWN = 3


class PeopleSearchForm(forms.Form):
    name = SingleLineField(
        required=False,
        max_length=150,
        label="Name or pseud",
        help_text="Names starting with it first, then names containing it.",
    )
    fandom = SingleLineField(
        required=False, max_length=TAG_NAME_MAX_LENGTH, label="Writes in fandom"
    )

    def __init__(self, *args: Any, fandoms: QuerySet[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fandoms = fandoms
        self.fields["fandom"].widget.attrs.update(
            {"data-autocomplete": TagType.FANDOM, "autocomplete": "off"}
        )

    def clean_fandom(self) -> Tag | None:
        name = self.cleaned_data["fandom"].strip()
        if not name:
            return None
        found = (
            self.fandoms.filter(name=name).first() or self.fandoms.filter(name__iexact=name).first()
        )
        if found is None:
            raise forms.ValidationError(f"There is no fandom named “{name}”.")
        return found.canonical


def _shown_works(viewer: Any) -> WorkQuerySet:
    """The works a creator's pages may list to ``viewer``."""
    return Work.objects.visible_to(viewer).posted().shown_on_creator_pages()


def find_people(viewer: Any, *, name: str = "", fandom: Tag | None = None) -> QuerySet[Pseud]:
    """Pseuds ``viewer`` may find, best matches first."""
    credits = Creatorship.objects.filter(is_approved=True, work__in=_shown_works(viewer))
    pseuds = Pseud.objects.filter(
        Q(user__is_active=True) | Q(user__isnull=True, pk__in=credits.values("pseud_id"))
    ).select_related("user", "icon")
    # The icon's row comes in the same query (a join), without its picture's bytes: the
    # page links each icon at its own address, so no row costs a query of its own.
    pseuds = pseuds.defer("icon__image")
    rank: Any = Value(0)
    if name:
        pseuds = pseuds.filter(Q(name__icontains=name) | Q(user__username__icontains=name))
        rank = Case(
            When(Q(name__istartswith=name) | Q(user__username__istartswith=name), then=0),
            default=1,
            output_field=IntegerField(),
        )
    if fandom is not None:
        # Filter taggings: a work in a synonym or a sub fandom counts as the fandom's.
        in_fandom = credits.filter(work__filter_taggings__tag=fandom)
        pseuds = pseuds.filter(pk__in=in_fandom.values("pseud_id"))
    return pseuds.annotate(rank=rank).order_by("rank", Lower("name"), "pk")


def _what_they_write(viewer: Any, pseuds: list[Pseud]) -> dict[int, tuple[int, list[Tag]]]:
    """pseud id -> (works the viewer may see, their biggest fandoms), in two queries."""
    credits = Creatorship.objects.filter(
        is_approved=True, pseud__in=pseuds, work__in=_shown_works(viewer)
    )
    counts = dict(
        credits.values("pseud_id")
        .annotate(works=Count("work_id", distinct=True))
        .values_list("pseud_id", "works")
    )
    per_fandom = (
        credits.filter(work__tags__type=TagType.FANDOM)
        .values("pseud_id", "work__tags")
        .annotate(works=Count("work_id", distinct=True))
        .order_by("pseud_id", "-works")
    )
    rows = [(r["pseud_id"], r["work__tags"], r["works"]) for r in per_fandom]
    tags = Tag.objects.in_bulk({tag_id for _, tag_id, _ in rows})
    fandoms: dict[int, list[Tag]] = defaultdict(list)
    for pseud_id, tag_id, _ in sorted(rows, key=lambda r: (r[0], -r[2], tags[r[1]].name)):
        if len(fandoms[pseud_id]) < FANDOMS_SHOWN:
            fandoms[pseud_id].append(tags[tag_id])
    return {p.pk: (counts.get(p.pk, 0), fandoms.get(p.pk, [])) for p in pseuds}


@require_safe
def people_search(request: HttpRequest) -> HttpResponse:
    asked = request.GET.copy()
    asked.pop("page", None)
    form = PeopleSearchForm(asked, fandoms=visible_tags(request.user).of_type(TagType.FANDOM))
    if not form.is_valid():
        return render(request, "works/people_search.html", {"form": form, "page": None}, status=400)
    found = find_people(
        request.user, name=form.cleaned_data["name"].strip(), fandom=form.cleaned_data["fandom"]
    )
    paginator = Paginator(found, PEOPLE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    people = list(page.object_list)
    written = _what_they_write(request.user, people)
    context = {
        "form": form,
        "page": page,
        "results": [(pseud, *written[pseud.pk]) for pseud in people],
        "page_numbers": list(paginator.get_elided_page_range(page.number)),
    }
    return render(request, "works/people_search.html", context)
