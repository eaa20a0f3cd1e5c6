"""Forms readers fill in: comments, bookmarks, reading lists."""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.core.form_guards import FormGuard
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.social.external_works import (
    URL_MAX,
    ExternalWorkDetails,
    NotAWebAddress,
    checked_url,
)
from ficshelf.tags.models import ARCHIVE_WARNINGS, RATINGS, WORK_TAGS_LIMIT
from ficshelf.works.forms.fields import SUMMARY_MAX, TAG_FIELD_MAX, TITLE_MAX, tag_names

COMMENT_MAX_LENGTH = 10_000  # AO3's limit


class CommentTextForm(forms.Form):
    """A comment's text: editing one's own comment."""

    text = LongTextField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Brevity is the soul of wit, but we need your comment to have text.",
            "max_length": f"Comments can be up to {COMMENT_MAX_LENGTH:,} characters long "
            "(yours has %(show_value)s): shorten it, or say the rest in a reply.",
        },
        help_text=f"Up to {COMMENT_MAX_LENGTH:,} characters.",
    )


class CommentForm(FormGuard, CommentTextForm):
    """A new comment or reply by a member, past the spam guard (``core.form_guards``)."""


class GuestCommentForm(CommentForm):
    guest_name = SingleLineField(label="Guest name", max_length=100)
    guest_email = forms.EmailField(
        label="Guest email",
        # The column is 254 wide; longer must be a form error, not a database error.
        max_length=254,
        help_text="Never shown to anyone; used only to tell you of replies.",
    )

    field_order = ["guest_name", "guest_email", "text"]


class BookmarkForm(forms.Form):
    notes = LongTextField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    tags = SingleLineField(
        label="Your tags", required=False, max_length=1000, help_text="Comma separated."
    )
    is_rec = forms.BooleanField(label="Rec", required=False)
    is_private = forms.BooleanField(label="Private bookmark", required=False)


def _tag_field(label: str, *, required: bool = False) -> SingleLineField:
    return SingleLineField(
        label=label,
        required=required,
        max_length=TAG_FIELD_MAX,
        help_text="Separate tags with commas.",
        error_messages={"required": f"Add at least one {label.lower().rstrip('s')} tag."},
    )


class ExternalWorkBookmarkForm(BookmarkForm):
    """A bookmark of a work hosted elsewhere: the work's details, then the bookmark's."""

    url = SingleLineField(
        label="URL",
        max_length=URL_MAX,
        help_text="The work's address on the other site, starting with http:// or https://.",
    )
    title = SingleLineField(label="Title", max_length=TITLE_MAX)
    creator = SingleLineField(label="Creator", max_length=255)
    summary = LongTextField(
        label="Summary",
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rating = forms.ChoiceField(
        label="Rating",
        required=False,
        choices=[("", "Not chosen"), *((r, r) for r in RATINGS)],
    )
    warnings = forms.MultipleChoiceField(
        label="Archive warnings",
        required=False,
        choices=[(w, w) for w in ARCHIVE_WARNINGS],
        widget=forms.CheckboxSelectMultiple,
    )
    fandoms = _tag_field("Fandoms", required=True)
    relationships = _tag_field("Relationships")
    characters = _tag_field("Characters")
    freeforms = _tag_field("Additional tags")

    field_order = [
        "url",
        "title",
        "creator",
        "summary",
        "rating",
        "warnings",
        "fandoms",
        "relationships",
        "characters",
        "freeforms",
        "notes",
        "tags",
        "is_rec",
        "is_private",
    ]

    def clean_url(self) -> str:
        try:
            return checked_url(self.cleaned_data["url"])
        except NotAWebAddress as error:
            raise forms.ValidationError(str(error)) from None

    def clean_fandoms(self) -> list[str]:
        return tag_names(self.cleaned_data["fandoms"])

    def clean_relationships(self) -> list[str]:
        return tag_names(self.cleaned_data["relationships"])

    def clean_characters(self) -> list[str]:
        return tag_names(self.cleaned_data["characters"])

    def clean_freeforms(self) -> list[str]:
        return tag_names(self.cleaned_data["freeforms"])

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean() or {}
        typed = sum(
            len(cleaned.get(name) or [])
            for name in ("fandoms", "relationships", "characters", "freeforms", "warnings")
        )
        if typed > WORK_TAGS_LIMIT:
            raise forms.ValidationError(
                f"An external work can have at most {WORK_TAGS_LIMIT} tags (this has {typed})."
            )
        return cleaned

    def details(self) -> ExternalWorkDetails:
        c = self.cleaned_data
        return ExternalWorkDetails(
            url=c["url"],
            title=c["title"],
            creator=c["creator"],
            summary=c["summary"],
            rating=c["rating"],
            warnings=list(c["warnings"]),
            fandoms=c["fandoms"],
            relationships=c["relationships"],
            characters=c["characters"],
            freeforms=c["freeforms"],
        )

    def bookmark_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in BookmarkForm.base_fields}


class ReadingListForm(forms.Form):
    name = SingleLineField(label="List name", max_length=100)
    is_public = forms.BooleanField(label="Public", required=False)
