"""The work form: posting a new work (with its first chapter) and editing one."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from ficshelf.accounts.access import saved_preference
from ficshelf.accounts.models import Block, Pseud, User
from ficshelf.core.forms import SingleLineField
from ficshelf.tags.models import ARCHIVE_WARNINGS, CATEGORIES, RATINGS, WORK_TAGS_LIMIT, TagType
from ficshelf.works import collection_models
from ficshelf.works.actions import (
    ChapterData,
    SkinChoice,
    WorkData,
    WorkMedia,
    refused_gift_names,
    series_of,
    unique_names,
)
from ficshelf.works.collection_items import moderates
from ficshelf.works.forms.chapter import ChapterTextMixin
from ficshelf.works.forms.fields import (
    NOTES_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TextFormat,
    _html_area,
    _tag_input,
    split_names,
    tag_names,
)
from ficshelf.works.forms.media import WorkMediaFields, media_initial
from ficshelf.works.forms.schedule import PostAtField
from ficshelf.works.inspiration import (
    InspirationData,
    InspirationError,
    ResolvedInspiration,
    resolve,
)
from ficshelf.works.member_choices import pseuds_refusing_co_creation
from ficshelf.works.models import CommentPermission, Inspiration, Language, Series, Work

INSPIRATION_FIELDS = (
    "inspired_by_url",
    "inspired_by_title",
    "inspired_by_creator",
    "is_translation",
)
# How many works one work may name as its sources (AO3 sets no number; a form must).
MAX_SOURCES = 10


def source_field_names(slot: int) -> tuple[str, ...]:
    """The form's fields naming one source: the first slot's as they always were named,
    the others' with their number (``inspired_by_url_2``)."""
    return INSPIRATION_FIELDS if slot == 0 else tuple(f"{n}_{slot + 1}" for n in INSPIRATION_FIELDS)


