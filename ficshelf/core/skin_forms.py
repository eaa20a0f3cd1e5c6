"""The form a member writes a skin in: a work skin (``works.skin_views``) or their own site
skin (``accounts.skin_views``). The CSS is cleaned by ``core.css_sanitizer``; anything it
had to leave out refuses the form with one line each, as AO3 does, so what is saved is
exactly what the writer saw accepted."""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.core.css_sanitizer import CSS_MAX_LENGTH, clean_css
from ficshelf.core.forms import LongTextField, SingleLineField


class SkinForm(forms.Form):
    title = SingleLineField(
        label="Title", max_length=255, error_messages={"required": "Give the skin a title."}
    )
    css = LongTextField(
        label="CSS",
        required=False,
        max_length=CSS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
    )

    def __init__(self, *args: Any, scope: str | None, help_text: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["css"].help_text = help_text

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the skin a title.")
        return title

    def clean_css(self) -> str:
        cleaned = clean_css(self.cleaned_data["css"], scope=self.scope)
        if cleaned.problems:
            raise forms.ValidationError(
                ["Nothing was saved. Take out or change what we can't allow:", *cleaned.problems]
            )
        return cleaned.css
