"""Forms for managing a work's chapters."""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.works.models import Chapter


class ReorderChaptersForm(forms.Form):
    """One position number per chapter: reordering without JavaScript."""

    def __init__(self, *args: Any, chapters: list[Chapter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapters = chapters
        for chapter in chapters:
            self.fields[f"position_{chapter.pk}"] = forms.IntegerField(
                label=chapter.heading,
                min_value=1,
                max_value=len(chapters),
                initial=chapter.position,
                widget=forms.NumberInput(attrs={"class": "position-input"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        positions = [cleaned.get(f"position_{c.pk}") for c in self.chapters]
        if None not in positions and sorted(positions) != list(  # type: ignore[type-var]
            range(1, len(self.chapters) + 1)
        ):
            raise forms.ValidationError(
                f"Give each chapter a different number from 1 to {len(self.chapters)}."
            )
        return cleaned

    def ordered_chapter_ids(self) -> list[int]:
        by_position = {self.cleaned_data[f"position_{c.pk}"]: c.pk for c in self.chapters}
        return [by_position[p] for p in sorted(by_position)]
