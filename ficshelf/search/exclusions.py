"""Saved exclusions: tags (warnings are tags), creators, and "not more than N fandoms or
relationships", applied to every listing, search and count a reader sees.

Members keep them in an ``ExclusionSet`` row; guests keep the same in their session, for the
visit. ``exclusions_for(request)`` is what listings read; the form and the page that edit
them live here and in ``search.views``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Lower
from django.http import HttpRequest

from ficshelf.accounts.models import User
from ficshelf.accounts.reader_cache import cached_for_reader
from ficshelf.search.models import ExclusionSet
from ficshelf.tags.models import ARCHIVE_WARNINGS, Tag, TagType
from ficshelf.works.tag_access import visible_among

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

SESSION_KEY = "search_exclusions"
# A reader who types more names than this is pasting something else by mistake.
MAX_NAMES = 200
# Tag names and usernames are separated by commas, as in the posting form.
SEPARATOR = ","
# Saved exclusions name tags and creators that wranglers and their owners may rename or
# merge meanwhile: kept a minute at most (``accounts.reader_cache``).
EXCLUSIONS_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Exclusions:
    tags: tuple[Tag, ...] = ()
    creators: tuple[User, ...] = ()
    max_fandoms: int | None = None
    max_relationships: int | None = None

    @property
    def is_empty(self) -> bool:
        return (
            not self.tags
            and not self.creators
            and self.max_fandoms is None
            and self.max_relationships is None
        )

    @cached_property
    def filter_tag_ids(self) -> frozenset[int]:
        """What a filter excludes these tags by: a synonym's canonical (``tags.filtering``)."""
        return frozenset(filter_id_of(tag) for tag in self.tags)

    @property
    def creator_ids(self) -> frozenset[int]:
        return frozenset(user.pk for user in self.creators)

    @property
    def summary(self) -> str:
        """ "3 tags, 1 creator, works with more than 2 fandoms" for the listings' sidebar."""
        parts = []
        if self.tags:
            parts.append(_count(len(self.tags), "tag"))
        if self.creators:
            parts.append(_count(len(self.creators), "creator"))
        if self.max_fandoms is not None:
            parts.append(f"works with more than {_count(self.max_fandoms, 'fandom')}")
        if self.max_relationships is not None:
            parts.append(f"works with more than {_count(self.max_relationships, 'relationship')}")
        return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def filter_id_of(tag: Tag) -> int:
    """The tag filters find this tag's works by: the end of its merger chain (a synonym's
    canonical), or the tag itself when nobody has wrangled it (``tags.filtering``)."""
    seen = {tag.pk}
    current_id, merger_id = tag.pk, tag.merger_id
    while merger_id is not None and merger_id not in seen:
        seen.add(merger_id)
        current_id = merger_id
        merger_id = Tag.objects.filter(pk=merger_id).values_list("merger_id", flat=True).first()
    return current_id


def exclusions_for(request: HttpRequest) -> Exclusions:
    """The reader's saved exclusions: from the database for members, the session for guests.

    Read once per request."""
    cached = getattr(request, "_ficshelf_exclusions", None)
    if isinstance(cached, Exclusions):
        return cached
    if request.user.is_authenticated:
        found = exclusions_for_user(request.user)
    else:
        found = _from_session(request.session.get(SESSION_KEY))
    request._ficshelf_exclusions = found  # type: ignore[attr-defined]
    return found


def exclusions_for_user(user: User | AnonymousUser | None) -> Exclusions:
    """A member's saved exclusions (feeds and the API have a user, not a session)."""
    if not isinstance(user, User):  # a guest (AnonymousUser) or nobody
        return Exclusions()
    return cached_for_reader(
        user, "exclusions", lambda: _saved_exclusions(user), seconds=EXCLUSIONS_CACHE_SECONDS
    )


def _saved_exclusions(user: User) -> Exclusions:
    # Creators by name only: what is kept in the cache holds nothing else of their accounts.
    creators = Prefetch("creators", queryset=User.objects.only("pk", "username"))
    saved = (
        ExclusionSet.objects.filter(user_id=user.pk)
        .prefetch_related("tags__merger", creators)
        .first()
    )
    if saved is None:
        return Exclusions()
    found = Exclusions(
        tags=tuple(sorted(saved.tags.all(), key=_tag_order)),
        creators=tuple(sorted(saved.creators.all(), key=lambda u: u.username.casefold())),
        max_fandoms=saved.max_fandoms,
        max_relationships=saved.max_relationships,
    )
    found.filter_tag_ids  # noqa: B018  (follows synonym chains now, so it is kept with them)
    return found


def _tag_order(tag: Tag) -> tuple[int, str]:
    return (0 if tag.type == TagType.WARNING else 1, tag.name.casefold())


def _from_session(stored: Any) -> Exclusions:
    if not isinstance(stored, dict):
        return Exclusions()
    tag_ids = _ints(stored.get("tags"))
    user_ids = _ints(stored.get("creators"))
    tags = Tag.objects.filter(pk__in=tag_ids).select_related("merger") if tag_ids else []
    users = User.objects.filter(pk__in=user_ids) if user_ids else []
    return Exclusions(
        tags=tuple(sorted(tags, key=_tag_order)),
        creators=tuple(sorted(users, key=lambda u: u.username.casefold())),
        max_fandoms=_limit(stored.get("max_fandoms")),
        max_relationships=_limit(stored.get("max_relationships")),
    )


