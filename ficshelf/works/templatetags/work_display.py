"""Template helpers for showing works the way AO3 does: tag blocks, bylines, and the tags
that show blurbs (built in Python by ``works.blurb_html``, kept by ``works.kept_blurbs``).

They read only prefetched relations (``work.tags.all()``, ``work.creatorships.all()``), so
a listing of twenty works costs no extra queries per work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString

from ficshelf.tags.models import TAG_BLOCK_ORDER, Tag, TagType
from ficshelf.works import display
from ficshelf.works.kept_blurbs import blurbs_html
from ficshelf.works.models import Work

register = template.Library()

# Shared with the blurbs built in Python (``works.blurb_html``).
register.filter("thousands", display.thousands)
register.filter("credited_pseuds", display.credited_pseuds)

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


@dataclass(frozen=True)
class TagRow:
    type: str
    label: str
    tags: list[Tag]


@register.simple_tag
def tag_block_rows(work: Work) -> list[TagRow]:
    rows = []
    for tag_type in TAG_BLOCK_ORDER:
        tags = work.tags_of_type(tag_type)
        if tags:
            singular, plural = _TAG_LABELS[tag_type]
            rows.append(TagRow(tag_type, singular if len(tags) == 1 else plural, tags))
    return rows


@register.filter
def tags_of_type(work: Work, tag_type: str) -> list[Tag]:
    return work.tags_of_type(tag_type)


@register.simple_tag(takes_context=True)
def work_blurbs(context: template.Context, works: Iterable[Work]) -> SafeString:
    """The blurbs of ``works``, each rendered once for every reader who would see it the
    same (``works.kept_blurbs``)."""
    return blurbs_html(context, works)


@register.simple_tag(takes_context=True)
def work_blurb(context: template.Context, work: Work) -> SafeString:
    return blurbs_html(context, [work])
