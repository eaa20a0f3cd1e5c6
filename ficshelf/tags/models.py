"""Typed tags, as AO3 types them.

Ratings, archive warnings and categories are a fixed set created by a data migration with
AO3's exact names; fandoms, relationships, characters and additional tags ("freeforms")
are made by writers. A tag name is unique across types, as on AO3.

Wrangling (AO3's word for tidying tags) is modelled here: a canonical tag is the one filters
offer; a synonym points at its canonical through ``merger``; meta tags group sub tags
(``MetaTagging``, followed transitively); characters, relationships and additional tags
have parent fandoms (``ParentTagging``). ``FilterTagging`` rows are what filtering reads:
for each work, every tag a filter on it should find it by (its own canonical tags, the
canonicals of its synonyms, and all their meta tags), computed by ``tags.filtering``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Lower

# Re-exported (``X as X``): other code imports the fixed names from here.
from ficshelf.tags.fixed import ARCHIVE_WARNINGS as ARCHIVE_WARNINGS
from ficshelf.tags.fixed import CATEGORIES as CATEGORIES
from ficshelf.tags.fixed import RATINGS as RATINGS
from ficshelf.tags.naming import tag_page_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


class TagType(models.TextChoices):
    RATING = "rating", "Rating"
    WARNING = "warning", "Archive Warning"
    CATEGORY = "category", "Category"
    FANDOM = "fandom", "Fandom"
    RELATIONSHIP = "relationship", "Relationship"
    CHARACTER = "character", "Character"
    FREEFORM = "freeform", "Additional Tags"
    # AO3's media ("TV Shows", "Books & Literature"): the fixed set wranglers file fandoms
    # under (a fandom's parent), made by a data migration; never on a work.
    MEDIA = "media", "Media"


# The order AO3 shows them in a work's tag block.
TAG_BLOCK_ORDER = [
    TagType.RATING,
    TagType.WARNING,
    TagType.CATEGORY,
    TagType.FANDOM,
    TagType.RELATIONSHIP,
    TagType.CHARACTER,
    TagType.FREEFORM,
]

# A fandom's or a character's page groups the tags under it thus (and a fandom's unwrangled
# bin the tags waiting for it).
CHILD_TYPE_ORDER = [TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM]
GROUP_LABELS = {
    TagType.RELATIONSHIP: "Relationships",
    TagType.CHARACTER: "Characters",
    TagType.FREEFORM: "Additional Tags",
}

# Ratings for which guests first see the adult-content notice (AO3 includes Not Rated).
ADULT_RATINGS = {"Not Rated", "Mature", "Explicit"}
FIXED_TAGS = {
    TagType.RATING: RATINGS,
    TagType.WARNING: ARCHIVE_WARNINGS,
    TagType.CATEGORY: CATEGORIES,
}

# AO3's media, in its order; a fandom filed under none shows under UNCATEGORIZED_MEDIA.
UNCATEGORIZED_MEDIA = "Uncategorized Fandoms"
MEDIA = [
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
    UNCATEGORIZED_MEDIA,
]


# The column: AO3 caps tag names at 150 characters (TAG_NAME_LIMIT, what a writer may
# type), but imports may keep run-together tags as one, so there is room for those rather
# than losing them. Nothing is ever cut to fit: longer names are refused or left out.
TAG_NAME_MAX_LENGTH = 300
TAG_NAME_LIMIT = 150
# AO3's USER_DEFINED_TAGS_MAX: fandoms, relationships, characters and additional tags of
# one work together (ratings, warnings and categories are not counted).
WORK_TAGS_LIMIT = 75


# Tag types a writer makes and wranglers tidy; the fixed ones are canonical from the start.
WRANGLEABLE_TYPES = {TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM}
# Which types of tag may be the parent of which (AO3: media parent fandoms; fandoms parent
# characters, relationships and additional tags; characters parent relationships).
PARENT_TYPES_OF_CHILD = {
    TagType.FANDOM: {TagType.MEDIA},
    TagType.CHARACTER: {TagType.FANDOM},
    TagType.RELATIONSHIP: {TagType.FANDOM, TagType.CHARACTER},
    TagType.FREEFORM: {TagType.FANDOM},
}


# The admin role whose members wrangle (its permissions: ``moderation.roles``).
WRANGLER_ROLE = "Tag wrangling"


def can_wrangle(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("tags.wrangle_tag"))


class TagQuerySet(models.QuerySet["Tag"]):
    # Which tags a reader may meet follows from which works they may see, so that rule is
    # the works app's: ``works.access.visible_tags`` and ``visible_among``.

    def of_type(self, tag_type: str) -> TagQuerySet:
        return self.filter(type=tag_type)


class Tag(models.Model):
    name = models.CharField(max_length=TAG_NAME_MAX_LENGTH, unique=True)
    type = models.CharField(max_length=20, choices=TagType.choices, db_index=True)
    is_canonical = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="synonyms",
        help_text="The canonical tag this one is a synonym of.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("wrangle_tag", "Can wrangle tags (canonical, synonyms, meta, parents)")]
        indexes = [
            # A name in any case (``tags_named``): compared as LOWER(name) = LOWER(typed).
            # (An index on (type, name) made SQLite, which keeps no statistics here, walk
            # every tag of a type for a tag page's child tags: 10 -> 800 ms. The few tags of a
            # fixed type are read unordered and sorted in Python instead.)
            models.Index(Lower("name"), name="tag_lower_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return tag_page_url(self.name)

    @property
    def is_fixed(self) -> bool:
        """Ratings, warnings, categories and media: canonical for good, never wrangled
        (a medium is only ever a fandom's parent)."""
        return self.type not in WRANGLEABLE_TYPES

    @property
    def canonical(self) -> Tag:
        """The tag filters use for this one: its merger when it is a synonym, else itself."""
        return self.merger if self.merger_id and self.merger is not None else self


class MetaTagging(models.Model):
    """``meta_tag`` is broader than ``sub_tag`` (AO3: "Alternate Universe" is a meta tag of
    "Alternate Universe - Coffee Shops"). Filtering by a meta tag finds works tagged with any
    of its sub tags, transitively."""

    meta_tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="sub_taggings")
    sub_tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="meta_taggings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meta_tag", "sub_tag"], name="meta_tagging_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meta_tag} > {self.sub_tag}"


class ParentTagging(models.Model):
    """A fandom (parent) of a character, relationship or additional tag; also a character
    as parent of a relationship, as AO3 wranglers set them."""

    parent = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="child_taggings")
    child = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="parent_taggings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="parent_tagging_unique")
        ]

    def __str__(self) -> str:
        return f"{self.parent} > {self.child}"


class FilterTagging(models.Model):
    """One row per (work, tag a filter finds it by): AO3's filter taggings, precomputed so a
    filter is one indexed lookup however deep the tag tree is."""

    work = models.ForeignKey("works.Work", on_delete=models.CASCADE, related_name="filter_taggings")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="filter_taggings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "work"], name="filter_tagging_unique")
        ]
        indexes = [models.Index(fields=["work"], name="filter_tagging_work")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.work_id}"
