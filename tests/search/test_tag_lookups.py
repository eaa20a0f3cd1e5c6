"""Tags looked up by name in any case, and by type, through indexes (not a walk of every tag)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ficshelf.search.exclusions import tags_named
from ficshelf.search.query_language.chunks import TagCondition
from ficshelf.search.tag_conditions import _fixed_tag_by_word, _fixed_tags
from ficshelf.tags.models import TagType
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


def _plans_of_tag_queries(run: Callable[[], object]) -> list[tuple[str, str]]:
    """Each query on the tag table that ``run`` makes, with SQLite's plan for it: the
    functions' own SQL, so a change to how they ask is checked too."""
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].startswith("SELECT") and '"tags_tag"' in query["sql"]:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                plans.append((query["sql"], plan))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_lookups_a_search_makes_use_indexes() -> None:
    TagFactory(name="Found Family", type=TagType.FREEFORM, is_canonical=True)

    by_type = _plans_of_tag_queries(lambda: _fixed_tags(TagType.RATING))
    any_case = _plans_of_tag_queries(lambda: tags_named(["found FAMILY"], None))

    # The type's index, not a walk of the name index over every tag: with statistics of a
    # large archive SQLite chose the walk for an ordered read, so the read is unordered.
    assert by_type and all("(type=?)" in plan for _, plan in by_type)
    assert all("ORDER BY" not in sql for sql, _ in by_type)
    assert any("USING INDEX tag_lower_name" in plan for _, plan in any_case)


def test_a_rating_is_found_by_a_word_of_its_name() -> None:
    condition = TagCondition(type=TagType.RATING, name="teen", is_excluded=False)

    tag = _fixed_tag_by_word(condition)

    assert tag is not None and tag.name == "Teen And Up Audiences"
