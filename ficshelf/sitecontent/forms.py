"""Forms of the site pages, news and banner. Every error is shown beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from ficshelf.core.form_guards import FormGuard
from ficshelf.core.forms import SingleLineField
from ficshelf.sitecontent.models import TextFormat, WhoMayComment

# Enough for a long policy; what an editor pastes past this is refused, not cut.
PAGE_TEXT_MAX_LENGTH = 200_000
NEWS_TEXT_MAX_LENGTH = 50_000
COMMENT_MAX_LENGTH = 5_000
BANNER_MAX_LENGTH = 500
NEWS_TAGS_MAX = 10


class PageEditForm(forms.Form):
    title = SingleLineField(max_length=200)
    text_format = forms.ChoiceField(
        label="Written in", choices=TextFormat.choices, widget=forms.RadioSelect
    )
    source = forms.CharField(
        label="Text",
        max_length=PAGE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24}),
        strip=False,
    )
    summary = SingleLineField(
        label="Summary of the change",
        max_length=300,
        help_text="Shown in the page's history, for example “Fixed a typo”.",
    )

    def __init__(self, *args: Any, is_terms: bool = False, is_faq: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if is_faq:
            self.fields["source"].help_text = (
                "Each section is a level-2 heading (## in Markdown, &lt;h2&gt; in HTML) and each "
                "question a level-3 heading (### or &lt;h3&gt;); its answer follows it. Every "
                "question gets its own link."
            )
        if is_terms:
            self.fields["is_new_terms_version"] = forms.BooleanField(
                label="This is a new version that members must accept",
                required=False,
                help_text="Leave unticked for a typo fix: members are then not asked again.",
            )


class NewsPostForm(forms.Form):
    title = SingleLineField(max_length=200)
    text_format = forms.ChoiceField(
        label="Written in", choices=TextFormat.choices, widget=forms.RadioSelect
    )
    source = forms.CharField(
        label="Text",
        max_length=NEWS_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        strip=False,
    )
    tags = SingleLineField(
        label="Tags",
        max_length=1000,
        required=False,
        help_text="Separated by commas, for example “Releases, Policy”. News tags only.",
    )
    who_may_comment = forms.ChoiceField(
        label="Who may comment", choices=WhoMayComment.choices, widget=forms.RadioSelect
    )

    def clean_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]
        if len(names) > NEWS_TAGS_MAX:
            raise forms.ValidationError(f"At most {NEWS_TAGS_MAX} tags, please.")
        if any(len(name) > 100 for name in names):
            raise forms.ValidationError("A tag is at most 100 characters long.")
        return names


class NewsCommentForm(FormGuard, forms.Form):
    """A comment on a news post, guarded against spam as every comment form is."""

    name = SingleLineField(label="Your name", max_length=100, required=False)
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text, or HTML such as &lt;em&gt; and &lt;a&gt;.",
    )

    def __init__(self, *args: Any, is_guest: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_guest:
            self.fields["name"].required = True
        else:
            del self.fields["name"]


class BannerForm(forms.Form):
    text = forms.CharField(
        label="Banner text",
        max_length=BANNER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Short: a sentence or two. HTML such as &lt;a&gt; and &lt;strong&gt; is kept.",
    )
    expires_at = forms.DateTimeField(
        label="Take it down at (optional, UTC)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    show_again = forms.BooleanField(
        label="Show it again to everyone who dismissed the current banner",
        required=False,
        initial=True,
        help_text="Untick for a typo fix in the current banner.",
    )

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("That time has passed: choose a later one, or none.")
        return expires_at
