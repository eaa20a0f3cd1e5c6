"""The wrangling forms: one tag's edit form, and the unwrangled bin's bulk form.

Names typed by the wrangler are looked up here; a name that matches no tag is a form error
next to its field, never an exception.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ficshelf.core.forms import SingleLineField
from ficshelf.tags.models import MEDIA, TAG_NAME_MAX_LENGTH, UNCATEGORIZED_MEDIA, Tag, TagType


def find_tag(name: str) -> Tag | None:
    """The tag of exactly this name, or else the only one that differs just in case."""
    name = name.strip()
    try:
        return Tag.objects.get(name=name)
    except Tag.DoesNotExist:
        matches = list(Tag.objects.filter(name__iexact=name)[:2])
        return matches[0] if len(matches) == 1 else None


def _names(value: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))


def _tags_named(value: str, field_label: str) -> list[Tag]:
    tags, unknown = [], []
    for name in _names(value):
        tag = find_tag(name)
        if tag is None:
            unknown.append(name)
        else:
            tags.append(tag)
    if unknown:
        listed = ", ".join(f"“{n}”" for n in unknown)
        raise forms.ValidationError(f"{field_label}: there is no tag named {listed}.")
    return tags


class TagWranglingForm(forms.Form):
    is_canonical = forms.BooleanField(
        required=False,
        label="Canonical",
        help_text="Canonical tags are the ones filters offer and other tags are merged into.",
    )
    synonym_of = SingleLineField(
        required=False,
        max_length=TAG_NAME_MAX_LENGTH,
        label="Synonym of",
        help_text="The canonical tag this one means the same as. Leave empty for none.",
    )
    add_meta_tags = SingleLineField(
        required=False,
        max_length=5000,
        label="Add meta tags",
        help_text="Broader canonical tags of the same type, separated by commas.",
    )
    remove_meta_tags = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple, label="Remove meta tags"
    )
    add_parents = SingleLineField(
        required=False,
        max_length=5000,
        label="Add parent tags",
        help_text="Canonical fandoms (or, for a relationship, characters), separated by commas.",
    )
    remove_parents = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Remove parent tags",
    )

    def __init__(self, *args: Any, tag: Tag, **kwargs: Any) -> None:
        self.tag = tag
        kwargs.setdefault(
            "initial",
            {
                "is_canonical": tag.is_canonical,
                "synonym_of": tag.merger.name if tag.merger else "",
            },
        )
        super().__init__(*args, **kwargs)
        self.current_metas = list(Tag.objects.filter(sub_taggings__sub_tag=tag).order_by("name"))
        self.current_parents = list(
            Tag.objects.filter(child_taggings__child=tag).order_by("type", "name")
        )
        remove_metas = self.fields["remove_meta_tags"]
        assert isinstance(remove_metas, forms.TypedMultipleChoiceField)
        remove_metas.choices = [(t.pk, t.name) for t in self.current_metas]
        remove_parents = self.fields["remove_parents"]
        assert isinstance(remove_parents, forms.TypedMultipleChoiceField)
        remove_parents.choices = [(t.pk, t.name) for t in self.current_parents]
        parent_type = TagType.MEDIA if tag.type == TagType.FANDOM else TagType.FANDOM
        if tag.type == TagType.FANDOM:
            # A fandom's parents are its media (AO3's "Media" field on a fandom).
            self.fields["add_parents"].label = "Add media"
            self.fields["add_parents"].help_text = (
                "Media this fandom belongs to, separated by commas: "
                + ", ".join(m for m in MEDIA if m != UNCATEGORIZED_MEDIA)
                + "."
            )
            self.fields["remove_parents"].label = "Remove media"
        self.fields["add_parents"].widget.attrs.update(
            {"data-autocomplete": parent_type, "autocomplete": "off"}
        )
        for name in ("synonym_of", "add_meta_tags"):
            self.fields[name].widget.attrs.update(
                {"data-autocomplete": tag.type, "autocomplete": "off"}
            )

    def clean_synonym_of(self) -> Tag | None:
        name = self.cleaned_data["synonym_of"].strip()
        if not name:
            return None
        tag = find_tag(name)
        if tag is None:
            raise forms.ValidationError(f"There is no tag named “{name}”.")
        return tag

    def clean_add_meta_tags(self) -> list[Tag]:
        return _tags_named(self.cleaned_data["add_meta_tags"], "Meta tags")

    def clean_add_parents(self) -> list[Tag]:
        return _tags_named(self.cleaned_data["add_parents"], "Parent tags")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("synonym_of") is not None and cleaned.get("is_canonical"):
            raise forms.ValidationError(
                "A synonym can't be canonical too: untick “Canonical” or empty “Synonym of”."
            )
        return cleaned


class BulkAction:
    CANONICAL = "canonical"
    PARENT = "parent"
    MERGE = "merge"


class UnwrangledBinForm(forms.Form):
    tags = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one tag."},
    )
    action = forms.ChoiceField(
        choices=[
            (BulkAction.CANONICAL, "Make canonical"),
            (BulkAction.PARENT, "Add this fandom as their parent"),
            (BulkAction.MERGE, "Make synonyms of the canonical tag named below"),
        ],
        widget=forms.RadioSelect,
        label="With the chosen tags",
    )
    merge_into = SingleLineField(
        required=False, max_length=TAG_NAME_MAX_LENGTH, label="Canonical tag to merge into"
    )

    def __init__(self, *args: Any, bin_tags: list[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bin_tags = {t.pk: t for t in bin_tags}
        tags_field = self.fields["tags"]
        assert isinstance(tags_field, forms.TypedMultipleChoiceField)
        tags_field.choices = [(t.pk, t.name) for t in bin_tags]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") == BulkAction.MERGE:
            name = (cleaned.get("merge_into") or "").strip()
            if not name:
                self.add_error("merge_into", "Name the canonical tag to merge them into.")
            else:
                target = find_tag(name)
                if target is None:
                    self.add_error("merge_into", f"There is no tag named “{name}”.")
                cleaned["merge_target"] = target
        cleaned["chosen"] = [self.bin_tags[pk] for pk in cleaned.get("tags", [])]
        return cleaned
