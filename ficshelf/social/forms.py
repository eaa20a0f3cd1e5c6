"""Forms readers fill in: comments, bookmarks, reading lists."""

from __future__ import annotations

from django import forms

COMMENT_MAX_LENGTH = 10_000  # AO3's limit


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Brevity is the soul of wit, but we need your comment to have text.",
            "max_length": f"Comments can be up to {COMMENT_MAX_LENGTH:,} characters long.",
        },
    )


class GuestCommentForm(CommentForm):
    guest_name = forms.CharField(label="Guest name", max_length=100)
    guest_email = forms.EmailField(
        label="Guest email",
        # The column is 254 wide; longer must be a form error, not a database error.
        max_length=254,
        help_text="Never shown to anyone; used only to tell you of replies.",
    )

    field_order = ["guest_name", "guest_email", "text"]


class BookmarkForm(forms.Form):
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    tags = forms.CharField(
        label="Your tags", required=False, max_length=1000, help_text="Comma separated."
    )
    is_rec = forms.BooleanField(label="Rec", required=False)
    is_private = forms.BooleanField(label="Private bookmark", required=False)


class ReadingListForm(forms.Form):
    name = forms.CharField(label="List name", max_length=100)
    is_public = forms.BooleanField(label="Public", required=False)
