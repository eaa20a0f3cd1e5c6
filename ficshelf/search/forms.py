"""The works listings' filter sidebar: GET parameters in, a ``WorkQuery`` out.

All of a listing's state lives in its address, so a filtered listing can be bookmarked and
shared. A bad value never costs the reader the page: the field is reported in the sidebar
and the listing is filtered by the fields that were fine.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString

from ficshelf.accounts.models import User
from ficshelf.core.forms import SingleLineField
from ficshelf.core.process_cache import cached_value
from ficshelf.search.exclusions import filter_id_of, split_names, tags_named
from ficshelf.search.query import (
    FACET_TYPES,
    SORT_LABELS,
    Crossover,
    DateRange,
    IntRange,
    Sort,
    WorkQuery,
)
from ficshelf.search.query_language import ParsedSearch, describe, parse_search
from ficshelf.search.tag_conditions import TagSearch, look_up_tag_conditions
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Language
from ficshelf.works.tag_access import visible_among

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# The sidebar's groups of tags, in AO3's order, and their headings.
FACET_LABELS = {
    TagType.RATING: "Ratings",
    TagType.WARNING: "Warnings",
    TagType.CATEGORY: "Categories",
    TagType.FANDOM: "Fandoms",
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}
# Tags to include or exclude, per type, as readable parameters: ?include_fandom=12.
INCLUDE_PARAMS = {tag_type: f"include_{tag_type}" for tag_type in FACET_TYPES}
EXCLUDE_PARAMS = {tag_type: f"exclude_{tag_type}" for tag_type in FACET_TYPES}
# A reader can tick many boxes, not thousands.
MAX_CHOSEN_TAGS = 100
MAX_OTHER_TAG_NAMES = 50
MAX_PAGE = 10**7
LANGUAGE_CHOICES_SECONDS = 60

# Sorts that read naturally from A to Z: descending is the default for the others.
_ASCENDING_BY_DEFAULT = {Sort.TITLE, Sort.CREATOR}


class TagIdsField(forms.Field):
    """Tag ids from repeated parameters (``?include_fandom=3&include_fandom=9``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_CHOSEN_TAGS:
            raise forms.ValidationError(f"At most {MAX_CHOSEN_TAGS} tags, please.")
        ids: list[int] = []
        for item in values:
            try:
                number = int(str(item))
            except ValueError:
                raise forms.ValidationError("That is not a tag this listing knows.") from None
            if number <= 0 or number > 2**62:
                raise forms.ValidationError("That is not a tag this listing knows.")
            if number not in ids:
                ids.append(number)
        return ids


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _language_choices() -> list[tuple[str, str]]:
    # Asked on every listing, changed by an admin now and then: a new language joins the
    # menu within the minute.
    languages = cached_value(
        "search:language-choices",
        lambda: list(Language.objects.values_list("short", "name")),
        seconds=LANGUAGE_CHOICES_SECONDS,
    )
    return [("", "Any language"), *languages]


RENDERED_LANGUAGE_SELECTS = 64
_rendered_language_selects: dict[tuple[Any, ...], SafeString] = {}


def tags_with_ids(ids: Iterable[int]) -> list[Tag]:
    return list(Tag.objects.filter(pk__in=list(ids)))


class WorkFilterForm(forms.Form):
    """AO3's "Sort and Filter" sidebar. Bind it to ``request.GET``."""

    sort = forms.ChoiceField(
        required=False,
        choices=[(sort.value, label) for sort, label in SORT_LABELS.items()],
        label="Sort by",
    )
    order = forms.ChoiceField(
        required=False,
        choices=[("desc", "Descending"), ("asc", "Ascending")],
        label="Order",
    )
    q = SingleLineField(required=False, max_length=1000, label="Search within results")
    other_tags = SingleLineField(
        required=False,
        max_length=5000,
        label="Other tags to include",
        help_text="Tag names, separated by commas.",
    )
    other_exclude_tags = SingleLineField(
        required=False,
        max_length=5000,
        label="Other tags to exclude",
        help_text="Tag names, separated by commas.",
    )
    crossover = forms.ChoiceField(
        required=False,
        choices=[
            (Crossover.INCLUDE.value, "Include crossovers"),
            (Crossover.EXCLUDE.value, "Exclude crossovers"),
            (Crossover.ONLY.value, "Only crossovers"),
        ],
        widget=forms.RadioSelect,
        label="Crossovers",
    )
    complete = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All works"),
            ("complete", "Complete works only"),
            ("in_progress", "Works in progress only"),
        ],
        widget=forms.RadioSelect,
        label="Completion status",
    )
    words_from = forms.IntegerField(required=False, min_value=0, max_value=10**9, label="From")
    words_to = forms.IntegerField(required=False, min_value=0, max_value=10**9, label="To")
    updated_from = forms.DateField(required=False, widget=DateInput(), label="From")
    updated_to = forms.DateField(required=False, widget=DateInput(), label="To")
    language = forms.ChoiceField(required=False, label="Language")
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    facet_more = forms.ChoiceField(
        required=False, choices=[("", "")] + [(t, t) for t in FACET_TYPES]
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        user: User | AnonymousUser | None = None,
        fixed_language: Language | None = None,
        today: datetime.date | None = None,
        find_tags: Callable[[set[int]], list[Tag]] = tags_with_ids,
        **kwargs: Any,
    ) -> None:
        """``find_tags``: the tags with these ids (a listing keeps the answer)."""
        super().__init__(data, **kwargs)
        self.find_tags = find_tags
        for tag_type in FACET_TYPES:
            self.fields[INCLUDE_PARAMS[tag_type]] = TagIdsField(required=False)
            self.fields[EXCLUDE_PARAMS[tag_type]] = TagIdsField(required=False)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        self.language_choices = _language_choices()
        language.choices = self.language_choices
        self.user = user
        self.fixed_language = fixed_language
        self.today = today or timezone.localdate()
        # What the reader should know but that is no error: unknown tag names, words the
        # search box guessed at.
        self.notices: list[str] = []
        self.parsed: ParsedSearch | None = None
        self.tag_search = TagSearch()
        # Tags chosen in the boxes, per type, resolved once in clean().
        self.included: dict[str, list[Tag]] = {t: [] for t in FACET_TYPES}
        self.excluded: dict[str, list[Tag]] = {t: [] for t in FACET_TYPES}
        self.other_included: list[Tag] = []
        self.other_excluded: list[Tag] = []

    def language_select(self) -> SafeString:
        """The language menu's ``<select>``: the same few dozen options on every listing,
        rendered by Django's widget templates in about 3 ms; kept in this process under
        everything the markup shows (the choices, the value chosen, whether it is wrong)."""
        bound = self["language"]
        key = (tuple(self.language_choices), str(bound.value()), tuple(bound.errors))
        html = _rendered_language_selects.get(key)
        if html is None:
            if len(_rendered_language_selects) >= RENDERED_LANGUAGE_SELECTS:
                _rendered_language_selects.clear()  # a reader making up values: start over
            html = _rendered_language_selects[key] = SafeString(str(bound))
        return html

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._resolve_chosen_tags(data)
        self.other_included = self._named_tags(data.get("other_tags") or "", "include")
        self.other_excluded = self._named_tags(data.get("other_exclude_tags") or "", "exclude")
        words_from, words_to = data.get("words_from"), data.get("words_to")
        if words_from is not None and words_to is not None and words_from > words_to:
            self.add_error("words_to", "The largest word count must not be below the smallest.")
        updated_from, updated_to = data.get("updated_from"), data.get("updated_to")
        if updated_from and updated_to and updated_from > updated_to:
            self.add_error("updated_to", "The last date must not be before the first.")
        text = (data.get("q") or "").strip()
        if text:
            self.parsed = parse_search(text, today=self.today)
            self.notices.extend(self.parsed.notices)
            self.tag_search = look_up_tag_conditions(self.parsed.tags, self.user)
            self.notices.extend(self.tag_search.notices)
        return data

    def _resolve_chosen_tags(self, data: dict[str, Any]) -> None:
        wanted: set[int] = set()
        for tag_type in FACET_TYPES:
            wanted.update(data.get(INCLUDE_PARAMS[tag_type]) or [])
            wanted.update(data.get(EXCLUDE_PARAMS[tag_type]) or [])
        # Only tags the reader could know of: an id must not reveal a draft's tag's name.
        tags: dict[int, Tag] = {}
        if wanted:
            asked = self.find_tags(wanted)
            tags = {tag.pk: tag for tag in visible_among(asked, self.user)}
        for tag_type in FACET_TYPES:
            for params, chosen in (
                (INCLUDE_PARAMS, self.included),
                (EXCLUDE_PARAMS, self.excluded),
            ):
                name = params[tag_type]
                ids = data.get(name) or []
                found = [tags[i] for i in ids if i in tags and tags[i].type == tag_type]
                if len(found) < len(ids):
                    self.add_error(name, "Some of the chosen tags no longer exist.")
                chosen[tag_type] = found

    def _named_tags(self, text: str, verb: str) -> list[Tag]:
        names = split_names(text)[:MAX_OTHER_TAG_NAMES]
        tags, unknown = tags_named(names, self.user)
        for name in unknown:
            self.notices.append(f"No tag is called “{name}”, so it was not used to {verb} works.")
        return tags

    # --- What the reader asked for -------------------------------------------------------

    @property
    def valid_data(self) -> dict[str, Any]:
        """The fields that passed, whatever happened to the others (call ``is_valid`` first)."""
        return getattr(self, "cleaned_data", {})

    @property
    def chosen_sort(self) -> Sort:
        value = self.valid_data.get("sort")
        if value:
            return Sort(value)
        return Sort.BEST_MATCH

    @property
    def ascending(self) -> bool:
        value = self.valid_data.get("order")
        if value:
            return bool(value == "asc")
        return self.chosen_sort in _ASCENDING_BY_DEFAULT

    @property
    def page_number(self) -> int:
        return int(self.valid_data.get("page") or 1)

    @property
    def expanded_facet(self) -> str:
        return str(self.valid_data.get("facet_more") or "")

    @property
    def included_tags(self) -> list[Tag]:
        """Every tag the reader asked for, ticked or typed (for the "filtered by" line)."""
        return _unique([*(t for ts in self.included.values() for t in ts), *self.other_included])

    @property
    def excluded_tags(self) -> list[Tag]:
        return _unique([*(t for ts in self.excluded.values() for t in ts), *self.other_excluded])

    @property
    def search_description(self) -> str:
        return describe(self.parsed) if self.parsed is not None else ""

    def to_query(self, base: WorkQuery) -> WorkQuery:
        """``base`` (the listing's scope) narrowed by every field that was valid."""
        self.is_valid()
        data = self.valid_data
        all_ids = set(base.all_tag_ids)
        none_ids = set(base.none_tag_ids)
        rating_ids = set(base.any_rating_ids)
        for tag_type in FACET_TYPES:
            chosen = {tag.pk for tag in self.included[tag_type]}
            if tag_type == TagType.RATING:
                rating_ids |= chosen  # a work has one rating: ticking two means either
            else:
                all_ids |= chosen
            none_ids |= {tag.pk for tag in self.excluded[tag_type]}
        all_ids |= {filter_id_of(tag) for tag in self.other_included}
        none_ids |= {filter_id_of(tag) for tag in self.other_excluded}

        words = base.words
        if data.get("words_from") is not None or data.get("words_to") is not None:
            words = _narrow_ints(words, IntRange(data.get("words_from"), data.get("words_to")))
        updated = base.updated
        if data.get("updated_from") or data.get("updated_to"):
            updated = _narrow_dates(
                updated, DateRange(data.get("updated_from"), data.get("updated_to"))
            )
        query = dataclasses.replace(
            base,
            all_tag_ids=frozenset(all_ids),
            none_tag_ids=frozenset(none_ids),
            any_rating_ids=frozenset(rating_ids),
            words=words,
            updated=updated,
            sort=self.chosen_sort,
            descending=not self.ascending,
            page=self.page_number,
        )
        crossover = data.get("crossover")
        if crossover:
            query = dataclasses.replace(query, crossover=Crossover(crossover))
        complete = data.get("complete")
        if complete:
            query = dataclasses.replace(query, is_complete=complete == "complete")
        language = data.get("language")
        if self.fixed_language is None and language:
            language_id = Language.objects.filter(short=language).values_list("pk", flat=True)
            query = dataclasses.replace(query, language_id=language_id.first())
        if self.parsed is not None:
            query = _with_search(query, self.parsed, self.tag_search)
        return query

    def facet_groups(
        self, facets: Mapping[str, list[Any]], *, limit: int, more_limit: int
    ) -> list[FacetGroup]:
        """The sidebar's tag lists: the result set's most frequent tags of each type with
        their counts, and the tags the reader chose (which may no longer be counted: an
        excluded tag has no works left)."""
        groups = []
        for tag_type in FACET_TYPES:
            shown = more_limit if self.expanded_facet == tag_type else limit
            entries = list(facets.get(tag_type, []))
            choices = [
                FacetChoice(
                    tag=e.tag,
                    count=e.count,
                    is_included=e.tag in self.included[tag_type],
                    is_excluded=e.tag in self.excluded[tag_type],
                )
                for e in entries[:shown]
            ]
            counted = {c.tag.pk for c in choices}
            for tag in [*self.included[tag_type], *self.excluded[tag_type]]:
                if tag.pk not in counted:
                    counted.add(tag.pk)
                    choices.append(
                        FacetChoice(
                            tag=tag,
                            count=None,
                            is_included=tag in self.included[tag_type],
                            is_excluded=tag in self.excluded[tag_type],
                        )
                    )
            groups.append(
                FacetGroup(
                    type=tag_type,
                    label=FACET_LABELS[TagType(tag_type)],
                    include_param=INCLUDE_PARAMS[tag_type],
                    exclude_param=EXCLUDE_PARAMS[tag_type],
                    choices=choices,
                    has_more=len(entries) > shown,
                    is_expanded=self.expanded_facet == tag_type,
                )
            )
        return groups


