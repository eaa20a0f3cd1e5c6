"""Tags looked up by name in any case, and by type, through indexes (not a walk of every tag)."""

from __future__ import annotations

import pytest
from django.db import connection

from ficshelf.search.exclusions import tags_named
from ficshelf.search.query_language.chunks import TagCondition
from ficshelf.search.tag_conditions import _fixed_tag_by_word
from ficshelf.tags.models import Tag, TagType
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


def test_a_name_typed_in_another_case_finds_the_tag() -> None:
    TagFactory(name="Found Family", type=TagType.FREEFORM, is_canonical=True)
    TagFactory(name="Family Drama", type=TagType.FREEFORM, is_canonical=True)

    found, unknown = tags_named(["found FAMILY", "Nothing Like It"], None)

    assert [tag.name for tag in found] == ["Found Family"]
    assert unknown == ["Nothing Like It"]


def test_a_name_with_like_wildcards_is_matched_as_written() -> None:
    TagFactory(name="100% Fluff", type=TagType.FREEFORM, is_canonical=True)
    TagFactory(name="100 Fluff", type=TagType.FREEFORM, is_canonical=True)

    found, _ = tags_named(["100_ FLUFF", "100% fluff"], None)

    assert [tag.name for tag in found] == ["100% Fluff"]


def _plan(sql: str, params: object) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_lookups_a_search_makes_use_indexes() -> None:
    from django.db.models import Value
    from django.db.models.functions import Lower

    # As _fixed_tags reads them: unordered, so the type's index is taken, not the name's.
    by_type = Tag.objects.filter(type=TagType.RATING).order_by().query.sql_with_params()
    any_case = (
        Tag.objects.alias(lower_name=Lower("name"))
        .filter(lower_name=Lower(Value("teen")))
        .query.sql_with_params()
    )

    assert "(type=?)" in _plan(*by_type)
    assert "USING INDEX tag_lower_name" in _plan(*any_case)


def test_a_rating_is_found_by_a_word_of_its_name() -> None:
    condition = TagCondition(type=TagType.RATING, name="teen", is_excluded=False)

    tag = _fixed_tag_by_word(condition)

    assert tag is not None and tag.name == "Teen And Up Audiences"
