"""The works listing: the site's sidebar filters and search box, read by the site's own form
(``search.forms.WorkFilterForm``) and answered by the site's own path
(``search.service.reader_query`` / ``run_reader_query``): the same works, in the same order,
with the same visibility rule, mutes and (when asked) saved exclusions.

Pages are reached by an opaque cursor. Today it carries the page's position and a digest
of the filters it belongs to (so a cursor is not reused with other filters); clients only
pass back what ``next_cursor`` gave them, so the backend may change what it holds.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, QueryDict
from ninja import Field, Schema

from ficshelf.accounts.access import get_user_for_profile
from ficshelf.accounts.models import User
from ficshelf.api.schemas import WorkListing
from ficshelf.api.serialize import Urls, tag_ref, work_summary
from ficshelf.search.exclusions import filter_id_of
from ficshelf.search.forms import (
    EXCLUDE_PARAMS,
    INCLUDE_PARAMS,
    MAX_CHOSEN_TAGS,
    MAX_PAGE,
    WorkFilterForm,
)
from ficshelf.search.page_cache import cached_listing_part
from ficshelf.search.query import FACET_TYPES, WorkQuery
from ficshelf.search.service import WorkPage, reader_query, run_reader_query
from ficshelf.search.views import FACET_LIMIT, WORKS_PER_PAGE
from ficshelf.tags.models import Tag
from ficshelf.works.models import Collection, Series, series_visible_to
from ficshelf.works.tag_access import visible_among

Sort = Literal[
    "best_match",
    "creator",
    "title",
    "posted",
    "updated",
    "words",
    "hits",
    "kudos",
    "comments",
    "bookmarks",
]


TagId = Annotated[int, Field(ge=1, le=2**62)]


class BadQuery(Exception):
    """A filter the listing cannot use; ``messages`` say which and why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class WorkFilters(Schema):
    """The site's "Sort and Filter" sidebar and search box, by the same names."""

    q: str | None = Field(None, description="The search box: words, tag:, words:>1000, …")
    sort: Sort | None = None
    order: Literal["asc", "desc"] | None = None
    other_tags: str | None = Field(None, description="Tag names to include, comma-separated.")
    other_exclude_tags: str | None = Field(None, description="Tag names to exclude.")
    crossover: Literal["include", "exclude", "only"] | None = None
    complete: Literal["complete", "in_progress"] | None = None
    words_from: int | None = Field(None, ge=0, le=10**9)
    words_to: int | None = Field(None, ge=0, le=10**9)
    updated_from: datetime.date | None = None
    updated_to: datetime.date | None = None
    language: str | None = Field(None, description="A language's short code: en, zh, …")
    include_rating: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_warning: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_category: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_fandom: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_relationship: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_character: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    include_freeform: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_rating: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_warning: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_category: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_fandom: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_relationship: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_character: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    exclude_freeform: list[TagId] = Field(default_factory=list, max_length=MAX_CHOSEN_TAGS)
    # The scopes of the site's listings: /tags/X/works, /users/X/works, /series/N/works, …
    tag_id: int | None = Field(None, ge=1, le=2**62, description="Works in this tag.")
    username: str | None = Field(None, max_length=150, description="Works by this member.")
    series_id: int | None = Field(None, ge=1, le=2**62)
    collection: str | None = Field(None, max_length=255, description="A collection's name.")
    with_exclusions: bool = Field(
        False, description="Leave out what the member's saved exclusions leave out."
    )
    facets: bool = Field(False, description="Count the most frequent tags of each type.")
    cursor: str | None = Field(None, max_length=200)


def form_data(filters: WorkFilters) -> QueryDict:
    """The filters as the sidebar's GET parameters."""
    data = QueryDict(mutable=True)
    for name in (
        "q",
        "sort",
        "order",
        "other_tags",
        "other_exclude_tags",
        "crossover",
        "complete",
        "words_from",
        "words_to",
        "updated_from",
        "updated_to",
        "language",
    ):
        value = getattr(filters, name)
        if value is not None:
            data[name] = str(value)
    for params in (INCLUDE_PARAMS, EXCLUDE_PARAMS):
        for name in params.values():
            data.setlist(name, [str(v) for v in getattr(filters, name)])
    return data


