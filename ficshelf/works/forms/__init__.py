"""Forms for posting and editing works and chapters.

Forms only read and check what the writer typed; they hand a ``WorkData`` or
``ChapterData`` to ``ficshelf.works.actions``, which sanitizes and saves it.
"""

from __future__ import annotations

from ficshelf.works.forms.chapter import ChapterForm, ChapterTextMixin
from ficshelf.works.forms.fields import (
    NOTES_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    TextFormat,
    plain_text_to_html,
    split_names,
)
from ficshelf.works.forms.manage import ReorderChaptersForm
from ficshelf.works.forms.work import WorkForm, initial_for

__all__ = [
    "NOTES_MAX",
    "SUMMARY_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "ChapterForm",
    "ChapterTextMixin",
    "ReorderChaptersForm",
    "TextFormat",
    "WorkForm",
    "initial_for",
    "plain_text_to_html",
    "split_names",
]
