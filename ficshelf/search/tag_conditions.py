"""The search box's tag conditions (``fandom:Naruto``, ``-warning:violence``) looked up.

The language (``query_language``) reads the names without a database; here they become the
filter tags the sidebar would choose, so a tag typed and a tag ticked find the same works
(its synonyms and sub tags included). What cannot be found is told back, never dropped
silently: a fandom, character, relationship or additional tag nobody has is searched for
as words in the works' tags instead; a rating, warning or category that does not exist is
left out, with the names there are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ficshelf.search.exclusions import filter_id_of, tags_named
from ficshelf.search.query import AllOf, Not, TextNode, Words, WorkQuery
from ficshelf.search.query_language import TagCondition
from ficshelf.search.query_language.vocabulary import TAG_TYPE_LABELS
from ficshelf.tags.models import Tag, TagType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User

# Few and fixed (made by a data migration): readers may name them by a word of their name.
FIXED_TYPES = frozenset({TagType.RATING, TagType.WARNING, TagType.CATEGORY})


@dataclass
class TagSearch:
    """What a search's tag conditions add to its query."""

    include_ids: set[int] = field(default_factory=set)
    exclude_ids: set[int] = field(default_factory=set)
    # A work has one rating, so ratings named are "any of", as in the sidebar.
    rating_ids: set[int] = field(default_factory=set)
    # Names no tag has, searched for as words in the works' tags.
    words_in_tags: list[TextNode] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.include_ids or self.exclude_ids or self.rating_ids or self.words_in_tags)

    def text_beside(self, text: TextNode | None) -> TextNode | None:
        """The search's words with the tag names nobody has, searched for in the tags."""
        parts = [*([text] if text is not None else []), *self.words_in_tags]
        if len(parts) > 1:
            return AllOf(tuple(parts))
        return parts[0] if parts else None

    def narrowing(self, query: WorkQuery) -> WorkQuery:
        """``query`` with the tags found added to its filters (its text left alone)."""
        return dataclasses.replace(
            query,
            all_tag_ids=query.all_tag_ids | self.include_ids,
            none_tag_ids=query.none_tag_ids | self.exclude_ids,
            any_rating_ids=query.any_rating_ids | self.rating_ids,
        )


def look_up_tag_conditions(
    conditions: tuple[TagCondition, ...], user: User | AnonymousUser | None
) -> TagSearch:
    found = TagSearch()
    for condition in conditions:
        tag = _find_tag(condition, user)
        if tag is None:
            _search_words_instead(condition, found)
            continue
        if tag.type != condition.type:
            found.notices.append(
                f"“{tag.name}” is a {TAG_TYPE_LABELS[tag.type]}, not a "  # type: ignore[index]
                f"{TAG_TYPE_LABELS[condition.type]}: it was used as one all the same."
            )
        if tag.type == TagType.RATING and not condition.is_excluded:
            found.rating_ids.add(tag.pk)
        elif condition.is_excluded:
            found.exclude_ids.add(filter_id_of(tag))
        else:
            found.include_ids.add(filter_id_of(tag))
    return found


def _find_tag(condition: TagCondition, user: User | AnonymousUser | None) -> Tag | None:
    """The tag of that name (any case) that the reader may know of, or for a rating,
    warning or category the one a word of whose name starts with what was typed."""
    tags, _ = tags_named([condition.name], user)
    if tags:
        return tags[0]
    if condition.type in FIXED_TYPES:
        return _fixed_tag_by_word(condition)
    return None


def _fixed_tag_by_word(condition: TagCondition) -> Tag | None:
    typed = condition.name.casefold()
    matching = [
        tag
        for tag in _fixed_tags(condition.type)
        if any(word.startswith(typed) for word in tag.name.casefold().replace("/", " ").split())
    ]
    return matching[0] if len(matching) == 1 else None


def _fixed_tags(tag_type: str) -> list[Tag]:
    """The few tags of a fixed type (ratings, warnings, categories), by name. Read unordered:
    ordered by name, SQLite walks the name index over every tag of the archive (150 ms at
    250,000 tags) rather than take the type's index."""
    return sorted(Tag.objects.filter(type=tag_type).order_by(), key=lambda tag: tag.name)


def _search_words_instead(condition: TagCondition, found: TagSearch) -> None:
    label = TAG_TYPE_LABELS[condition.type]
    written = f"{condition.type}:{condition.name}"
    if condition.type in FIXED_TYPES:
        known = ", ".join(f"“{tag.name}”" for tag in _fixed_tags(condition.type))
        found.notices.append(
            f"“{written}” was left out: no {label} is called “{condition.name}” "
            f"(the {label}s are {known})."
        )
        return
    found.notices.append(
        f"No {label} is called “{condition.name}”, so “{written}” was searched for as words "
        "in the works' tags."
    )
    words = Words(condition.name, field="tag", is_phrase=" " in condition.name)
    found.words_in_tags.append(Not(words) if condition.is_excluded else words)
