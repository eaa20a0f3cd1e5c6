"""Template helpers for showing works the way AO3 does: tag blocks, blurbs, bylines.

They read only prefetched relations (``work.tags.all()``, ``work.creatorships.all()``), so
a listing of twenty works costs no extra queries per work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ficshelf.accounts.models import Preference, Pseud
from ficshelf.tags.models import TAG_BLOCK_ORDER, Tag, TagType
from ficshelf.tags.templatetags.tag_urls import tag_link
from ficshelf.works.kept_blurbs import blurbs_html
from ficshelf.works.models import Work

register = template.Library()

# AO3's labels in the work's tag block, singular and plural ("Additional Tags" is always
# plural on AO3).
_TAG_LABELS: dict[str, tuple[str, str]] = {
    TagType.RATING: ("Rating", "Ratings"),
    TagType.WARNING: ("Archive Warning", "Archive Warnings"),
    TagType.CATEGORY: ("Category", "Categories"),
    TagType.FANDOM: ("Fandom", "Fandoms"),
    TagType.RELATIONSHIP: ("Relationship", "Relationships"),
    TagType.CHARACTER: ("Character", "Characters"),
    TagType.FREEFORM: ("Additional Tags", "Additional Tags"),
}

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


@dataclass(frozen=True)
class TagRow:
    type: str
    label: str
    tags: list[Tag]


@dataclass(frozen=True)
class RequiredTagSymbol:
    """One square of AO3's 2x2 "required tags" symbol in a blurb."""

    kind: str  # rating, warnings, category, complete
    css_class: str
    symbol: str
    text: str  # what the symbol means, for screen readers and the tooltip


@register.simple_tag
def tag_block_rows(work: Work) -> list[TagRow]:
    rows = []
    for tag_type in TAG_BLOCK_ORDER:
        tags = work.tags_of_type(tag_type)
        if tags:
            singular, plural = _TAG_LABELS[tag_type]
            rows.append(TagRow(tag_type, singular if len(tags) == 1 else plural, tags))
    return rows


@register.simple_tag
def blurb_tags(work: Work) -> list[tuple[str, Tag]]:
    """(tag type, tag) pairs in the blurb's order: warnings, relationships, characters, rest."""
    return [(t, tag) for t in _BLURB_TAG_ORDER for tag in work.tags_of_type(t)]


@register.simple_tag
def blurb_tag_items(work: Work, preference: Preference | None) -> SafeString:
    """The ``<li>`` items of a blurb's tag list, in ``blurb_tags``' order, with warnings or
    additional tags folded away as the reader's preferences ask (AO3's "hide" options,
    shown on request without JavaScript). Built here rather than in the template: a
    listing shows some 450 tags, and the template loop with its conditions was most of a
    blurb's rendering time."""
    hide_warnings = bool(preference and preference.hide_warnings)
    hide_freeforms = bool(preference and preference.hide_freeform_tags)
    items: list[SafeString] = []
    warnings = work.tags_of_type(TagType.WARNING)
    if hide_warnings and warnings:
        shown = _joined(format_html("<strong>{}</strong>", tag_link(tag)) for tag in warnings)
        items.append(_folded("warnings", "Show warnings", shown))
    for tag_type in _BLURB_TAG_ORDER:
        if (tag_type == TagType.WARNING and hide_warnings) or (
            tag_type == TagType.FREEFORM and hide_freeforms
        ):
            continue
        for tag in work.tags_of_type(tag_type):
            link = tag_link(tag)
            if tag_type == TagType.WARNING:
                link = format_html("<strong>{}</strong>", link)
            items.append(format_html('<li class="{}">{}</li>', tag_type, link))
    freeforms = work.tags_of_type(TagType.FREEFORM)
    if hide_freeforms and freeforms:
        shown = _joined(tag_link(tag) for tag in freeforms)
        items.append(_folded("freeforms", "Show additional tags", shown))
    return _joined(items, separator="")


def _folded(css_class: str, summary: str, content: SafeString) -> SafeString:
    return format_html(
        '<li class="{} hidden-tags"><details><summary>{}</summary>{}</details></li>',
        css_class,
        summary,
        content,
    )


def _joined(parts: Iterable[SafeString], separator: str = ", ") -> SafeString:
    # Every part is already escaped (format_html or tag_link), so joining keeps it safe.
    return mark_safe(separator.join(parts))  # noqa: S308


@register.filter
def tags_of_type(work: Work, tag_type: str) -> list[Tag]:
    return work.tags_of_type(tag_type)


@register.filter
def thousands(number: int) -> str:
    """1234 -> "1,234": AO3 writes counts with commas whatever the reader's language."""
    return f"{number:,}"


@register.filter
def credited_pseuds(work: Work) -> list[Pseud]:
    # A co-creator who has not accepted yet is not credited (see Creatorship.is_approved).
    return [c.pseud for c in work.creatorships.all() if c.is_approved]


@register.simple_tag
def required_tag_symbols(work: Work) -> list[RequiredTagSymbol]:
    rating = work.rating
    rating_name = rating.name if rating else "Not Rated"
    letter, rating_class = _RATING_SYMBOLS.get(rating_name, ("NR", "not-rated"))

    warning_names = [t.name for t in work.tags_of_type(TagType.WARNING)]
    if not warning_names or warning_names == [_CHOSE_NOT_TO_WARN]:
        warning = ("choosenotto", "?")
        warning_text = _CHOSE_NOT_TO_WARN
    elif warning_names == [_NO_WARNINGS]:
        warning = ("no", "–")
        warning_text = _NO_WARNINGS
    else:
        warning = ("yes", "!")
        warning_text = ", ".join(n for n in warning_names if n != _NO_WARNINGS)

    categories = [t.name for t in work.tags_of_type(TagType.CATEGORY)]
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


@register.simple_tag(takes_context=True)
def work_blurbs(context: template.Context, works: Iterable[Work]) -> SafeString:
    """The blurbs of ``works``, each rendered once for every reader who would see it the
    same (``works.kept_blurbs``)."""
    return blurbs_html(context, works)


@register.simple_tag(takes_context=True)
def work_blurb(context: template.Context, work: Work) -> SafeString:
    return blurbs_html(context, [work])
