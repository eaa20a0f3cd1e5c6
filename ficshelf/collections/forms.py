"""The forms of the collection pages: a collection's settings, its header image, a work
invited or added by address, and who runs it."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from ficshelf.accounts.models import User
from ficshelf.core.forms import LongTextField, SingleLineField
from ficshelf.core.sanitizer import SANITIZER_VERSION, sanitize_html
from ficshelf.core.uploaded_images import ImageLimits, checked_image
from ficshelf.works.collection_models import (
    COLLECTION_NAME_MAX,
    HEADER_IMAGE_MAX_BYTES,
    ChallengeType,
    Collection,
    Role,
)
from ficshelf.works.models import Work

# A header is a banner: wide and short. Pixels are counted before the image is decoded, so
# a small file that unpacks into a huge picture is refused without unpacking it.
HEADER_MAX_WIDTH = 2000
HEADER_MAX_HEIGHT = 800
HEADER_LIMITS = ImageLimits(HEADER_IMAGE_MAX_BYTES, HEADER_MAX_WIDTH, HEADER_MAX_HEIGHT)
# The introduction, rules and FAQ: a page each, as AO3's profile tabs.
PAGE_TEXT_MAX = 20_000
_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_WORK_ADDRESS = re.compile(r"(?:^|/)works/(\d+)(?:[/?#]|$)")


class CollectionForm(forms.ModelForm[Collection]):
    summary = LongTextField(
        required=False,
        max_length=1250,
        help_text="Shown in the collections listing. HTML is allowed.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    intro = LongTextField(
        label="Introduction",
        required=False,
        max_length=PAGE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    rules = LongTextField(
        required=False, max_length=PAGE_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    faq = LongTextField(
        label="FAQ",
        required=False,
        max_length=PAGE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    header_image_file = forms.FileField(
        label="Header image",
        required=False,
        help_text=f"{HEADER_LIMITS.described}.",
    )
    remove_header_image = forms.BooleanField(label="Remove the header image", required=False)

    class Meta:
        model = Collection
        fields = [
            "name",
            "title",
            "parent",
            "summary",
            "intro",
            "rules",
            "faq",
            "header_image_alt",
            "is_open",
            "is_moderated",
            "is_anonymous",
            "is_unrevealed",
            "reveal_at",
            "challenge_type",
        ]
        labels = {
            "name": "Collection name (its address)",
            "title": "Display title",
            "parent": "Parent collection",
            "intro": "Introduction",
            "faq": "FAQ",
            "header_image_alt": "Header image description",
            "is_open": "Open: members may add their works",
            "is_moderated": "Moderated: works wait for a moderator's approval",
            "is_anonymous": "Anonymous: works are shown without their creators",
            "is_unrevealed": "Unrevealed: works are hidden until the moderators reveal them",
            "reveal_at": "Reveal at (optional; UTC, e.g. 2027-01-01 12:00)",
            "challenge_type": "Challenge",
        }
        help_texts = {
            "name": "Letters, digits and underscores; it cannot be changed later.",
            "header_image_alt": "For readers who cannot see the image.",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # A subcollection's parent: a top-level collection the user runs (one level only).
        parents = Collection.objects.top_level().filter(
            participants__user=user, participants__role__in=[Role.OWNER, Role.MODERATOR]
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["name"].disabled = True
        self.fields["parent"].queryset = parents.distinct()  # type: ignore[attr-defined]
        self.header_image: tuple[bytes, str] | None = None

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if self.instance.pk:
            return self.instance.name
        if not _NAME.match(name) or len(name) > COLLECTION_NAME_MAX:
            raise forms.ValidationError("Use letters, digits and underscores only.")
        if Collection.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("That name is taken.")
        return name

    def clean_parent(self) -> Collection | None:
        parent: Collection | None = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            raise forms.ValidationError("A collection with subcollections cannot have a parent.")
        return parent

    def clean_header_image_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("header_image_file")
        if upload is None:
            return None
        self.header_image = checked_header_image(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field in ("summary", "intro", "rules", "faq"):
            if field in cleaned:
                cleaned[field] = sanitize_html(cleaned[field])
        if cleaned.get("reveal_at") and not (
            cleaned.get("is_anonymous") or cleaned.get("is_unrevealed")
        ):
            self.add_error("reveal_at", "A reveal time is for anonymous or unrevealed collections.")
        return cleaned

    def save(self, commit: bool = True) -> Collection:
        collection = super().save(commit=False)
        collection.sanitizer_version = SANITIZER_VERSION
        if self.cleaned_data.get("remove_header_image"):
            collection.header_image, collection.header_image_type = None, ""
        if self.header_image is not None:
            collection.header_image, collection.header_image_type = self.header_image
        if commit:
            collection.save()
        return collection


def checked_header_image(upload: UploadedFile) -> tuple[bytes, str]:
    """The upload's bytes and media type, if it is an image of an allowed format and size.
    The size is read from the header before anything is decoded (``core.uploaded_images``)."""
    checked = checked_image(upload, HEADER_LIMITS)
    return checked.data, checked.media_type


class WorkAddressForm(forms.Form):
    """A moderator invites a work by its address (or number)."""

    work = SingleLineField(
        label="Work to invite",
        max_length=500,
        help_text="The work's address on this archive, or its number.",
    )

    def clean_work(self) -> Work:
        text = self.cleaned_data["work"].strip()
        found = _WORK_ADDRESS.search(text)
        number = found.group(1) if found else text
        if not number.isdigit():
            raise forms.ValidationError("Give the address of a work on this archive.")
        work = Work.objects.filter(pk=int(number), is_posted=True).first()
        if work is None:
            raise forms.ValidationError("There is no posted work at that address.")
        return work


class AddToCollectionForm(forms.Form):
    """A creator adds their work to a collection by its name."""

    collection = SingleLineField(
        label="Collection",
        max_length=COLLECTION_NAME_MAX,
        help_text="The collection's name or display title.",
        widget=forms.TextInput(
            attrs={"data-autocomplete": "collection", "list": "collection-names"}
        ),
    )

    def clean_collection(self) -> Collection:
        return collection_named(self.cleaned_data["collection"])


def collection_named(text: str) -> Collection:
    text = text.strip()
    found = (
        Collection.objects.filter(name__iexact=text).first()
        or Collection.objects.filter(title__iexact=text).order_by("pk").first()
    )
    if found is None:
        raise forms.ValidationError(f"There is no collection named {text}.")
    return found


class ParticipantForm(forms.Form):
    username = SingleLineField(label="Member's user name", max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MODERATOR)

    def clean_username(self) -> User:
        user = User.objects.filter(
            username__iexact=self.cleaned_data["username"].strip(), is_active=True
        ).first()
        if user is None:
            raise forms.ValidationError("There is no member with that name.")
        return user


class CollectionFilterForm(forms.Form):
    """The collections listing's filters."""

    q = SingleLineField(label="Name or title", required=False, max_length=200)
    state = forms.ChoiceField(
        label="Open or closed",
        required=False,
        choices=[("", "Any"), ("open", "Open"), ("closed", "Closed")],
    )
    challenge = forms.ChoiceField(
        label="Challenge",
        required=False,
        choices=[("", "Any"), ("none", "No challenge"), *ChallengeType.choices[1:]],
    )
    fandom = SingleLineField(label="Fandom", required=False, max_length=200)
