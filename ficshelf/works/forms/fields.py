"""Shared field helpers for the works forms: limits, text format, tag lists, HTML areas."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.html import escape

from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.tags.models import TAG_NAME_LIMIT, Tag
from ficshelf.works.actions import unique_names

# AO3's limits (otwarchive's ArchiveConfig), in characters.
TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
TEXT_MAX = 500_000
# All of one tag field (fandoms, say), commas included.
TAG_FIELD_MAX = 5000


class TextFormat:
    HTML = "html"
    PLAIN = "plain"
    CHOICES = [
        (HTML, "HTML (paragraphs in <p> tags; links, emphasis and so on as HTML)"),
        (PLAIN, "Plain text (a blank line starts a new paragraph)"),
    ]


_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def plain_text_to_html(text: str) -> str:
    """Paragraphs from blank lines, line breaks from single newlines, everything escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
    return "\n".join(
        "<p>" + "<br />".join(escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def split_names(value: str) -> list[str]:
    return unique_names(value.split(","))


def tag_names(value: str) -> list[str]:
    """The tags typed in one tag field; a new tag longer than AO3's limit is refused with a
    message (a tag already here, from an import, may be longer and stays usable)."""
    names = split_names(value)
    long_names = [name for name in names if len(name) > TAG_NAME_LIMIT]
    if long_names:
        existing = set(Tag.objects.filter(name__in=long_names).values_list("name", flat=True))
        too_long = [name for name in long_names if name not in existing]
        if too_long:
            raise forms.ValidationError(
                [
                    f"“{shortened(name)}” is {len(name)} characters long: a tag can be at "
                    f"most {TAG_NAME_LIMIT}. Separate tags with commas."
                    for name in too_long
                ]
            )
    return names


def shortened(name: str, length: int = 40) -> str:
    return name if len(name) <= length else name[: length - 1].rstrip() + "…"


def _tag_input(tag_type: str, label: str, *, required: bool = False, help_text: str = "") -> Any:
    return SingleLineField(
        label=label,
        required=required,
        error_messages={"required": f"Add at least one {label.lower().rstrip('s')} tag."},
        max_length=TAG_FIELD_MAX,
        help_text=help_text or "Separate tags with commas.",
        widget=forms.TextInput(
            attrs={
                "data-autocomplete": tag_type,
                "autocomplete": "off",
                "list": f"tag-suggestions-{tag_type}",
            }
        ),
    )


def _html_area(label: str, max_length: int, rows: int = 4) -> Any:
    return LongTextField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text="Plain text or HTML (bold, italics, links, paragraphs).",
    )
