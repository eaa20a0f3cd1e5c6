"""The SQL backends' facet counts and listing order, as the database runs them.

``DatabaseBackend`` counts facets in one statement and reads each counted tag's type either
tag by tag (few works) or by joining the tags table (many); both ways must give the embedded
backend's counts. On PostgreSQL, migration ``search.0005`` adds an index in the default
listing order, which only helps while the ORDER BY is exactly the index's.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ficshelf.search.backends import database
from ficshelf.search.backends.base import FacetCount
from ficshelf.search.backends.database import DatabaseBackend
from ficshelf.search.backends.embedded import TantivyBackend
from ficshelf.search.documents import build_documents
from ficshelf.search.query import FACET_TYPES, Sort, WorkQuery
from ficshelf.tags.models import MetaTagging, Tag, TagType
from ficshelf.works.models import Work
from tests.factories import TagFactory, WorkFactory

pytestmark = pytest.mark.django_db

listing_order_index = importlib.import_module(
    "ficshelf.search.migrations.0005_work_listing_order_index"
)
INDEX_NAME = "work_listing_updated_order"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)


@pytest.fixture(params=["each type looked up", "tags table joined"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> DatabaseBackend:
    """The SQL backend, reading tag types each way whatever the number of works found."""
    few_works = 10**9 if request.param == "each type looked up" else -1
    monkeypatch.setattr(database, "FEW_WORKS_FOR_TYPE_LOOKUPS", few_works)
    return DatabaseBackend("unused")


def canonical(name: str, tag_type: str) -> Tag:
    return TagFactory(name=name, type=tag_type, is_canonical=True)


def tagged(*tags: Tag, **fields: Any) -> Work:
    work = WorkFactory(**fields)
    work.tags.add(*tags)
    return work


@pytest.fixture
def archive() -> dict[str, Tag]:
    """A few works with tags of every type, a synonym, a meta tag, tied counts, and works
    no search finds."""
    tags = {
        "holmes": canonical("Sherlock Holmes", TagType.CHARACTER),
        "watson": canonical("John Watson", TagType.CHARACTER),
        "hudson": canonical("Mrs Hudson", TagType.CHARACTER),
        "bbc": canonical("Sherlock (TV)", TagType.FANDOM),
        "acd": canonical("Sherlock Holmes - Arthur Conan Doyle", TagType.FANDOM),
        "fluff": canonical("Fluff", TagType.FREEFORM),
        "angst": canonical("Angst", TagType.FREEFORM),
        "pairing": canonical("Sherlock Holmes/John Watson", TagType.RELATIONSHIP),
    }
    meta = canonical("Sherlock Holmes & Related Fandoms", TagType.FANDOM)
    MetaTagging.objects.create(meta_tag=meta, sub_tag=tags["bbc"])
    sherlock = TagFactory(name="Sherlock", type=TagType.CHARACTER, merger=tags["holmes"])
    tagged(tags["bbc"], sherlock, tags["watson"], tags["pairing"], tags["fluff"])
    tagged(tags["bbc"], tags["holmes"], tags["angst"], rating="Explicit")
    tagged(tags["acd"], tags["hudson"], tags["fluff"], tags["angst"], rating="Mature")
    tagged(tags["acd"], tags["watson"], restricted=True)
    tagged(tags["bbc"], tags["hudson"], draft=True)
    tagged(tags["bbc"], tags["hudson"], hidden=True)
    return tags


def embedded_facets(tmp_path: Path, query: WorkQuery) -> dict[str, list[FacetCount]]:
    embedded = TantivyBackend(str(tmp_path / "embedded"))
    documents, removed = build_documents(list(Work.objects.values_list("pk", flat=True)))
    embedded.update(documents, removed)
    return embedded.search(query).facets


@pytest.mark.parametrize(
    "make_query",
    [
        lambda tags: WorkQuery(),
        lambda tags: WorkQuery(include_restricted=True, facet_limit=2),
        lambda tags: WorkQuery(all_tag_ids=frozenset({tags["bbc"].pk}), facet_limit=1),
        lambda tags: WorkQuery(
            none_tag_ids=frozenset({tags["bbc"].pk}), facet_types=("character", "freeform")
        ),
    ],
    ids=["all works", "restricted too, top 2", "a fandom, top 1", "a fandom excluded"],
)
def test_facets_agree_with_the_embedded_backend(
    backend: DatabaseBackend,
    archive: dict[str, Tag],
    tmp_path: Path,
    make_query: Callable[[dict[str, Tag]], WorkQuery],
) -> None:
    query = dataclasses.replace(make_query(archive), exact_facets=True)
    expected = embedded_facets(tmp_path, query)
    assert any(expected.values())
    assert backend.search(query).facets == expected


def test_facet_ties_at_the_cut_are_broken_by_tag_id(backend: DatabaseBackend) -> None:
    freeforms = [canonical(f"Trope {n}", TagType.FREEFORM) for n in range(5)]
    tagged(*freeforms)
    tagged(freeforms[3])
    facets = backend.search(WorkQuery(facet_limit=3, facet_types=("freeform",))).facets
    first_ids = sorted(tag.pk for tag in freeforms if tag is not freeforms[3])[:2]
    assert facets == {
        "freeform": [FacetCount(freeforms[3].pk, 2), *(FacetCount(pk, 1) for pk in first_ids)]
    }


def test_a_type_with_no_tags_among_the_works_found_is_given_empty(
    backend: DatabaseBackend,
) -> None:
    WorkFactory()
    facets = backend.search(WorkQuery(facet_types=("rating", "character"))).facets
    assert facets["character"] == []
    assert [count.count for count in facets["rating"]] == [1]


@pytest.mark.parametrize("facet_types", [("character",), FACET_TYPES])
def test_facets_take_one_query_however_many_types(
    backend: DatabaseBackend, archive: dict[str, Tag], facet_types: tuple[str, ...]
) -> None:
    without_facets = WorkQuery(facet_limit=0)
    with CaptureQueriesContext(connection) as listing:
        backend.search(without_facets)
    with CaptureQueriesContext(connection) as listing_and_facets:
        backend.search(WorkQuery(facet_types=facet_types))
    assert len(listing) == 2  # the total and the page
    assert len(listing_and_facets) == len(listing) + 1


# The listing order index (PostgreSQL only)


def test_the_listing_order_index_is_made_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Work._meta.db_table)
    assert (INDEX_NAME in indexes) == (connection.vendor == "postgresql")


@pytest.mark.parametrize(
    "step",
    [listing_order_index.create_listing_order_index, listing_order_index.drop_listing_order_index],
)
def test_the_migration_does_nothing_on_sqlite(step: Any) -> None:
    statements: list[str] = []
    editor = SimpleNamespace(connection=SimpleNamespace(vendor="sqlite"), execute=statements.append)
    step(None, editor)
    assert statements == []


@on_postgresql
def test_the_migration_drops_and_remakes_the_index() -> None:
    def has_index() -> bool:
        with connection.cursor() as cursor:
            return INDEX_NAME in connection.introspection.get_constraints(
                cursor, Work._meta.db_table
            )

    with connection.schema_editor() as editor:
        listing_order_index.drop_listing_order_index(None, editor)
    assert not has_index()
    with connection.schema_editor() as editor:
        listing_order_index.create_listing_order_index(None, editor)
    assert has_index()


@on_postgresql
@pytest.mark.parametrize(
    "query",
    [WorkQuery(), WorkQuery(sort=Sort.UPDATED), WorkQuery(include_restricted=True)],
    ids=["best match without words", "date updated", "signed in"],
)
def test_the_default_listing_order_is_read_from_the_index(query: WorkQuery) -> None:
    # With sorting and whole-table reads priced out, the plan reads the index in order
    # only if the index has the ORDER BY's expression, directions and NULLS LAST.
    for _ in range(3):
        WorkFactory()
    backend = DatabaseBackend("unused")
    page = backend.ordered(backend.matching_works(query), query)[:20]
    sql, params = page.values_list("pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert INDEX_NAME in plan
    assert "Sort" not in plan
