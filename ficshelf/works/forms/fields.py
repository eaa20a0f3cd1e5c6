"""Shared field helpers for the works forms: limits, text format, tag lists, HTML areas."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.html import escape

from ficshelf.works.actions import unique_names

# AO3's limits (otwarchive's ArchiveConfig), in characters.
TITLE_MAX = 255
SUMMARY_MAX = 1250
NOTES_MAX = 5000
TEXT_MAX = 500_000


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


def _tag_input(tag_type: str, label: str, *, required: bool = False, help_text: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        error_messages={"required": f"Add at least one {label.lower().rstrip('s')} tag."},
        max_length=5000,
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
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text="Plain text or HTML (bold, italics, links, paragraphs).",
    )
