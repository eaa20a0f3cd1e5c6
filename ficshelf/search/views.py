"""Works listings (the archive, a tag, a creator, a series, a collection, a language), the
search page, and the saved-exclusions page.

Every listing is the same view over a different scope: the scope fixes part of the
``WorkQuery`` and the heading, the sidebar form (``search.forms``) adds the reader's filters,
and ``search.service.find_works`` applies exclusions, mutes and the visibility rule (here in
its two halves, ``reader_query`` and ``run_reader_query``, so that ``search.page_cache`` can
key the kept listing part on the widened query before the backend is asked).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_safe

from ficshelf.accounts.access import get_user_for_profile, reader_context
from ficshelf.search.backends.base import SearchUnavailable
from ficshelf.search.documents import plain_text
from ficshelf.search.exclusions import (
    ExclusionForm,
    exclusions_for,
    filter_id_of,
    save_exclusions,
)
from ficshelf.search.facet_html import EXCLUDE, INCLUDE, facet_groups_html
from ficshelf.search.forms import WorkFilterForm, tags_with_ids
from ficshelf.search.page_cache import (
    cache_page_for_guests,
    cached_listing_part,
    cached_while_unchanged,
)
from ficshelf.search.query import SORT_LABELS, TextNode, WorkQuery
from ficshelf.search.service import ReaderQuery, reader_query, run_reader_query
from ficshelf.search.snippets import make_snippets
from ficshelf.tags.access import tags_called_exactly
from ficshelf.tags.models import Tag
from ficshelf.works.access import get_series_for_viewer
from ficshelf.works.member_choices import member_hidden_from_search_engines
from ficshelf.works.models import Chapter, Collection, Language, Work
from ficshelf.works.tag_access import get_tag_for_viewer

WORKS_PER_PAGE = 20
# Tags per type in the sidebar, and with "more" (AO3 stops at ten and offers nothing more).
FACET_LIMIT = 10
FACET_MORE_LIMIT = 100
SNIPPETS_PER_WORK = 3


@dataclass(frozen=True)
class Scope:
    """What a listing is a listing of."""

    base: WorkQuery
    # "in Harry Potter", "by lunafan": completes "1 – 20 of 345 Works ..." (empty: the archive)
    heading_words: str = ""
    name: str = ""  # the scope's own name, linked in the heading
    name_url: str = ""
    fixed_language: Language | None = None
    is_search: bool = False
    # The Atom feed of the same works (tag, creator and series listings have one).
    feed_url: str = ""
    feed_title: str = ""
    # The creator asked search engines not to index their pages (``works.member_choices``).
    noindex: bool = False
    # A member's works: their profile's tabs above the listing (``works/_profile_tabs.html``).
    member_tabs_of: str = ""


def tag_works_url(tag: Tag) -> str:
    """The works listing of a tag (the ``tagname`` converter escapes the name, as AO3)."""
    return reverse("search:tag_works", kwargs={"tag": tag.name})


# --- The listings ----------------------------------------------------------------------------


@require_safe
@cache_page_for_guests
def archive_works(request: HttpRequest) -> HttpResponse:
    return _render_listing(request, Scope(base=_base()))


@require_safe
@cache_page_for_guests
def tag_works(request: HttpRequest, tag: str) -> HttpResponse:
    """``tag`` is the tag's name (the ``tagname`` converter undid AO3's escapes)."""
    rows = cached_while_unchanged(request, "tag-named", tag, lambda: tags_called_exactly(tag))
    found = get_tag_for_viewer(request, tag, found=rows)
    if found.merger is not None and found.merger.pk != found.pk:
        # AO3 sends a synonym's listing to its canonical's, keeping the filters.
        return _redirect_keeping_query(request, tag_works_url(found.merger))
    scope = Scope(
        base=_base(all_tag_ids=frozenset({filter_id_of(found)})),
        heading_words="in",
        name=found.name,
        name_url=reverse("tags:show", kwargs={"tag": found.name}),
        feed_url=reverse("feeds:tag", args=[found.pk]),
        feed_title=f"works tagged {found.name}",
    )
    return _render_listing(request, scope)


@require_safe
@cache_page_for_guests
def user_works(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    scope = Scope(
        base=_base(creator_user_id=member.pk),
        heading_words="by",
        name=member.username,
        name_url=reverse("users:profile", args=[member.username]),
        feed_url=reverse("feeds:creator", args=[member.username]),
        feed_title=f"works by {member.username}",
        noindex=member_hidden_from_search_engines(member),
        member_tabs_of=member.username,
    )
    return _render_listing(request, scope)


@require_safe
@cache_page_for_guests
def series_works(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_viewer(request, series_id)
    scope = Scope(
        base=_base(series_id=series.pk),
        heading_words="in",
        name=series.title,
        name_url=reverse("works:series", args=[series.pk]),
        feed_url=reverse("feeds:series", args=[series.pk]),
        feed_title=f"the series {series.title}",
    )
    return _render_listing(request, scope)


@require_safe
@cache_page_for_guests
def collection_works(request: HttpRequest, name: str) -> HttpResponse:
    collection = get_object_or_404(Collection, name=name)
    scope = Scope(
        base=_base(collection_id=collection.pk),
        heading_words="in",
        name=collection.title,
        name_url=reverse("collections:profile", args=[collection.name]),
    )
    return _render_listing(request, scope)


@require_safe
@cache_page_for_guests
def language_works(request: HttpRequest, short: str) -> HttpResponse:
    language = get_object_or_404(Language, short=short)
    scope = Scope(
        base=_base(language_id=language.pk),
        heading_words="in",
        name=language.name,
        fixed_language=language,
    )
    return _render_listing(request, scope)


@require_safe
@cache_page_for_guests
def search(request: HttpRequest) -> HttpResponse:
    """The search box and its results, with the words marked in pieces of the text."""
    return _render_listing(request, Scope(base=_base(), is_search=True))


def _base(**fields: object) -> WorkQuery:
    return dataclasses.replace(WorkQuery(per_page=WORKS_PER_PAGE), **fields)  # type: ignore[arg-type]


def _redirect_keeping_query(request: HttpRequest, url: str) -> HttpResponseRedirect:
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _render_listing(request: HttpRequest, scope: Scope) -> HttpResponse:
    form = WorkFilterForm(
        request.GET,
        user=request.user,
        fixed_language=scope.fixed_language,
        find_tags=lambda ids: _cached_tags_with_ids(request, ids),
    )
    form.is_valid()
    if scope.is_search and form.parsed is None:
        # Nothing typed yet: the box and its help, not the whole archive again.
        context = {**reader_context(request), "scope": scope, "form": form}
        return render(request, "search/search.html", context)
    query = form.to_query(scope.base)
    more = form.expanded_facet
    # One more than shown tells whether there are more to offer.
    limit = (FACET_MORE_LIMIT if more else FACET_LIMIT) + 1
    asked = reader_query(request, dataclasses.replace(query, facet_limit=limit))
    try:
        part = cached_listing_part(
            request, asked, lambda: _render_listing_part(request, scope, form, asked)
        )
    except SearchUnavailable:
        return render(request, "search/unavailable.html", {**reader_context(request)}, status=503)
    for message in form.notices:
        messages.info(request, message)
    context = {**reader_context(request), "scope": scope, "form": form, "listing_part": part}
    return render(request, "search/listing.html", context)


def _cached_tags_with_ids(request: HttpRequest, ids: set[int]) -> list[Tag]:
    """The tags chosen in a listing's filters: the same ids on nearly every request."""
    return cached_while_unchanged(
        request, "tags-by-id", repr(sorted(ids)), lambda: tags_with_ids(ids)
    )


