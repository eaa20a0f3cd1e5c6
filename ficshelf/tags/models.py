"""Typed tags, as AO3 types them.

Ratings, archive warnings and categories are a fixed set created by a data migration with
AO3's exact names; fandoms, relationships, characters and additional tags ("freeforms")
are made by writers. A tag name is unique across types, as on AO3. Wrangling (canonical
tags, synonyms via ``merger``) is modelled now so later work only fills it in.
"""

from __future__ import annotations

from django.db import models


class TagType(models.TextChoices):
    RATING = "rating", "Rating"
    WARNING = "warning", "Archive Warning"
    CATEGORY = "category", "Category"
    FANDOM = "fandom", "Fandom"
    RELATIONSHIP = "relationship", "Relationship"
    CHARACTER = "character", "Character"
    FREEFORM = "freeform", "Additional Tags"


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

RATINGS = [
    "Not Rated",
    "General Audiences",
    "Teen And Up Audiences",
    "Mature",
    "Explicit",
]
# Ratings for which guests first see the adult-content notice (AO3 includes Not Rated).
ADULT_RATINGS = {"Not Rated", "Mature", "Explicit"}
ARCHIVE_WARNINGS = [
    "Creator Chose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "No Archive Warnings Apply",
    "Rape/Non-Con",
    "Underage Sex",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]
FIXED_TAGS = {
    TagType.RATING: RATINGS,
    TagType.WARNING: ARCHIVE_WARNINGS,
    TagType.CATEGORY: CATEGORIES,
}


# AO3 caps tag names at 150 characters; imports may keep run-together tags as one, so
# there is room for those rather than losing them.
TAG_NAME_MAX_LENGTH = 300


class TagQuerySet(models.QuerySet["Tag"]):
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

    def __str__(self) -> str:
        return self.name
