"""The posting form's podfic, art and style fields (AO3's): what kind of work besides text,
a recording's length and format, and the creator's work skin."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from ficshelf.accounts.models import User
from ficshelf.core.forms import SingleLineField
from ficshelf.works.display import format_duration
from ficshelf.works.models import AudioFormat, Work
from ficshelf.works.skin_actions import usable_work_skins
from ficshelf.works.skin_models import WorkSkin

_DURATION = re.compile(r"(?:(?:(\d{1,3}):)?(\d{1,2}):)?(\d{1,2})")
# No recording runs longer than this; a bigger number is a typing slip.
DURATION_MAX = datetime.timedelta(hours=200)


def parse_duration(text: str) -> datetime.timedelta | None:
    """ "1:02:03", "45:10" (minutes and seconds) or "90" (minutes) as a length; None if empty.
    Raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return datetime.timedelta(minutes=int(text))
    found = _DURATION.fullmatch(text)
    if found is None:
        raise ValueError(text)
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    if (found.group(1) and minutes > 59) or seconds > 59:
        raise ValueError(text)
    return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)


def work_skin_label(skin: WorkSkin, user: User) -> str:
    """A skin as the posting form offers it: a public one with its author while they are
    an active member."""
    if skin.owner_id == user.pk:
        return skin.title
    author = skin.author_name()
    if skin.is_public:
        return f"{skin.title} (public, by {author})" if author else f"{skin.title} (public)"
    return f"{skin.title} (a co-creator's)"


class WorkMediaFields(forms.Form):
    is_podfic = forms.BooleanField(label="This work is a podfic (a recording)", required=False)
    is_fanart = forms.BooleanField(label="This work is fanart", required=False)
    audio_duration = SingleLineField(
        label="Length of the recording",
        required=False,
        max_length=20,
        help_text="Hours, minutes and seconds (1:02:03), minutes and seconds (45:10), or "
        "minutes (90).",
    )
    audio_format = forms.ChoiceField(
        label="Audio format",
        required=False,
        choices=[("", "(none)"), *AudioFormat.choices],
    )
    work_skin = forms.ModelChoiceField(
        label="Work skin",
        queryset=WorkSkin.objects.none(),
        required=False,
        empty_label="None (the archive's own look)",
        help_text="Your CSS for this work. Readers can turn it off.",
    )

    def limit_skins(self, user: User, work: Work | None) -> None:
        """The member's own skins, the public ones, and the one the work has (a
        co-creator's) if any (``usable_work_skins``, which the action checks again)."""
        field = self.fields["work_skin"]
        field.queryset = (  # type: ignore[attr-defined]
            usable_work_skins(user.pk, work).select_related("owner").order_by("title", "pk")
        )
        field.label_from_instance = lambda skin: work_skin_label(skin, user)  # type: ignore[attr-defined]
        field.help_text = format_html(
            'Your CSS for this work, or a public skin; readers can turn it off. <a href="{}">'
            "Write or edit your work skins</a>.",
            reverse("works:skins"),
        )

    def clean_audio_duration(self) -> datetime.timedelta | None:
        try:
            duration = parse_duration(self.cleaned_data["audio_duration"])
        except ValueError:
            raise forms.ValidationError(
                "Write the length as 1:02:03 (hours, minutes, seconds), 45:10 or 90 (minutes)."
            ) from None
        if duration is not None and duration > DURATION_MAX:
            raise forms.ValidationError("That is longer than any recording; check the length.")
        return duration


def media_initial(work: Work) -> dict[str, Any]:
    return {
        "is_podfic": work.is_podfic,
        "is_fanart": work.is_fanart,
        "audio_duration": format_duration(work.audio_duration) if work.audio_duration else "",
        "audio_format": work.audio_format,
        "work_skin": work.work_skin_id,
    }
