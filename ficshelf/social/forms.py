"""Forms readers fill in: comments, bookmarks, reading lists."""

from __future__ import annotations

from django import forms

from ficshelf.core.form_guards import FormGuard
from ficshelf.core.forms import LongTextField, SingleLineField

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


class ReadingListForm(forms.Form):
    name = SingleLineField(label="List name", max_length=100)
    is_public = forms.BooleanField(label="Public", required=False)
