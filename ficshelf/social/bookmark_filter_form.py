"""The bookmark listings' sidebar and the bookmark search form, read into a ``BookmarkQuery``.

One form for both pages: the sidebar sends checked tags (``tag``: the work's tags by id,
``bookmark_tag``: the bookmarker's tags by name), the search page sends typed fields.
A value that cannot be used is a form error shown beside its field, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models.functions import Lower

from ficshelf.core.forms import SingleLineField
from ficshelf.social.bookmark_listing import (
    SORT_BOOKMARKED,
    SORT_LABELS,
    BookmarkQuery,
    tags_reader_may_meet,
)
from ficshelf.social.bookmark_tags import bookmark_tag_names
from ficshelf.tags.models import Tag

if TYPE_CHECKING:
    from ficshelf.social.bookmark_listing import Viewer

# More checked tags than anyone ticks by hand: a longer list is a made-up address.
MAX_CHOSEN_TAGS = 30


class ManyValuesField(forms.Field):
    """Every value a parameter has in the query (``?tag=1&tag=2``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        if len(values) > MAX_CHOSEN_TAGS:
            raise forms.ValidationError(f"Choose at most {MAX_CHOSEN_TAGS} tags at once.")
        return list(dict.fromkeys(values))


class BookmarkFilterForm(forms.Form):
    bookmarker = SingleLineField(label="Bookmarker", required=False, max_length=150)
    notes = SingleLineField(label="Notes", required=False, max_length=200)
    bookmarker_tags = SingleLineField(
        label="Bookmarker's tags",
        required=False,
        max_length=1000,
        help_text="Separate tags with commas.",
    )
    title = SingleLineField(label="Work title", required=False, max_length=255)
    creator = SingleLineField(label="Work creator", required=False, max_length=255)
    work_tags = SingleLineField(
        label="Work tags",
        required=False,
        max_length=1000,
        help_text="Fandoms, characters, relationships, ratings, warnings or additional tags, "
        "separated by commas.",
    )
    tag = ManyValuesField(required=False)
    bookmark_tag = ManyValuesField(required=False)
    is_rec = forms.BooleanField(label="Rec", required=False)
    with_notes = forms.BooleanField(label="With notes", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=list(SORT_LABELS.items()), initial=SORT_BOOKMARKED
    )

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    SEARCH_FIELDS = ("bookmarker", "notes", "bookmarker_tags", "title", "creator", "work_tags")

    def clean_tag(self) -> list[int]:
        values: list[str] = self.cleaned_data["tag"]
        if not all(value.isdigit() and len(value) < 12 for value in values):
            raise forms.ValidationError("That tag filter is not one of the listed tags.")
        return [int(value) for value in values]

    def clean_work_tags(self) -> list[Tag]:
        names = [n.strip() for n in self.cleaned_data["work_tags"].split(",") if n.strip()]
        if len(names) > MAX_CHOSEN_TAGS:
            raise forms.ValidationError(f"Name at most {MAX_CHOSEN_TAGS} tags at once.")
        wanted = {name.casefold(): name for name in names}
        lowered = Tag.objects.annotate(lowered=Lower("name"))
        # A tag the reader may not know of (only on drafts, say) is answered as unknown.
        named = lowered.filter(lowered__in=[name.lower() for name in names])
        found = {tag.name.casefold(): tag for tag in tags_reader_may_meet(named, self.viewer)}
        missing = [name for key, name in wanted.items() if key not in found]
        if missing:
            raise forms.ValidationError(
                "No tag is called " + ", ".join(f"“{name}”" for name in missing) + "."
            )
        return [found[key] for key in wanted]

    def has_search(self) -> bool:
        """Whether anything was typed or checked (an empty search page shows only the form)."""
        typed = (*self.SEARCH_FIELDS, "is_rec", "with_notes")
        data = self.data
        lists = ("tag", "bookmark_tag")
        return any(data.get(name) for name in typed) or any(data.get(name) for name in lists)

    def to_query(self, **scope: Any) -> BookmarkQuery:
        """The query of what was valid (call after ``is_valid``); fields in error ask nothing."""
        c = self.cleaned_data
        # A typed tag filters by its canonical, as a checked one does.
        typed = [tag.merger_id or tag.pk for tag in c.get("work_tags") or []]
        typed_names = bookmark_tag_names(c.get("bookmarker_tags", ""))
        return BookmarkQuery(
            bookmarker_name=c.get("bookmarker", ""),
            notes_words=c.get("notes", ""),
            bookmark_tags=tuple(dict.fromkeys([*(c.get("bookmark_tag") or []), *typed_names])),
            work_tag_ids=tuple(dict.fromkeys([*(c.get("tag") or []), *typed])),
            title_words=c.get("title", ""),
            creator_name=c.get("creator", ""),
            is_rec=bool(c.get("is_rec")),
            has_notes=bool(c.get("with_notes")),
            sort=c.get("sort") or SORT_BOOKMARKED,
            **scope,
        )
