"""Template helpers for showing works the way AO3 does: the tag block (built in Python by
``works.tag_block_html``), bylines, and blurbs (built in Python by ``works.blurb_html``, kept
by ``works.kept_blurbs``).

They read only prefetched relations (``work.tags.all()``, ``work.creatorships.all()``), so
a listing of twenty works costs no extra queries per work.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from ficshelf.tags.models import Tag
from ficshelf.works import display
from ficshelf.works.kept_blurbs import blurbs_html
from ficshelf.works.models import Work
from ficshelf.works.tag_block_html import tag_block_html

register = template.Library()

# Shared with the blurbs built in Python (``works.blurb_html``).
register.filter("thousands", display.thousands)
register.filter("credited_pseuds", display.credited_pseuds)
register.filter("credited_pseuds_for_invitee", display.credited_pseuds_for_invitee)
# ``chapter|chapter_credited_pseuds:work``: a chapter's own byline, None when it is the work's.
register.filter(
    "chapter_credited_pseuds", lambda chapter, work: display.chapter_credited_pseuds(work, chapter)
)


@register.simple_tag(takes_context=True)
def work_tag_block(context: template.Context, work: Work) -> SafeString:
    """AO3's tag block of the work page (``works.tag_block_html``)."""
    return tag_block_html(work, context.get("reader_preferences"))


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
