"""Reader-facing pages of works: the work page and its chapters, series, the adult notice.

Every work is fetched through ``ficshelf.works.access`` (the one visibility rule); these
views only decide which chapters a page shows and which template renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db.models import Min, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.access import preferences_for, reader_context
from ficshelf.accounts.models import User
from ficshelf.core.sequences import unique_in_order
from ficshelf.works.access import (
    get_chapter_for_viewer,
    get_chapters_for_viewer,
    get_muted_work_for_viewer,
    get_series_for_viewer,
    get_work_for_viewer,
    is_creator,
    unrevealed_collections_of,
)
from ficshelf.works.inspiration import RelatedWorks, related_to, source_lines
from ficshelf.works.member_choices import hidden_from_search_engines
from ficshelf.works.models import Chapter, Work
from ficshelf.works.series_actions import manages_series, series_creator_names
from ficshelf.works.signals import work_viewed

# AO3 asks once per visit, not once per work: "Proceed" on one adult work lets the guest
# open the others until the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE).
ADULT_NOTICE_SESSION_KEY = "adult_notice_accepted"


WorkView = Callable[..., HttpResponse]


def says_why_it_is_hidden(view: WorkView) -> WorkView:
    """A work kept from the reader only by their own mute of its creator gets a page that
    says so, with a way to unmute, instead of the 404 that suggests it was deleted (every
    other surface goes on hiding it); one waiting to be revealed in a collection gets AO3's
    "Mystery Work" page naming the collection. Neither page shows anything of the work."""

    @wraps(view)
    def wrapped(request: HttpRequest, work_id: int, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, work_id, **kwargs)
        except Http404:
            muted = get_muted_work_for_viewer(request, work_id)
            if muted is None:
                waiting_in = unrevealed_collections_of(request, work_id)
                if not waiting_in:
                    raise
                context = {**reader_context(request), "collections": waiting_in}
                return render(request, "works/mystery.html", context)
        context = {**reader_context(request), "muted": muted, "here": request.get_full_path()}
        return render(request, "works/muted.html", context)

    return wrapped


@require_safe
def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    """A series: its visible works in part order, with AO3's series stats."""
    series = get_series_for_viewer(request, series_id)
    works = list(
        Work.objects.visible_to(request.user)
        .posted()
        .for_blurbs()
        .filter(series_works__series=series)
        .annotate(part=Min("series_works__position", filter=Q(series_works__series=series)))
        .order_by("part", "pk")
    )
    creators = unique_in_order(
        [
            *(c.pseud.byline for w in works for c in w.creatorships.all()),
            *series_creator_names(series),
        ]
    )
    user = request.user
    context = {
        "can_manage": isinstance(user, User) and manages_series(user, series),
        **reader_context(request),
        "series": series,
        "works": works,
        "creators": creators,
        "word_count": sum(w.word_count for w in works),
        "updated_on": max((w.updated_on for w in works if w.updated_on), default=None),
    }
    return render(request, "works/series.html", context)


@require_safe
@says_why_it_is_hidden
def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    """The work: its first chapter, or every chapter with ``?view_full_work=true`` (AO3's URL).

    A reader whose preferences say "show the whole work" gets every chapter unless the
    address asks for ``?view_full_work=false``.
    """
    work = get_work_for_viewer(request, work_id)
    if _must_see_adult_notice(request, work):
        return _adult_notice(request, work)
    chapters = get_chapters_for_viewer(request, work)
    preference = preferences_for(request)
    asked = request.GET.get("view_full_work")
    wants_full_work = asked == "true" or (
        asked != "false" and preference is not None and preference.view_full_work
    )
    if wants_full_work or len(chapters) <= 1:
        reading = Reading.entire_work(chapters)
    else:
        reading = Reading.one_chapter(chapters, chapters[0])
    return _render_reading(request, work, reading, is_chapter_address=False)


