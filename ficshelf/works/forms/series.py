"""Forms of a series' page for its creators: the series' fields, the order of its works,
an invitation to co-create it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from ficshelf.accounts.models import Pseud
from ficshelf.core.forms import SingleLineField
from ficshelf.works.forms.fields import NOTES_MAX, SUMMARY_MAX, TITLE_MAX, _html_area
from ficshelf.works.models import Series, SeriesWork
from ficshelf.works.series_actions import SeriesFields


class SeriesForm(forms.Form):
    title = SingleLineField(
        label="Series title",
        max_length=TITLE_MAX,
        error_messages={"required": "Give the series a title."},
    )
    summary = _html_area("Description", SUMMARY_MAX)
    notes = _html_area("Notes", NOTES_MAX)
    is_complete = forms.BooleanField(label="This series is complete", required=False)

    @classmethod
    def initial_for(cls, series: Series) -> dict[str, Any]:
        return {
            "title": series.title,
            "summary": series.summary,
            "notes": series.notes,
            "is_complete": series.is_complete,
        }

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the series a title.")
        return title

    def to_fields(self) -> SeriesFields:
        c = self.cleaned_data
        return SeriesFields(
            title=c["title"], summary=c["summary"], notes=c["notes"], is_complete=c["is_complete"]
        )


class ReorderSeriesForm(forms.Form):
    """One part number per work: reordering without JavaScript."""

    def __init__(self, *args: Any, parts: list[SeriesWork], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts = parts
        for number, part in enumerate(parts, start=1):
            self.fields[f"part_{part.work_id}"] = forms.IntegerField(
                label=part.work.title,
                min_value=1,
                max_value=len(parts),
                initial=number,
                widget=forms.NumberInput(attrs={"class": "position-input"}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        positions = [cleaned.get(f"part_{p.work_id}") for p in self.parts]
        if None not in positions and sorted(positions) != list(  # type: ignore[type-var]
            range(1, len(self.parts) + 1)
        ):
            raise forms.ValidationError(
                f"Give each work a different number from 1 to {len(self.parts)}."
            )
        return cleaned

    def ordered_work_ids(self) -> list[int]:
        by_position = {self.cleaned_data[f"part_{p.work_id}"]: p.work_id for p in self.parts}
        return [by_position[n] for n in sorted(by_position)]


class InviteSeriesCreatorForm(forms.Form):
    name = SingleLineField(
        label="Invite a co-creator",
        max_length=255,
        help_text="Their pseud or user name. They can edit the series and add their works "
        "to it once they accept.",
        error_messages={"required": "Give the name of the member to invite."},
    )

    def clean_name(self) -> Pseud:
        name = self.cleaned_data["name"].strip()
        pseud = (
            Pseud.objects.filter(Q(name=name) | Q(user__username=name, is_default=True))
            .filter(user__isnull=False)
            .order_by("-is_default", "pk")
            .first()
        )
        if pseud is None:
            raise forms.ValidationError(f"No member here is called {name}.")
        return pseud