def _render_listing_part(
    request: HttpRequest, scope: Scope, form: WorkFilterForm, asked: ReaderQuery
) -> tuple[SafeString, bool]:
    """The results, pagination and sidebar, and whether other readers may be given them."""
    page = run_reader_query(asked, only_blurbs=True)
    if scope.is_search and page.query.text is not None:
        _attach_snippets(page.works, page.query.text)
    # The page numbers come from the total alone: no cap on how deep a reader may page.
    paginator = Paginator(range(page.total), WORKS_PER_PAGE)
    groups = form.facet_groups(page.facets, limit=FACET_LIMIT, more_limit=FACET_MORE_LIMIT)
    context = {
        **reader_context(request),
        "scope": scope,
        "form": form,
        "results": page,
        "works": page.works,
        "paginator": paginator,
        "page_numbers": list(paginator.get_elided_page_range(min(page.page, paginator.num_pages))),
        "is_past_the_end": page.total and page.page > page.page_count,
        "include_facets_html": facet_groups_html(
            groups, mode=INCLUDE, query=request.GET, are_estimates=page.facets_are_estimates
        ),
        "exclude_facets_html": facet_groups_html(
            groups, mode=EXCLUDE, query=request.GET, are_estimates=page.facets_are_estimates
        ),
        "sort_choices": [(sort.value, label) for sort, label in SORT_LABELS.items()],
        "current_sort": page.query.effective_sort.value,
        "is_ascending": form.ascending,
        "search_description": form.search_description,
        "exclusions": page.exclusions,
    }
    html = SafeString(render_to_string("search/_listing_part.html", context, request=request))
    # Only its creators and admins may see a hidden work: a page showing one (none should,
    # see ``cached_listing_part``) is theirs alone.
    shareable = not any(work.is_withheld for work in page.works)
    return html, shareable


def _attach_snippets(works: list[Work], node: TextNode) -> None:
    """Pieces of each shown work's posted chapters around the words searched for."""
    if not works:
        return
    chapter_html: dict[int, list[str]] = defaultdict(list)
    chapters = Chapter.objects.filter(work__in=works, is_posted=True).order_by(
        "work_id", "position"
    )
    for work_id, text in chapters.values_list("work_id", "text"):
        chapter_html[work_id].append(text)
    for work in works:
        # Chapters are made plain only as far as the snippets read (common words stop early).
        texts = (plain_text(html) for html in chapter_html.get(work.pk, []))
        snippets = make_snippets(texts, node, max_snippets=SNIPPETS_PER_WORK)
        html: list[SafeString] = [snippet.to_html() for snippet in snippets]
        work.search_snippets = html  # type: ignore[attr-defined]


# --- Saved exclusions ------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def exclusions(request: HttpRequest) -> HttpResponse:
    current = exclusions_for(request)
    if request.method == "POST":
        form = ExclusionForm(request.POST, user=request.user)
        if form.is_valid():
            save_exclusions(request, form.exclusions())
            messages.success(
                request, "Your exclusions are saved. Every listing now leaves those works out."
            )
            return redirect("search:exclusions")
    else:
        form = ExclusionForm.for_exclusions(current, request.user)
    context = {**reader_context(request), "form": form, "exclusions": current}
    return render(request, "search/exclusions.html", context)