def listing_json(request: HttpRequest, filters: WorkFilters) -> str:
    """The listing as JSON text (a ``schemas.WorkListing``), kept as the HTML listing's part
    is kept (``search.page_cache.cached_listing_part``: under the index's state, the
    address, the widened query and the reader's exclusions and preferences), so readers who
    would see the same are given the same text without asking the backend again."""
    user = request.user
    data = form_data(filters)
    digest = _digest(filters)
    data["page"] = str(_page_of(filters.cursor, digest))
    form = WorkFilterForm(data, user=user)
    if not form.is_valid():
        raise BadQuery(
            [
                f"{field}: {' '.join(str(e) for e in errors)}"
                for field, errors in form.errors.items()
            ]
        )
    query = form.to_query(_scope(filters, user))
    asked = reader_query(
        user,
        dataclasses.replace(query, facet_limit=FACET_LIMIT if filters.facets else 0),
        apply_exclusions=filters.with_exclusions,
    )

    def build() -> tuple[str, bool]:
        found = run_reader_query(asked)
        answer = WorkListing.model_validate(_answer(found, form.notices, digest, filters.facets))
        # As the HTML listing: a page showing a hidden work (none should) is its reader's.
        shareable = not any(work.is_hidden_by_admin for work in found.works)
        return answer.model_dump_json(), shareable

    return str(cached_listing_part(request, asked, build))


def _answer(found: WorkPage, notices: list[str], digest: str, facets: bool) -> dict[str, Any]:
    urls = Urls()
    more = found.page < found.page_count and found.total > 0
    return {
        "works": [work_summary(work, urls) for work in found.works],
        "total": found.total,
        "next_cursor": _cursor(found.page + 1, digest) if more else None,
        "notices": list(notices),
        "facets": (
            {
                tag_type: [
                    {"tag": tag_ref(entry.tag, urls), "count": entry.count}
                    for entry in found.facets.get(tag_type, [])
                ]
                for tag_type in FACET_TYPES
            }
            if facets
            else None
        ),
        "facets_are_estimates": found.facets_are_estimates,
    }


def _scope(filters: WorkFilters, user: User | AnonymousUser) -> WorkQuery:
    """What the site's scoped listings fix, looked up as they look it up: an unknown or
    hidden tag, member, series or collection answers 404, as the page would."""
    base = WorkQuery(per_page=WORKS_PER_PAGE)
    fields: dict[str, Any] = {}
    if filters.tag_id is not None:
        tags = visible_among(Tag.objects.filter(pk=filters.tag_id), user)
        if not tags:
            raise Http404("No such tag.")
        fields["all_tag_ids"] = frozenset({filter_id_of(tags[0])})
    if filters.username is not None:
        fields["creator_user_id"] = get_user_for_profile(filters.username).pk
    if filters.series_id is not None:
        visible = Series.objects.filter(series_visible_to(user, "pk"), pk=filters.series_id)
        if not visible.exists():
            raise Http404("No such series.")
        fields["series_id"] = filters.series_id
    if filters.collection is not None:
        found = Collection.objects.filter(name=filters.collection).values_list("pk", flat=True)
        if not found:
            raise Http404("No such collection.")
        fields["collection_id"] = found[0]
    return dataclasses.replace(base, **fields)


def _digest(filters: WorkFilters) -> str:
    """What a cursor belongs to: every filter but the cursor itself."""
    shown = filters.model_dump(exclude={"cursor", "facets"})
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _cursor(page: int, digest: str) -> str:
    raw = json.dumps({"p": page, "f": digest}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _page_of(cursor: str | None, digest: str) -> int:
    if not cursor:
        return 1
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found: Mapping[str, Any] = json.loads(raw)
        page, belongs_to = found["p"], found["f"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BadQuery(["cursor: That is not a cursor this listing gave."]) from None
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise BadQuery(["cursor: That is not a cursor this listing gave."])
    if belongs_to != digest:
        raise BadQuery(["cursor: That cursor belongs to other filters."])
    return page
