"""The prompt meme's forms: its settings, a prompt, the prompts listing's filters, and the
choice of a work to fill a prompt with."""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.accounts.models import User
from ficshelf.challenges.prompt_meme_models import (
    MAX_PROMPTS_PER_MEMBER,
    MAX_TAGS_PER_TYPE,
    PROMPT_DESCRIPTION_MAX,
    PROMPT_TITLE_MAX,
    MemePrompt,
    PromptMeme,
)
from ficshelf.challenges.prompt_memes import PromptData
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.tags.models import TagType
from ficshelf.works.models import Work

# The tag types' names as a prompt's fields and pages say them (in MEME_TAG_TYPES' order).
TYPE_NAMES = {
    str(TagType.FANDOM): "Fandoms",
    str(TagType.CHARACTER): "Characters",
    str(TagType.RELATIONSHIP): "Relationships",
    str(TagType.FREEFORM): "Additional tags",
}
# A prompt's tags of one type, typed as a list separated by commas.
TAG_FIELD_MAX = 2000


class MemeSettingsForm(forms.ModelForm[PromptMeme]):
    tag_types = forms.MultipleChoiceField(
        label="Prompts carry these tags",
        required=False,
        choices=list(TYPE_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    claims_per_prompt = forms.IntegerField(
        label="Claims a prompt may have",
        required=False,
        min_value=1,
        max_value=100,
        help_text="1: a claimed prompt is taken. Leave empty for any number.",
    )
    prompts_per_member = forms.IntegerField(
        label="Prompts one member may post", min_value=1, max_value=MAX_PROMPTS_PER_MEMBER
    )
    tags_per_type = forms.IntegerField(
        label="Tags of each type a prompt may carry", min_value=1, max_value=MAX_TAGS_PER_TYPE
    )

    class Meta:
        model = PromptMeme
        fields = [
            "is_open",
            "allows_anonymous_prompts",
            "claims_per_prompt",
            "prompts_per_member",
            "tag_types",
            "tags_per_type",
        ]
        labels = {
            "is_open": "Open: members may post, edit and delete prompts",
            "allows_anonymous_prompts": "Prompters may post anonymously",
        }


class PromptForm(forms.Form):
    """A prompt: its title, description, tags of the meme's types, and (where the meme
    allows it) anonymity."""

    title = SingleLineField(max_length=PROMPT_TITLE_MAX)
    description = LongTextField(
        required=False,
        max_length=PROMPT_DESCRIPTION_MAX,
        help_text="HTML is allowed: paragraphs, emphasis, links.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    is_anonymous = forms.BooleanField(
        label="Post anonymously (only the moderators will know it is yours)", required=False
    )

    def __init__(
        self, *args: Any, meme: PromptMeme, prompt: MemePrompt | None = None, **kwargs: Any
    ) -> None:
        if prompt is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(prompt)
        super().__init__(*args, **kwargs)
        for tag_type in meme.tag_types:
            if tag_type not in TYPE_NAMES:
                continue
            self.fields[tag_type] = SingleLineField(
                label=f"{TYPE_NAMES[tag_type]} (up to {meme.tags_per_type}, separated by commas)",
                required=False,
                max_length=TAG_FIELD_MAX,
                widget=forms.TextInput(
                    attrs={"data-autocomplete": tag_type, "list": f"tag-suggestions-{tag_type}"}
                ),
            )
        # A prompt posted anonymously keeps its choice after the meme stops allowing it.
        was_anonymous = prompt is not None and prompt.is_anonymous
        if not (meme.allows_anonymous_prompts or was_anonymous):
            del self.fields["is_anonymous"]
        self.order_fields(["title", *meme.tag_types, "description", "is_anonymous"])

    def prompt_data(self) -> PromptData:
        c = self.cleaned_data
        return PromptData(
            title=c["title"],
            description=c.get("description") or "",
            tags={
                t: [n.strip() for n in (c.get(t) or "").split(",") if n.strip()]
                for t in TYPE_NAMES
                if t in self.fields
            },
            is_anonymous=bool(c.get("is_anonymous")),
        )


def _initial(prompt: MemePrompt) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": prompt.title,
        "description": prompt.description,
        "is_anonymous": prompt.is_anonymous,
    }
    for tag_type in TYPE_NAMES:
        names = sorted(t.name for t in prompt.tags.all() if t.type == tag_type)
        initial[tag_type] = ", ".join(names)
    return initial


class PromptFilterForm(forms.Form):
    """The prompts listing's filters."""

    state = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any"),
            ("unclaimed", "Unclaimed"),
            ("claimed", "Claimed, not filled"),
            ("filled", "Filled"),
        ],
    )
    fandom = SingleLineField(required=False, max_length=200)
    q = SingleLineField(label="Title contains", required=False, max_length=200)


class FillForm(forms.Form):
    """One of the member's posted works, to fill a prompt with."""

    work = forms.ModelChoiceField(
        label="Your work", queryset=Work.objects.none(), empty_label="Choose a work"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = Work.objects.filter(
            creatorships__pseud__user=user, creatorships__is_approved=True, is_posted=True
        )
        field = self.fields["work"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = mine.distinct().order_by("title", "pk")
