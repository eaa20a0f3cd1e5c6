"""Template helpers for showing works the way AO3 does: tag blocks, blurbs, bylines.

They read only prefetched relations (``work.tags.all()``, ``work.creatorships.all()``), so
a listing of twenty works costs no extra queries per work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from ficshelf.accounts.models import Pseud
from ficshelf.tags.models import TAG_BLOCK_ORDER, Tag, TagType
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
