"""A work's blurb (the summary card of every listing, search result, bookmark list, history,
dashboard and profile) as HTML, built in Python rather than by a template with its includes:
Django's template engine took about 0.9 ms a blurb, this about 0.27 ms (twenty cold blurbs
18.7-19.3 -> 5.2-5.6 ms, 2,000-work data). Blurbs are kept rendered (``works.kept_blurbs``),
so this runs for the blurbs nobody was shown lately, and for every blurb with search snippets.

It writes what the former ``works/_blurb.html`` wrote, whitespace between tags aside.
Everything shown is escaped here (``escape``) except the summary, which is stored sanitized
(the template showed it ``|safe``), and the search snippets, which the search escapes and
marks safe itself. Per blurb, the URLs are filled into patterns reversed once per page and
the date is written without Django's date formatter (which parses its format on every call).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, escape
from django.utils.http import RFC3986_SUBDELIMS

from ficshelf.accounts import models as account_models
from ficshelf.tags import models as tag_models
from ficshelf.tags import naming
from ficshelf.tags.models import TagType
from ficshelf.tags.templatetags import tag_urls
from ficshelf.tags.templatetags.tag_urls import tag_link
from ficshelf.works import display
from ficshelf.works import models as work_models
from ficshelf.works.display import credited_pseuds, media_kinds, thousands

if TYPE_CHECKING:
    from ficshelf.accounts.models import Preference, Pseud
    from ficshelf.tags.models import Tag
    from ficshelf.works.models import SeriesWork, Work

    TagsByType = Mapping[str, list[Tag]]

# Stands for an id or a username in URLs reversed once per page.
_PLACEHOLDER = "918273645546372819"
# What ``reverse()`` leaves unquoted in a path (RFC 3986's pchar), so a filled-in username
# is quoted as ``reverse()`` would quote it.
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"

# The blurb's tag line: warnings first so a reader meets them before anything else.
_BLURB_TAG_ORDER = [TagType.WARNING, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM]

_RATING_SYMBOLS = {
    "General Audiences": ("G", "general-audiences"),
    "Teen And Up Audiences": ("T", "teen"),
    "Mature": ("M", "mature"),
    "Explicit": ("E", "explicit"),
    "Not Rated": ("NR", "not-rated"),
}
# Warnings that are not themselves a warning of content get their own symbols.
_NO_WARNINGS = "No Archive Warnings Apply"
_CHOSE_NOT_TO_WARN = "Creator Chose Not To Use Archive Warnings"
_WARNINGS_HIDDEN = "Archive warnings (hidden by your preferences)"


def code_modules() -> list[ModuleType]:
    """The modules whose code decides what a blurb looks like: this one and those it calls
    (kept blurbs are keyed on their text, so a new release never serves an old rendering;
    a test checks every module this one takes names from is here)."""
    return [
        sys.modules[__name__],
        display,
        tag_urls,
        naming,
        tag_models,  # the types' names, as CSS classes
        work_models,  # chapter_count_display, tags_of_type
        account_models,  # Pseud.byline
    ]


class BlurbLinks:
    """What the blurbs of one page link to, made once per page (under the request's script
    prefix): URLs filled into patterns reversed once, and each tag's link made once (the
    twenty blurbs of a fandom's listing link some 370 tags, 200 of them different)."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str] | None] = {}
        self._tag_links: dict[str, str] = {}

    def tag_link(self, tag: Tag) -> str:
        link = self._tag_links.get(tag.name)
        if link is None:
            link = self._tag_links[tag.name] = tag_link(tag)
        return link

    def work_url(self, work_id: int) -> str:
        return self._with_id("works:detail", work_id)

    def series_url(self, series_id: int) -> str:
        return self._with_id("works:series", series_id)

    def external_creator_url(self, pseud_id: int) -> str:
        return self._with_id("works:external_creator", pseud_id)

    def profile_url(self, username: str) -> str:
        pattern = self._pattern("users:profile")
        if pattern is None or not username or "/" in username:
            # Not a name the pattern takes as it is: reverse() answers (or refuses) as the
            # template's {% url %} did.
            return reverse("users:profile", args=[username])
        return f"{pattern[0]}{quote(username, safe=_PATH_SAFE)}{pattern[1]}"

    def _with_id(self, name: str, pk: int) -> str:
        pattern = self._pattern(name)
        if pattern is None:
            return reverse(name, args=[pk])
        return f"{pattern[0]}{pk}{pattern[1]}"

    def _pattern(self, name: str) -> tuple[str, str] | None:
        if name not in self._patterns:
            url = reverse(name, args=[_PLACEHOLDER])
            before, found, after = url.partition(_PLACEHOLDER)
            self._patterns[name] = (before, after) if found else None
        return self._patterns[name]