def _ints(values: Any) -> list[int]:
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _limit(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def save_exclusions(request: HttpRequest, exclusions: Exclusions) -> None:
    """Keep ``exclusions`` for this reader: in the database for members, else the session."""
    if request.user.is_authenticated:
        save_exclusions_for_user(request.user, exclusions)
    else:
        request.session[SESSION_KEY] = {
            "tags": sorted(tag.pk for tag in exclusions.tags),
            "creators": sorted(user.pk for user in exclusions.creators),
            "max_fandoms": exclusions.max_fandoms,
            "max_relationships": exclusions.max_relationships,
        }
    request._ficshelf_exclusions = exclusions  # type: ignore[attr-defined]


@transaction.atomic
def save_exclusions_for_user(user: User | AnonymousUser, exclusions: Exclusions) -> None:
    saved, _ = ExclusionSet.objects.update_or_create(
        user_id=user.pk,
        defaults={
            "max_fandoms": exclusions.max_fandoms,
            "max_relationships": exclusions.max_relationships,
        },
    )
    saved.tags.set(exclusions.tags)
    saved.creators.set(exclusions.creators)


def split_names(text: str) -> list[str]:
    """Comma-separated names, trimmed, empty ones dropped, duplicates (any case) once."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in text.split(SEPARATOR):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def tags_named(
    names: Iterable[str], user: User | AnonymousUser | None
) -> tuple[list[Tag], list[str]]:
    """The tags with these names (any case) that ``user`` may know of, and the names left:
    a tag only on someone's draft is "unknown", so its name cannot be probed for."""
    wanted = list(names)
    if not wanted:
        return [], []
    by_folded: dict[str, Tag] = {}
    for tag in _tags_with_names(wanted, user):
        by_folded.setdefault(tag.name.casefold(), tag)
    found = [by_folded[n.casefold()] for n in wanted if n.casefold() in by_folded]
    unknown = [n for n in wanted if n.casefold() not in by_folded]
    return found, unknown


def _tags_with_names(names: list[str], user: User | AnonymousUser | None) -> list[Tag]:
    # Exact matches use the unique index; only the rest need a case-insensitive look.
    tags = Tag.objects.select_related("merger")
    exact = visible_among(tags.filter(name__in=names), user)
    have = {tag.name for tag in exact}
    rest = [n for n in names if n not in have]
    if rest:
        # LOWER on both sides (not ``iexact``, a LIKE on SQLite that reads every tag) uses the
        # tag_lower_name index; it folds as the database folds (SQLite: ASCII letters only).
        wanted = Q()
        for name in rest[:MAX_NAMES]:
            wanted |= Q(lower_name=Lower(Value(name)))
        exact += visible_among(tags.alias(lower_name=Lower("name")).filter(wanted), user)
    return exact


class ExclusionForm(forms.Form):
    warnings = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Archive warnings to exclude",
    )
    tags = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Other tags to exclude",
        help_text="Tag names, separated by commas. Works tagged with a tag's synonyms or "
        "sub tags are hidden too.",
    )
    creators = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Creators to exclude",
        help_text="Usernames, separated by commas.",
    )
    max_fandoms = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        label="Hide works with more fandoms than",
        help_text="Leave empty for no limit.",
    )
    max_relationships = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        label="Hide works with more relationships than",
        help_text="Leave empty for no limit.",
    )

    def __init__(self, *args: Any, user: User | AnonymousUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        warnings = self.fields["warnings"]
        assert isinstance(warnings, forms.ModelMultipleChoiceField)
        warnings.queryset = Tag.objects.filter(type=TagType.WARNING, name__in=ARCHIVE_WARNINGS)

    @classmethod
    def for_exclusions(
        cls, exclusions: Exclusions, user: User | AnonymousUser | None
    ) -> ExclusionForm:
        warnings = [t for t in exclusions.tags if t.type == TagType.WARNING]
        others = [t for t in exclusions.tags if t.type != TagType.WARNING]
        return cls(
            user=user,
            initial={
                "warnings": warnings,
                "tags": ", ".join(t.name for t in others),
                "creators": ", ".join(u.username for u in exclusions.creators),
                "max_fandoms": exclusions.max_fandoms,
                "max_relationships": exclusions.max_relationships,
            },
        )

    def clean_tags(self) -> list[Tag]:
        names = split_names(self.cleaned_data["tags"])
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(f"At most {MAX_NAMES} tags, please.")
        tags, unknown = tags_named(names, self.user)
        if unknown:
            raise forms.ValidationError(
                "No tag is called " + ", ".join(f"“{name}”" for name in unknown) + "."
            )
        return tags

    def clean_creators(self) -> list[User]:
        names = split_names(self.cleaned_data["creators"])
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(f"At most {MAX_NAMES} creators, please.")
        users = {u.username.casefold(): u for u in _users_named(names)}
        unknown = [n for n in names if n.casefold() not in users]
        if unknown:
            raise forms.ValidationError(
                "No one has the username " + ", ".join(f"“{name}”" for name in unknown) + "."
            )
        return [users[n.casefold()] for n in names]

    def exclusions(self) -> Exclusions:
        data = self.cleaned_data
        tags = {tag.pk: tag for tag in [*data["warnings"], *data["tags"]]}
        return Exclusions(
            tags=tuple(sorted(tags.values(), key=_tag_order)),
            creators=tuple(data["creators"]),
            max_fandoms=data["max_fandoms"],
            max_relationships=data["max_relationships"],
        )


def _users_named(names: list[str]) -> list[User]:
    if not names:
        return []
    query = User.objects.none()
    for name in names:
        query = query | User.objects.filter(username__iexact=name, is_active=True)
    return list(query)
