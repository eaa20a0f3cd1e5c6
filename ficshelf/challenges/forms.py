"""The gift exchange's forms: its settings, a member's sign-up (requests and offers), tag
sets and nominations."""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.accounts.models import Pseud, User
from ficshelf.challenges.actions import PromptData
from ficshelf.challenges.models import MAX_PROMPTS, PROMPT_TAG_TYPES, GiftExchange, TagSet
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.tags.models import TagType

TYPE_NAMES = {t: TagType(t).label for t in PROMPT_TAG_TYPES}
# "Match on all of the request's tags" in the required-matches fields.
ALL_TAGS = -1


class ExchangeForm(forms.ModelForm[GiftExchange]):
    """The exchange's settings; the per-type limits and required matches are fields of
    their own, gathered into the model's JSON fields on save."""

    any_allowed = forms.MultipleChoiceField(
        label="Prompts may say “any” for",
        required=False,
        choices=list(TYPE_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GiftExchange
        fields = [
            "signups_close_at",
            "assignments_due_at",
            "requests_min",
            "requests_max",
            "offers_min",
            "offers_max",
            "tag_set",
            "allow_details",
            "allow_prompt_url",
            "prompts_required",
        ]
        labels = {
            "signups_close_at": "Sign-ups close at (UTC, optional)",
            "assignments_due_at": "Works due at (UTC, optional)",
            "tag_set": "Tags come from the tag set (optional)",
            "allow_details": "Prompts may have details",
            "allow_prompt_url": "Prompts may link to a prompt elsewhere",
            "prompts_required": "Requests a match must fulfil",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exchange = self.instance
        self.fields["tag_set"].queryset = TagSet.objects.filter(owners=user)  # type: ignore[attr-defined]
        for kind, limits in (
            ("request", exchange.request_tag_limits),
            ("offer", exchange.offer_tag_limits),
        ):
            for tag_type in PROMPT_TAG_TYPES:
                least, most = dict(limits).get(tag_type, [0, 0])
                for end, value in (("min", least), ("max", most)):
                    self.fields[f"{kind}_{tag_type}_{end}"] = forms.IntegerField(
                        label=f"{kind.title()}s: {end} {TYPE_NAMES[tag_type].lower()} tags",
                        min_value=0,
                        max_value=30,
                        initial=value,
                    )
        for tag_type in PROMPT_TAG_TYPES:
            self.fields[f"match_{tag_type}"] = forms.IntegerField(
                label=f"Shared {TYPE_NAMES[tag_type].lower()} tags a match needs (-1: all)",
                min_value=ALL_TAGS,
                max_value=30,
                initial=dict(exchange.required_matches).get(tag_type, 0),
            )
        self.fields["any_allowed"].initial = list(exchange.any_allowed or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in ("requests", "offers"):
            least, most = cleaned.get(f"{kind}_min"), cleaned.get(f"{kind}_max")
            if least is not None and most is not None and not 0 < most <= MAX_PROMPTS:
                self.add_error(f"{kind}_max", f"Between 1 and {MAX_PROMPTS}.")
            elif least is not None and most is not None and least > most:
                self.add_error(f"{kind}_min", "The least cannot be more than the most.")
        for kind in ("request", "offer"):
            for tag_type in PROMPT_TAG_TYPES:
                least = cleaned.get(f"{kind}_{tag_type}_min")
                most = cleaned.get(f"{kind}_{tag_type}_max")
                if least is not None and most is not None and least > most:
                    self.add_error(f"{kind}_{tag_type}_min", "More than the most.")
        if not cleaned.get(f"match_{TagType.FANDOM}") and not any(
            cleaned.get(f"match_{t}") for t in PROMPT_TAG_TYPES
        ):
            self.add_error(None, "Say what a match needs: at least one shared tag of a type.")
        return cleaned

    def save(self, commit: bool = True) -> GiftExchange:
        exchange = super().save(commit=False)
        c = self.cleaned_data
        exchange.request_tag_limits = {
            t: [c[f"request_{t}_min"], c[f"request_{t}_max"]] for t in PROMPT_TAG_TYPES
        }
        exchange.offer_tag_limits = {
            t: [c[f"offer_{t}_min"], c[f"offer_{t}_max"]] for t in PROMPT_TAG_TYPES
        }
        exchange.required_matches = {
            t: c[f"match_{t}"] for t in PROMPT_TAG_TYPES if c[f"match_{t}"]
        }
        exchange.any_allowed = list(c.get("any_allowed") or [])
        if commit:
            exchange.save()
        return exchange


class PromptForm(forms.Form):
    """One request or offer: tag names per type (separated by commas), "any", details."""

    details = LongTextField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label="Prompt link", required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args: Any, exchange: GiftExchange, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = exchange.limits(kind)
        for tag_type in PROMPT_TAG_TYPES:
            least, most = limits.get(tag_type, [0, 0])
            if most == 0 and tag_type not in (exchange.any_allowed or []):
                continue
            self.fields[tag_type] = SingleLineField(
                label=f"{TYPE_NAMES[tag_type]} ({least}–{most}, separated by commas)",
                required=False,
                max_length=2000,
                widget=forms.TextInput(
                    attrs={"data-autocomplete": tag_type, "list": f"tag-suggestions-{tag_type}"}
                ),
            )
            if tag_type in (exchange.any_allowed or []):
                self.fields[f"any_{tag_type}"] = forms.BooleanField(
                    label=f"Any {TYPE_NAMES[tag_type].lower()}", required=False
                )
        # The tags first: they are what the matching reads; details and the link follow.
        self.order_fields([name for name in self.fields if name not in ("details", "url")])
        if not exchange.allow_details:
            del self.fields["details"]
        if not exchange.allow_prompt_url:
            del self.fields["url"]

    def prompt_data(self) -> PromptData:
        c = self.cleaned_data
        return PromptData(
            tags={
                t: [n.strip() for n in (c.get(t) or "").split(",") if n.strip()]
                for t in PROMPT_TAG_TYPES
            },
            any_types=[t for t in PROMPT_TAG_TYPES if c.get(f"any_{t}")],
            details=c.get("details") or "",
            url=c.get("url") or "",
        )


class SignUpForm(forms.Form):
    pseud = forms.ModelChoiceField(queryset=Pseud.objects.none(), empty_label=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pseuds = Pseud.objects.filter(user=user).order_by("-is_default", "name")
        self.fields["pseud"].queryset = pseuds  # type: ignore[attr-defined]


def prompt_forms(
    exchange: GiftExchange, kind: str, data: Any = None, initial: list[dict[str, Any]] | None = None
) -> list[PromptForm]:
    """As many prompt forms as the exchange allows of ``kind``, each with its own prefix."""
    most = exchange.requests_max if kind == "request" else exchange.offers_max
    initial = initial or []
    return [
        PromptForm(
            data,
            exchange=exchange,
            kind=kind,
            prefix=f"{kind}-{number}",
            initial=initial[number - 1] if number <= len(initial) else None,
        )
        for number in range(1, min(most, MAX_PROMPTS) + 1)
    ]


class TagSetForm(forms.ModelForm[TagSet]):
    class Meta:
        model = TagSet
        fields = ["title", "nominations_open", "nomination_limit"]


class TagNamesForm(forms.Form):
    """Tags an owner adds to a set, or a member nominates: names of one type."""

    tag_type = forms.ChoiceField(label="Type", choices=list(TYPE_NAMES.items()))
    names = SingleLineField(label="Tags (separated by commas)", max_length=2000)

    def names_list(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["names"].split(",") if n.strip()]


class AssignmentFilterForm(forms.Form):
    """The moderators' assignments list: find a participant, or only those without a writer."""

    name = SingleLineField(label="Recipient or writer", max_length=100, required=False)
    unmatched_only = forms.BooleanField(label="Only those without a writer", required=False)