def blurb_html(work: Work, preference: Preference | None, links: BlurbLinks) -> str:
    """The ``<li class="blurb">`` of ``work`` (loaded with ``WorkQuerySet.for_blurbs``) as
    the reader with ``preference`` (None: the defaults) sees it; every part escaped."""
    tags = tags_by_type(work)
    hide_warnings = bool(preference and preference.hide_warnings)
    hide_freeforms = bool(preference and preference.hide_freeform_tags)
    parts = [
        f'<li class="blurb" id="work_{work.pk}"><article aria-labelledby="work_{work.pk}_title">',
        _header(work, tags, hide_warnings, links),
        _tag_list(tags, hide_warnings, hide_freeforms, links),
    ]
    if work.summary:  # stored sanitized
        parts.append(
            '<h3 class="visually-hidden">Summary</h3>'
            f'<blockquote class="userstuff summary">{work.summary}</blockquote>'
        )
    parts.append(_series(work.series_works.all(), links))
    snippets = getattr(work, "search_snippets", None)  # the text search's only
    if snippets:
        parts.append(_snippets(snippets))
    parts.append(_stats(work))
    parts.append("</article></li>")
    return "".join(parts)


def tags_by_type(work: Work) -> dict[str, list[Tag]]:
    """The work's prefetched tags by type, each list sorted by name as ``tags_of_type``
    sorts it (one pass instead of one per type: a blurb asks for eight types)."""
    grouped: dict[str, list[Tag]] = {}
    for tag in sorted(work.tags.all(), key=lambda t: t.name):
        grouped.setdefault(tag.type, []).append(tag)
    return grouped


# --- The header: title, byline, fandoms, required tags, date ---------------------------------


