"""The "post at" field shared by the work and chapter forms (``works.scheduling``).

The time is typed in the member's own time zone (``accounts.middleware`` activates it for
the request, and Django's field reads a time without a zone in the active one); it is kept
in UTC.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from ficshelf.works.actions import PostingError
from ficshelf.works.scheduling import check_post_at

# The posting forms' button that saves the draft to be posted at ``post_at``.
SCHEDULE = "schedule"


class PostAtField(forms.Form):
    post_at = forms.DateTimeField(
        label="Post at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_at"].help_text = (
            f"Your time ({timezone.get_current_timezone_name()}). Choose Schedule and the "
            "archive posts it then; until then it is a draft only you can see."
        )

    def clean_post_at(self) -> datetime.datetime | None:
        post_at: datetime.datetime | None = self.cleaned_data.get("post_at")
        # A time left as it was is not asked again: one that passed while its creator was
        # suspended is simply due, and saving the draft must not be refused for it.
        if post_at is not None and "post_at" in self.changed_data:
            try:
                check_post_at(post_at)
            except PostingError as refusal:
                raise forms.ValidationError(str(refusal)) from None
        return post_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asked = self.data.get("action") == SCHEDULE
        if asked and not cleaned.get("post_at") and "post_at" not in self.errors:
            self.add_error("post_at", "Choose when to post it.")
        if cleaned.get("post_at") and cleaned.get("published_on"):
            self.add_error(
                "post_at", "A scheduled work is dated when it posts: leave the date empty."
            )
        return cleaned