@dataclass(frozen=True)
class FacetChoice:
    tag: Tag
    count: int | None  # None: chosen by the reader, not among the counted tags
    is_included: bool
    is_excluded: bool


@dataclass(frozen=True)
class FacetGroup:
    type: str
    label: str
    include_param: str
    exclude_param: str
    choices: list[FacetChoice]
    has_more: bool
    is_expanded: bool

    @property
    def has_included(self) -> bool:
        return any(c.is_included for c in self.choices)

    @property
    def has_excluded(self) -> bool:
        return any(c.is_excluded for c in self.choices)


def _unique(tags: list[Tag]) -> list[Tag]:
    found: dict[int, Tag] = {}
    for tag in tags:
        found.setdefault(tag.pk, tag)
    return list(found.values())


def _with_search(query: WorkQuery, parsed: ParsedSearch, tags: TagSearch) -> WorkQuery:
    """The search box's words, its inline ranges and its tags, narrowing the sidebar's."""
    return dataclasses.replace(
        tags.narrowing(query),
        text=tags.text_beside(parsed.text),
        words=_narrow_ints(query.words, parsed.words),
        kudos=_narrow_ints(query.kudos, parsed.kudos),
        hits=_narrow_ints(query.hits, parsed.hits),
        comments=_narrow_ints(query.comments, parsed.comments),
        bookmarks=_narrow_ints(query.bookmarks, parsed.bookmarks),
        updated=_narrow_dates(query.updated, parsed.updated),
        posted=_narrow_dates(query.posted, parsed.posted),
    )


def _narrow_ints(first: IntRange, second: IntRange) -> IntRange:
    lows = [v for v in (first.low, second.low) if v is not None]
    highs = [v for v in (first.high, second.high) if v is not None]
    return IntRange(max(lows) if lows else None, min(highs) if highs else None)


def _narrow_dates(first: DateRange, second: DateRange) -> DateRange:
    sinces = [v for v in (first.since, second.since) if v is not None]
    untils = [v for v in (first.until, second.until) if v is not None]
    return DateRange(max(sinces) if sinces else None, min(untils) if untils else None)