def _header(work: Work, tags: TagsByType, hide_warnings: bool, links: BlurbLinks) -> str:
    parts = ['<div class="blurb-header">', _heading(work, links)]
    fandoms = tags.get(TagType.FANDOM)
    if fandoms:
        fandom_links = ", ".join(map(links.tag_link, fandoms))
        parts.append(
            f'<p class="fandoms"><span class="visually-hidden">Fandoms:</span> {fandom_links}</p>'
        )
    symbols = "".join(_symbol(symbol, hide_warnings) for symbol in required_tag_symbols(work, tags))
    parts.append(
        '<ul class="required-tags" aria-label="Rating, warnings, category and status">'
        f"{symbols}</ul>"
    )
    if work.updated_on:
        parts.append(f'<p class="datetime">{_day(work.updated_on)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _heading(work: Work, links: BlurbLinks) -> str:
    url = escape(links.work_url(work.pk))
    return (
        '<h2 class="blurb-heading">'
        f'<a id="work_{work.pk}_title" href="{url}">{escape(work.title)}</a>'
        f' <span class="by">by</span> {_byline(credited_pseuds(work), links)}</h2>'
    )


def _byline(pseuds: Sequence[Pseud], links: BlurbLinks) -> str:
    if not pseuds:
        return '<span class="pseud">Anonymous</span>'
    return ", ".join(f'<span class="pseud">{_credit(pseud, links)}</span>' for pseud in pseuds)


def _credit(pseud: Pseud, links: BlurbLinks) -> str:
    """A member's pseud links to their profile, an external creator's to their page; a
    suspended member's is only named."""
    name = escape(pseud.byline)
    user = pseud.user
    if user and user.is_active:
        return f'<a rel="author" href="{escape(links.profile_url(user.get_username()))}">{name}</a>'
    if not pseud.user_id:
        return f'<a rel="author" href="{escape(links.external_creator_url(pseud.pk))}">{name}</a>'
    return name


@dataclass(frozen=True)
class RequiredTagSymbol:
    """One square of AO3's 2x2 "required tags" symbol in a blurb."""

    kind: str  # rating, warnings, category, complete
    css_class: str
    symbol: str
    text: str  # what the symbol means, for screen readers and the tooltip


def required_tag_symbols(work: Work, tags: TagsByType) -> list[RequiredTagSymbol]:
    ratings = tags.get(TagType.RATING)
    rating_name = ratings[0].name if ratings else "Not Rated"
    letter, rating_class = _RATING_SYMBOLS.get(rating_name, ("NR", "not-rated"))

    warning_names = [t.name for t in tags.get(TagType.WARNING, [])]
    if not warning_names or warning_names == [_CHOSE_NOT_TO_WARN]:
        warning = ("choosenotto", "?")
        warning_text = _CHOSE_NOT_TO_WARN
    elif warning_names == [_NO_WARNINGS]:
        warning = ("no", "–")
        warning_text = _NO_WARNINGS
    else:
        warning = ("yes", "!")
        warning_text = ", ".join(n for n in warning_names if n != _NO_WARNINGS)

    categories = [t.name for t in tags.get(TagType.CATEGORY, [])]
    if not categories:
        category = ("none", "", "No category")
    elif len(categories) > 1:
        category = ("multi", "∗", ", ".join(categories))
    else:
        name = categories[0]
        category = (_css_name(name), _category_symbol(name), name)

    complete = (
        ("yes", "✓", "Complete Work") if work.is_complete else ("no", "…", "Work in Progress")
    )
    return [
        RequiredTagSymbol("rating", f"rating-{rating_class}", letter, rating_name),
        RequiredTagSymbol("warnings", f"warning-{warning[0]}", warning[1], warning_text),
        RequiredTagSymbol("category", f"category-{category[0]}", category[1], category[2]),
        RequiredTagSymbol("complete", f"complete-{complete[0]}", complete[1], complete[2]),
    ]


def _css_name(category: str) -> str:
    return {"F/F": "femslash", "F/M": "het", "M/M": "slash"}.get(category, category.lower())


def _category_symbol(category: str) -> str:
    return {"Gen": "G", "Multi": "∗", "Other": "O"}.get(category, category.replace("/", ""))


def _symbol(symbol: RequiredTagSymbol, hide_warnings: bool) -> str:
    # A reader who hides warnings is not told them by the symbol's tooltip either.
    text = escape(_WARNINGS_HIDDEN if hide_warnings and symbol.kind == "warnings" else symbol.text)
    return (
        f'<li><span class="symbol {escape(symbol.kind)} {escape(symbol.css_class)}" '
        f'title="{text}" aria-hidden="true">{escape(symbol.symbol)}</span>'
        f'<span class="visually-hidden">{text}</span></li>'
    )


def _day(day: datetime.date) -> str:
    """The day as the template's ``date`` filter wrote it: 'Y-m-d' for the machine, "d M Y"
    ("05 Dec 2026") for the reader, the month's name in the active language (Django's own
    translations, as the filter takes them)."""
    machine = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    shown = f"{day.day:02d} {str(MONTHS_3[day.month]).title()} {day.year:04d}"
    return f'<time datetime="{machine}">{escape(shown)}</time>'


# --- Tags, series, snippets, stats ------------------------------------------------------------


def _tag_list(
    tags: TagsByType, hide_warnings: bool, hide_freeforms: bool, links: BlurbLinks
) -> str:
    """Warnings, relationships, characters and additional tags, with warnings or additional
    tags folded away as the reader's preferences ask (AO3's "hide" options, shown on request
    without JavaScript)."""
    if not any(tags.get(tag_type) for tag_type in _BLURB_TAG_ORDER):
        return ""
    items: list[str] = []
    warnings = tags.get(TagType.WARNING, [])
    if hide_warnings and warnings:
        shown = ", ".join(f"<strong>{links.tag_link(tag)}</strong>" for tag in warnings)
        items.append(_folded("warnings", "Show warnings", shown))
    for tag_type in _BLURB_TAG_ORDER:
        if (tag_type == TagType.WARNING and hide_warnings) or (
            tag_type == TagType.FREEFORM and hide_freeforms
        ):
            continue
        item = f'<li class="{escape(tag_type)}">'
        for tag in tags.get(tag_type, []):
            link = links.tag_link(tag)
            if tag_type == TagType.WARNING:
                link = f"<strong>{link}</strong>"
            items.append(f"{item}{link}</li>")
    freeforms = tags.get(TagType.FREEFORM, [])
    if hide_freeforms and freeforms:
        items.append(
            _folded("freeforms", "Show additional tags", ", ".join(map(links.tag_link, freeforms)))
        )
    return (
        '<h3 class="visually-hidden">Tags</h3><ul class="tags commas">' + "".join(items) + "</ul>"
    )


def _folded(css_class: str, summary: str, content: str) -> str:
    return (
        f'<li class="{css_class} hidden-tags"><details><summary>{summary}</summary>'
        f"{content}</details></li>"
    )


def _series(parts: Iterable[SeriesWork], links: BlurbLinks) -> str:
    items = "".join(
        f"<li>Part <strong>{part.position}</strong> of "
        f'<a href="{escape(links.series_url(part.series_id))}">{escape(part.series.title)}</a></li>'
        for part in parts
    )
    if not items:
        return ""
    return f'<h3 class="visually-hidden">Series</h3><ul class="series">{items}</ul>'


def _snippets(snippets: Iterable[str]) -> str:
    """Pieces of the story text around the searched words (the search page only): safe
    strings the search escaped, shown as they are (anything else escaped)."""
    items = "".join(f"<li><p>{conditional_escape(snippet)}</p></li>" for snippet in snippets)
    return (
        '<div class="snippets"><h3 class="snippets-heading">From the text</h3>'
        f"<ul>{items}</ul></div>"
    )


def _stats(work: Work) -> str:
    parts = ['<dl class="stats">']
    language = work.language
    if language:
        parts.append(
            '<div><dt class="language">Language:</dt> '
            f'<dd class="language" lang="{escape(language.short)}">'
            f"{escape(language.name)}</dd></div>"
        )
    kinds = media_kinds(work)
    if kinds:  # podfic and art: readers looking for a recording find it at a glance
        parts.append(_stat("media", "Media", escape(kinds)))
    parts.append(_stat("words", "Words", thousands(work.word_count)))
    parts.append(_stat("chapters", "Chapters", escape(work.chapter_count_display)))
    # As AO3: comments, kudos and bookmarks only once there are some; hits always.
    if work.comments_count:
        parts.append(_stat("comments", "Comments", thousands(work.comments_count)))
    if work.kudos_count:
        parts.append(_stat("kudos", "Kudos", thousands(work.kudos_count)))
    if work.bookmarks_count:
        parts.append(_stat("bookmarks", "Bookmarks", thousands(work.bookmarks_count)))
    parts.append(_stat("hits", "Hits", thousands(work.hits_count)))
    parts.append("</dl>")
    return "".join(parts)


def _stat(css_class: str, label: str, value: str) -> str:
    # ``value`` is a count written with commas or already escaped.
    return f'<div><dt class="{css_class}">{label}:</dt> <dd class="{css_class}">{value}</dd></div>'