@require_safe
@says_why_it_is_hidden
def chapter_detail(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    chapter = get_chapter_for_viewer(request, work, chapter_id)
    if _must_see_adult_notice(request, work):
        return _adult_notice(request, work)
    chapters = get_chapters_for_viewer(request, work)
    if len(chapters) <= 1:
        reading = Reading.entire_work(chapters)
    else:
        reading = Reading.one_chapter(chapters, chapter)
    return _render_reading(request, work, reading, is_chapter_address=True, opened=chapter)


@require_safe
def chapter_select(request: HttpRequest, work_id: int) -> HttpResponse:
    """Target of the chapter index's select-and-Go form, so it works without JavaScript."""
    work = get_work_for_viewer(request, work_id)
    try:
        chapter_id = int(request.GET.get("selected_id", ""))
    except ValueError:
        return redirect("works:navigate", work_id=work.pk)
    return redirect(get_chapter_for_viewer(request, work, chapter_id))


@require_safe
@says_why_it_is_hidden
def chapter_index(request: HttpRequest, work_id: int) -> HttpResponse:
    """AO3's "Chapter Index" page: every chapter with its date, as links."""
    work = get_work_for_viewer(request, work_id)
    chapters = get_chapters_for_viewer(request, work)
    return render(request, "works/navigate.html", {"work": work, "chapters": chapters})


@require_POST
def proceed_past_adult_notice(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_viewer(request, work_id)
    request.session[ADULT_NOTICE_SESSION_KEY] = True
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect(work)


@dataclass(frozen=True)
class Reading:
    """Which of a work's chapters one page shows, and where its chapter links lead."""

    chapters: list[Chapter]  # every chapter this reader may open, in order
    shown: list[Chapter]
    current: Chapter | None  # None in the entire-work view

    @classmethod
    def entire_work(cls, chapters: list[Chapter]) -> Reading:
        return cls(chapters=chapters, shown=chapters, current=None)

    @classmethod
    def one_chapter(cls, chapters: list[Chapter], chapter: Chapter) -> Reading:
        return cls(chapters=chapters, shown=[chapter], current=chapter)

    @property
    def is_chaptered(self) -> bool:
        return len(self.chapters) > 1

    @property
    def previous_chapter(self) -> Chapter | None:
        index = self._current_index()
        return self.chapters[index - 1] if index is not None and index > 0 else None

    @property
    def next_chapter(self) -> Chapter | None:
        index = self._current_index()
        if index is None or index + 1 >= len(self.chapters):
            return None
        return self.chapters[index + 1]

    @property
    def shows_work_preface(self) -> bool:
        # AO3 shows the work's summary and notes before the first chapter only.
        return self.current is None or self.previous_chapter is None

    @property
    def shows_work_end_notes(self) -> bool:
        # ...and the work's end notes after the last chapter only.
        return self.current is None or self.next_chapter is None

    def _current_index(self) -> int | None:
        if self.current is None:
            return None
        return next(i for i, c in enumerate(self.chapters) if c.pk == self.current.pk)


@dataclass(frozen=True)
class PreviewBar:
    """The bar over and under a preview of an edit or a new chapter: nothing is saved until
    one of its buttons sends the form's fields again (``fields``) to ``action``."""

    action: str
    fields: list[tuple[str, str]]
    message: str
    # (the form's "action" value, the label); the first is the main one.
    buttons: list[tuple[str, str]]


def render_edit_preview(
    request: HttpRequest, work: Work, bar: PreviewBar, *, chapter: Chapter | None = None
) -> str:
    """The work page as the change in ``work`` would show it: ``chapter`` (a new or edited
    chapter) or, for an edit of the work, its first chapter, with ``bar`` above and below.
    The caller rolls the change back; nothing here is counted as a reading."""
    chapters = get_chapters_for_viewer(request, work)
    shown = next((c for c in chapters if chapter is not None and c.pk == chapter.pk), None)
    if shown is None and len(chapters) > 1:
        shown = chapters[0]
    reading = Reading.one_chapter(chapters, shown) if shown else Reading.entire_work(chapters)
    context = {**_reading_context(request, work, reading), "edit_preview": bar}
    return render_to_string("works/detail.html", context, request=request)


def _render_reading(
    request: HttpRequest,
    work: Work,
    reading: Reading,
    *,
    is_chapter_address: bool,
    opened: Chapter | None = None,
) -> HttpResponse:
    """``opened``: the chapter whose own address was asked for (a one-chapter work's
    chapter address shows the whole work, and that chapter is still the reader's place)."""
    # Counted only once the text itself is shown (not for the adult-content notice).
    work_viewed.send(
        sender=Work,
        request=request,
        work=work,
        chapter=reading.current or opened,
        is_chapter_address=is_chapter_address,
    )
    setattr(request, _SHOWN_WORK, work.pk)
    return render(request, "works/detail.html", _reading_context(request, work, reading))


# The request attribute naming the work whose text the response shows.
_SHOWN_WORK = "_ficshelf_shown_work"


def work_shown_by(request: HttpRequest) -> int | None:
    """The work whose text this request's page showed (and counted as a view), if any: a
    kept copy of the page may stand for it (``search.page_cache``), not of a notice."""
    shown: int | None = getattr(request, _SHOWN_WORK, None)
    return shown


def count_kept_view(request: HttpRequest, work_id: int) -> None:
    """A guest was shown a kept copy of the work's page: counted as the page would be."""
    work_viewed.send(sender=Work, request=request, work=Work(pk=work_id), chapter=None)


def _reading_context(request: HttpRequest, work: Work, reading: Reading) -> dict[str, Any]:
    end_notes_url = "#work_endnotes"
    if not reading.shows_work_end_notes:
        end_notes_url = reading.chapters[-1].get_absolute_url() + "#work_endnotes"
    # AO3 lists them at the end of the work, where its end notes are.
    related = (
        related_to(work, request.user)
        if reading.shows_work_end_notes
        else RelatedWorks(inspired=[], translations=[])
    )
    context: dict[str, Any] = {
        **reader_context(request),
        "work": work,
        "reading": reading,
        "chapter": reading.current,
        "end_notes_url": end_notes_url,
        "entire_work_url": reverse("works:detail", args=[work.pk]) + "?view_full_work=true",
        "source_lines": source_lines(work, request.user),
        # A creator asked search engines to pass by (their preferences). Kept copies of
        # this page move with it: saving that choice moves the archive's data state.
        "noindex": hidden_from_search_engines(work),
        "inspired_works": related.inspired,
        # Listed apart from the works inspired by it, each with its language (AO3).
        "translations": related.translations,
        "work_style": WorkStyle.for_reader(request, work),
    }
    return context


@dataclass(frozen=True)
class WorkStyle:
    """Whether the page links the creator's work skin, and the link that turns it off or on.

    A reader turns a creator's style off for one page with ``?style=disable`` (AO3's
    address, which works for guests, whose kept pages are keyed on the whole address) or
    for every work in their preferences; ``?style=creator`` shows it again on one page.
    """

    stylesheet_url: str
    toggle_url: str
    toggle_label: str

    @classmethod
    def for_reader(cls, request: HttpRequest, work: Work) -> WorkStyle | None:
        skin = work.work_skin
        if skin is None or not skin.css:
            return None
        asked = request.GET.get("style")
        preference = preferences_for(request)
        hidden_by_choice = preference is not None and preference.hide_work_skins
        shown = asked == "creator" or (asked != "disable" and not hidden_by_choice)
        query = request.GET.copy()
        query.pop("style", None)
        if shown:
            query["style"] = "disable"
        elif hidden_by_choice:
            query["style"] = "creator"
        encoded = query.urlencode()
        return cls(
            stylesheet_url=skin.stylesheet_url() if shown else "",
            toggle_url=request.path + (f"?{encoded}" if encoded else ""),
            toggle_label="Hide creator's style" if shown else "Show creator's style",
        )


def _must_see_adult_notice(request: HttpRequest, work: Work) -> bool:
    # A work's own creators are never asked (they preview their drafts, too).
    if not work.needs_adult_notice or is_creator(request, work):
        return False
    if request.user.is_authenticated:
        # Members skip the notice only when they chose to in their preferences.
        preference = preferences_for(request)
        if preference is not None and preference.hide_adult_notice:
            return False
    return not request.session.get(ADULT_NOTICE_SESSION_KEY, False)


def _adult_notice(request: HttpRequest, work: Work) -> HttpResponse:
    context = {**reader_context(request), "work": work, "next_url": request.get_full_path()}
    return render(request, "works/adult_notice.html", context)
