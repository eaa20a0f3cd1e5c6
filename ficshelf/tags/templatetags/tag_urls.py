"""``{{ tag|tag_url }}`` and ``{{ tag|tag_link }}``: the link to a tag's page, built without
a URL lookup because listings show hundreds of tags per page."""

from __future__ import annotations

import functools

from django import template
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ficshelf.tags.models import Tag
from ficshelf.tags.naming import tag_page_url

register = template.Library()


@register.filter
def tag_url(tag: Tag | str) -> str:
    return tag_page_url(tag.name if isinstance(tag, Tag) else str(tag))


@register.filter
def tag_link(tag: Tag) -> SafeString:
    """``<a class="tag" href="…">name</a>``: a filter, not an included template, because
    a listing page shows hundreds of tags and each include costs a template render."""
    return _tag_link(get_script_prefix(), tag.name)


# Kept per process by the site's prefix and the name (all the link depends on): a listing
# links some two hundred different tags, most of them on every page of their fandom.
@functools.lru_cache(maxsize=20_000)
def _tag_link(prefix: str, name: str) -> SafeString:
    return format_html('<a class="tag" href="{}">{}</a>', tag_page_url(name), name)


@register.filter
def tag_works_url(tag: Tag | str) -> str:
    """The tag's works listing (the search app's page)."""
    return f"{tag_url(tag)}works/"