class WorkForm(PostAtField, WorkMediaFields, ChapterTextMixin):
    title = SingleLineField(
        label="Work title",
        max_length=TITLE_MAX,
        error_messages={"required": "Give the work a title."},
    )
    rating = forms.ChoiceField(
        label="Rating",
        choices=[("", "Choose a rating"), *((r, r) for r in RATINGS)],
        error_messages={"required": "Choose a rating (“Not Rated” if you'd rather not)."},
    )
    warnings = forms.MultipleChoiceField(
        label="Archive warnings",
        choices=[(w, w) for w in ARCHIVE_WARNINGS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one archive warning."},
    )
    categories = forms.MultipleChoiceField(
        label="Categories",
        required=False,
        choices=[(c, c) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
    )
    fandoms = _tag_input(TagType.FANDOM, "Fandoms", required=True)
    relationships = _tag_input(TagType.RELATIONSHIP, "Relationships")
    characters = _tag_input(TagType.CHARACTER, "Characters")
    freeforms = _tag_input(TagType.FREEFORM, "Additional tags")
    language = forms.ModelChoiceField(
        label="Language",
        queryset=Language.objects.all(),
        empty_label="Choose a language",
        error_messages={"required": "Choose the language the work is written in."},
    )
    pseud = forms.ModelChoiceField(
        label="Post as", queryset=Pseud.objects.none(), required=False, empty_label=None
    )
    summary = _html_area("Summary", SUMMARY_MAX)
    notes = _html_area("Notes (at the beginning)", NOTES_MAX)
    end_notes = _html_area("End notes", NOTES_MAX)

    series = forms.ModelChoiceField(
        label="Add to one of your series",
        queryset=Series.objects.none(),
        required=False,
        empty_label="(none)",
    )
    new_series_title = SingleLineField(
        label="Or start a new series titled", required=False, max_length=255
    )
    series_position = forms.IntegerField(
        label="Part number in the series",
        required=False,
        min_value=1,
        max_value=9999,
        help_text="Leave empty to add it after the last part.",
    )
    leave_series = forms.ModelMultipleChoiceField(
        label="Take the work out of these series",
        queryset=Series.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="It stays in the others: a work can be part of several series.",
    )
    co_creators = SingleLineField(
        label="Invite co-creators",
        required=False,
        max_length=2000,
        help_text="Their pseuds or user names, separated by commas. They are credited "
        "once they accept.",
    )
    collections = SingleLineField(
        label="Post to collections",
        required=False,
        max_length=2000,
        help_text="Collection names, separated by commas. A moderated collection reviews "
        "the work first; an anonymous one hides your name on it, an unrevealed one the "
        "work itself until the reveal.",
        widget=forms.TextInput(
            attrs={"data-autocomplete": "collection", "list": "collection-suggestions"}
        ),
    )
    gift_recipients = SingleLineField(
        label="Gift this work to",
        required=False,
        max_length=2000,
        help_text="Names, separated by commas.",
    )
    inspired_by_url = SingleLineField(
        label="Inspired by (the work's address)",
        required=False,
        max_length=500,
        help_text="A work on this archive, or the full address of one elsewhere. Its "
        "creators hear of yours.",
    )
    inspired_by_title = SingleLineField(
        label="Its title (for a work elsewhere)", required=False, max_length=255
    )
    inspired_by_creator = SingleLineField(
        label="Its creator (for a work elsewhere)", required=False, max_length=255
    )
    is_translation = forms.BooleanField(label="My work is a translation of it", required=False)
    is_restricted = forms.BooleanField(
        label="Only show this work to registered users", required=False
    )
    comment_permission = forms.ChoiceField(
        label="Who can comment",
        choices=CommentPermission.choices,
        initial=CommentPermission.EVERYONE,
        widget=forms.RadioSelect,
    )
    moderated_comments = forms.BooleanField(
        label="Moderate comments (approve each one before it shows)", required=False
    )
    expected_chapter_count = forms.IntegerField(
        label="Expected number of chapters",
        required=False,
        min_value=1,
        max_value=9999,
        help_text="Leave empty if you don't know yet (shown as “?”).",
    )
    is_complete = forms.BooleanField(
        label="This work is complete",
        required=False,
        help_text="Sets the expected number to the chapters posted.",
    )
    published_on = forms.DateField(
        label="Publication date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Set a date in the past to backdate the work; empty means today.",
    )
    chapter_title = SingleLineField(
        label="First chapter's title", required=False, max_length=TITLE_MAX
    )
    chapter_summary = _html_area("First chapter's summary", SUMMARY_MAX, rows=3)
    chapter_notes = _html_area("First chapter's notes", NOTES_MAX, rows=3)
    chapter_end_notes = _html_area("First chapter's end notes", NOTES_MAX, rows=3)

    field_order = [
        "rating",
        "warnings",
        "categories",
        "fandoms",
        "relationships",
        "characters",
        "freeforms",
        "title",
        "pseud",
        "summary",
        "notes",
        "end_notes",
        "language",
        "series",
        "new_series_title",
        "series_position",
        "leave_series",
        "co_creators",
        "collections",
        "gift_recipients",
        "inspired_by_url",
        "inspired_by_title",
        "inspired_by_creator",
        "is_translation",
        "is_restricted",
        "comment_permission",
        "moderated_comments",
        "expected_chapter_count",
        "is_complete",
        "published_on",
        "post_at",
        "chapter_title",
        "chapter_summary",
        "chapter_notes",
        "chapter_end_notes",
        "text_format",
        "text",
        "text_file",
    ]

    def __init__(
        self,
        *args: Any,
        user: User,
        work: Work | None = None,
        site_hosts: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        if work is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(work)
        super().__init__(*args, **kwargs)
        self.user = user
        self.work = work
        self.site_hosts = site_hosts
        self.inspirations: list[ResolvedInspiration] | None = None
        self.limit_skins(user, work)
        self._add_source_slots(work)
        self.fields["series"].queryset = Series.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in series_of(user)]
            + ([sw.series_id for sw in work.series_works.all()] if work else [])
        ).order_by("title")
        in_series = [sw.series_id for sw in work.series_works.all()] if work else []
        if in_series:
            self.fields["leave_series"].queryset = Series.objects.filter(  # type: ignore[attr-defined]
                pk__in=in_series
            ).order_by("title")
        else:
            del self.fields["leave_series"]
        if work is None:
            self.fields["language"].initial = Language.objects.filter(short="en").first()
            # The member's default for new works (their preferences).
            if not saved_preference(user.pk).guest_comments_on_new_works:
                self.fields["comment_permission"].initial = CommentPermission.REGISTERED
        pseuds = Pseud.objects.filter(user=user).order_by("-is_default", "name")
        if work is None and len(pseuds) > 1:
            self.fields["pseud"].queryset = pseuds  # type: ignore[attr-defined]
        else:
            # One pseud, or an existing work: nothing to choose here.
            del self.fields["pseud"]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the work a title.")
        return title

    def clean_fandoms(self) -> list[str]:
        names = tag_names(self.cleaned_data["fandoms"])
        if not names:
            raise forms.ValidationError("Tag the work with at least one fandom.")
        return names

    def clean_relationships(self) -> list[str]:
        return tag_names(self.cleaned_data["relationships"])

    def clean_characters(self) -> list[str]:
        return tag_names(self.cleaned_data["characters"])

    def clean_freeforms(self) -> list[str]:
        return tag_names(self.cleaned_data["freeforms"])

    def _limit_tag_count(self, cleaned: dict[str, Any]) -> None:
        # As AO3 counts: the tags a writer makes, fandoms to additional tags, together.
        fields = ["fandoms", "relationships", "characters", "freeforms"]
        count = len(unique_names(name for f in fields for name in cleaned.get(f) or []))
        if count > WORK_TAGS_LIMIT:
            self.add_error(
                None,
                f"Fandom, relationship, character and additional tags can add up to at most "
                f"{WORK_TAGS_LIMIT}; this work has {count}, so remove {count - WORK_TAGS_LIMIT}.",
            )

    def clean_collections(self) -> list[collection_models.Collection]:
        """The named collections; a closed one only if the work is in it already or the
        member moderates it."""
        found: list[collection_models.Collection] = []
        joined = set(
            self.work.collection_items.values_list("collection_id", flat=True) if self.work else ()
        )
        problems: list[str] = []
        for name in split_names(self.cleaned_data["collections"]):
            named = collection_models.Collection.objects
            collection = named.filter(name__iexact=name).first() or (
                named.filter(title__iexact=name).order_by("pk").first()
            )
            if collection is None:
                problems.append(f"There is no collection named {name}.")
            elif (
                collection.pk not in joined
                and not collection.is_open
                and not moderates(self.user, collection)
            ):
                problems.append(f"{collection.title} is closed to new works.")
            elif collection not in found:
                found.append(collection)
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean_gift_recipients(self) -> list[str]:
        names = split_names(self.cleaned_data["gift_recipients"])
        refusing = self._blocking_names(Pseud.objects.filter(name__in=names))
        if refusing:
            # As on AO3: someone who blocked you cannot be given your works.
            raise forms.ValidationError("You can't give a gift to " + ", ".join(refusing) + ".")
        refusing = refused_gift_names(names, writer=self.user, work=self.work)
        if refusing:
            raise forms.ValidationError(
                ", ".join(refusing) + " does not accept gifts. Take the name out to post."
                if len(refusing) == 1
                else ", ".join(refusing) + " do not accept gifts. Take the names out to post."
            )
        return names

    def _blocking_names(self, pseuds: Iterable[Pseud]) -> list[str]:
        blockers = set(Block.objects.filter(blocked=self.user).values_list("blocker_id", flat=True))
        return sorted({p.name for p in pseuds if p.user_id in blockers})

    def clean_co_creators(self) -> list[Pseud]:
        pseuds: list[Pseud] = []
        unknown: list[str] = []
        for name in split_names(self.cleaned_data["co_creators"]):
            pseud = (
                Pseud.objects.filter(Q(name=name) | Q(user__username=name, is_default=True))
                .filter(user__isnull=False)
                .exclude(user=self.user)
                .order_by("-is_default", "pk")
                .first()
            )
            if pseud is None:
                unknown.append(name)
            else:
                pseuds.append(pseud)
        if unknown:
            raise forms.ValidationError(
                "No other writer here is called " + ", ".join(unknown) + "."
            )
        refusing = self._blocking_names(pseuds)
        if refusing:
            raise forms.ValidationError("You can't invite " + ", ".join(refusing) + ".")
        invited = (
            set(self.work.creatorships.values_list("pseud_id", flat=True)) if self.work else set()
        )
        declining = pseuds_refusing_co_creation(p for p in pseuds if p.pk not in invited)
        if declining:
            raise forms.ValidationError(
                ", ".join(sorted(p.name for p in declining))
                + " does not accept co-creator invitations."
            )
        return pseuds

    def clean_published_on(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("published_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The publication date can't be in the future.")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_text()
        self._limit_tag_count(cleaned)
        if cleaned.get("series") and cleaned.get("new_series_title", "").strip():
            self.add_error("new_series_title", "Choose one of your series or a new one, not both.")
        self._resolve_inspiration(cleaned)
        return cleaned

    def _add_source_slots(self, work: Work | None) -> None:
        """One set of source fields per source the work names, and one more to name
        another (two on a new work), up to ``MAX_SOURCES``."""
        named = (
            Inspiration.objects.filter(work=work).exclude(source=None, url="").count()
            if work is not None
            else 0
        )
        self.source_slots = min(MAX_SOURCES, max(2, named + 1))
        for slot in range(1, self.source_slots):
            url, title, creator, translation = source_field_names(slot)
            self.fields[url] = SingleLineField(
                label="Another work yours was inspired by (its address)",
                required=False,
                max_length=500,
            )
            self.fields[title] = SingleLineField(
                label="Its title (for a work elsewhere)", required=False, max_length=255
            )
            self.fields[creator] = SingleLineField(
                label="Its creator (for a work elsewhere)", required=False, max_length=255
            )
            self.fields[translation] = forms.BooleanField(
                label="My work is a translation of it", required=False
            )

    def source_field_groups(self) -> list[list[forms.BoundField]]:
        """The bound fields of the slots after the first, for the template."""
        return [
            [self[name] for name in source_field_names(slot)]
            for slot in range(1, self.source_slots)
        ]

    def _resolve_inspiration(self, cleaned: dict[str, Any]) -> None:
        names = [n for slot in range(self.source_slots) for n in source_field_names(slot)]
        if self.work is not None and not set(names) & set(self.changed_data):
            return  # left as it was (a deleted source's line stays, with nothing to show)
        resolved: list[ResolvedInspiration] = []
        for slot in range(self.source_slots):
            url, title, creator, translation = source_field_names(slot)
            data = InspirationData(
                url=cleaned.get(url, ""),
                title=cleaned.get(title, ""),
                creator=cleaned.get(creator, ""),
                is_translation=cleaned.get(translation, False),
            )
            try:
                resolved.append(
                    resolve(data, work=self.work, user=self.user, site_hosts=self.site_hosts)
                )
            except InspirationError as problem:
                self.add_error(url, str(problem))
        self.inspirations = resolved

    def to_data(self) -> WorkData:
        c = self.cleaned_data
        return WorkData(
            title=c["title"],
            pseud=c.get("pseud"),
            rating=c["rating"],
            warnings=c["warnings"],
            categories=c["categories"],
            fandoms=c["fandoms"],
            relationships=c["relationships"],
            characters=c["characters"],
            freeforms=c["freeforms"],
            language=c["language"],
            summary=c["summary"],
            notes=c["notes"],
            end_notes=c["end_notes"],
            series=c["series"],
            new_series_title=c["new_series_title"],
            series_position=c["series_position"],
            leave_series=list(c.get("leave_series") or []),
            co_creators=c["co_creators"],
            gift_recipients=c["gift_recipients"],
            collections=c["collections"],
            is_restricted=c["is_restricted"],
            comment_permission=c["comment_permission"],
            moderated_comments=c["moderated_comments"],
            expected_chapter_count=c["expected_chapter_count"],
            is_complete=c["is_complete"],
            published_on=c["published_on"],
            inspirations=self.inspirations,
            post_at=c.get("post_at"),
            media=WorkMedia(
                is_podfic=c["is_podfic"],
                is_fanart=c["is_fanart"],
                audio_duration=c["audio_duration"],
                audio_format=c["audio_format"],
            ),
            work_skin=SkinChoice(c["work_skin"]),
            chapter=ChapterData(
                title=c["chapter_title"],
                summary=c["chapter_summary"],
                notes=c["chapter_notes"],
                end_notes=c["chapter_end_notes"],
                text=self.chapter_text_html(),
            ),
        )


def initial_for(work: Work) -> dict[str, Any]:
    """The edit form filled from a saved work (its first chapter included)."""
    tags = list(work.tags.all())

    def names(tag_type: str) -> list[str]:
        return sorted(t.name for t in tags if t.type == tag_type)

    first = work.chapters.order_by("position").first()
    series_work = work.series_works.first()
    inspirations = list(Inspiration.objects.filter(work=work).select_related("source"))
    return {
        "title": work.title,
        "rating": next(iter(names(TagType.RATING)), ""),
        "warnings": names(TagType.WARNING),
        "categories": names(TagType.CATEGORY),
        "fandoms": ", ".join(names(TagType.FANDOM)),
        "relationships": ", ".join(names(TagType.RELATIONSHIP)),
        "characters": ", ".join(names(TagType.CHARACTER)),
        "freeforms": ", ".join(names(TagType.FREEFORM)),
        "language": work.language_id,
        "summary": work.summary,
        "notes": work.notes,
        "end_notes": work.end_notes,
        "series": series_work.series_id if series_work else None,
        "series_position": series_work.position if series_work else None,
        "gift_recipients": ", ".join(
            g.recipient_name for g in work.gifts.all() if g.refused_at is None
        ),
        # Those the creators said yes to (an invitation is answered on its own page).
        "collections": ", ".join(
            item.collection.name
            for item in work.collection_items.select_related("collection").order_by("pk")
            if item.creator_approval == collection_models.Approval.APPROVED
        ),
        **_inspiration_initial(inspirations),
        **media_initial(work),
        "is_restricted": work.is_restricted,
        "comment_permission": work.comment_permission,
        "moderated_comments": work.moderated_comments,
        "expected_chapter_count": work.expected_chapter_count,
        "is_complete": work.is_complete,
        "published_on": work.published_on,
        "post_at": work.post_at,
        "chapter_title": first.title if first else "",
        "chapter_summary": first.summary if first else "",
        "chapter_notes": first.notes if first else "",
        "chapter_end_notes": first.end_notes if first else "",
        "text": first.text if first else "",
        "text_format": TextFormat.HTML,
    }


def _inspiration_initial(rows: list[Inspiration]) -> dict[str, Any]:
    """The slots filled from the sources the work names (a deleted source has nothing to
    edit: its line stays as it is)."""
    initial: dict[str, Any] = {}
    editable = [row for row in rows if row.source is not None or row.url]
    for slot, row in enumerate(editable[:MAX_SOURCES]):
        if row.source is not None:  # on this archive: its address says it all
            values = (row.source.get_absolute_url(), "", "", row.is_translation)
        else:  # elsewhere
            values = (row.url, row.title, row.creator, row.is_translation)
        initial.update(zip(source_field_names(slot), values, strict=True))
    return initial
