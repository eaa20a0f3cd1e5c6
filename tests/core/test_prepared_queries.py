"""Querysets prepared once per connection (``core.prepared_queries``): what they return is
what the queryset returns, for every set of values, and a queryset whose SQL depends on a
value is refused rather than run with stale SQL."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ficshelf.core.prepared_queries import (
    PreparedPrefetch,
    PreparedQuery,
    PreparedRows,
    UnpreparableQuery,
    leave_empty,
    padded,
    prefetch_prepared,
)
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Chapter, Creatorship, Gift, Work
from tests.factories import PseudFactory, WorkFactory

pytestmark = pytest.mark.django_db


def _works_of(pseud_id: int) -> QuerySet[Work, Any]:
    return (
        Work.objects.filter(creatorships__pseud_id=pseud_id)
        .select_related("language")
        .annotate(chapter_total=Count("chapters"))
        .order_by("pk")
    )


def _same_works(found: list[Work], expected: list[Work]) -> None:
    assert [w.pk for w in found] == [w.pk for w in expected]
    for one, other in zip(found, expected, strict=True):
        assert one.title == other.title
        assert one.published_on == other.published_on  # a converted value (a date)
        assert one.chapter_total == other.chapter_total  # an annotation
        assert one._state.db == "default" and not one._state.adding
        # select_related: the language came with the work, no query for it.
        with CaptureQueriesContext(connection) as queries:
            assert one.language.short == other.language.short
        assert not queries.captured_queries


def test_model_instances_are_what_the_queryset_gives_for_each_value() -> None:
    first, second = PseudFactory(), PseudFactory()
    WorkFactory.create_batch(2, creator=first, chapters=2)
    WorkFactory(creator=second)
    prepared = PreparedQuery(_works_of, ["pseud_id"])
    for pseud in (first, second, first):  # not stuck on the values it was prepared with
        _same_works(prepared.run(pseud_id=pseud.pk), list(_works_of(pseud.pk)))
    assert prepared.run(pseud_id=10**9) == []


def test_each_run_is_one_query() -> None:
    pseud = PseudFactory()
    WorkFactory(creator=pseud)
    prepared = PreparedQuery(_works_of, ["pseud_id"])
    prepared.run(pseud_id=pseud.pk)
    with CaptureQueriesContext(connection) as queries:
        prepared.run(pseud_id=pseud.pk)
    assert len(queries.captured_queries) == 1


def test_values_rows_and_subqueries_take_the_values_too() -> None:
    pseud, other = PseudFactory(), PseudFactory()
    work = WorkFactory(creator=pseud, chapters=3)

    def build(work_id: int, pseud_id: int) -> QuerySet[Any, Any]:
        mine = Creatorship.objects.filter(work=OuterRef("pk"), pseud_id=pseud_id)
        return (
            Work.objects.filter(pk=work_id)
            .annotate(credit=Subquery(mine.values("pk")[:1]))
            .values("title", "credit")
        )

    prepared = PreparedQuery(build, ["work_id", "pseud_id"])
    for pseud_id in (pseud.pk, other.pk):
        assert prepared.run(work_id=work.pk, pseud_id=pseud_id) == list(build(work.pk, pseud_id))
    credit = Creatorship.objects.get(work=work, pseud=pseud).pk
    assert prepared.run(work_id=work.pk, pseud_id=pseud.pk) == [
        {"title": work.title, "credit": credit}
    ]


def test_lists_of_keys_of_a_fixed_length() -> None:
    works = WorkFactory.create_batch(4)
    ids = [w.pk for w in works]

    def build(work_ids: list[int]) -> QuerySet[Work, Any]:
        return Work.objects.filter(pk__in=work_ids).order_by("pk")

    prepared = PreparedQuery(build, ["work_ids"], sizes={"work_ids": 4})
    fitted = padded(ids[:3], [2, 4])
    assert fitted == (4, [*ids[:3], ids[2]])
    assert [w.pk for w in prepared.run(work_ids=fitted[1])] == ids[:3]
    assert [w.pk for w in prepared.run(work_ids=ids[::-1])] == ids
    with pytest.raises(TypeError):
        prepared.run(work_ids=ids[:3])
    assert padded(ids, [2, 3]) is None
    assert padded([], [2]) is None


def test_slices_and_counts_are_the_querysets_for_each_value() -> None:
    first, second = PseudFactory(), PseudFactory()
    WorkFactory.create_batch(7, creator=first)
    WorkFactory.create_batch(2, creator=second)
    prepared = PreparedQuery(_works_of, ["pseud_id"])
    counting = PreparedQuery(lambda pseud_id: _works_of(pseud_id).values("pk"), ["pseud_id"])
    for pseud in (first, second, first):
        expected = list(_works_of(pseud.pk))
        for start, stop in ((0, 3), (3, 6), (6, 9), (2, 2), (9, 20)):
            found = prepared.run_slice(start, stop, pseud_id=pseud.pk)
            _same_works(found, expected[start:stop])
        assert counting.count(pseud_id=pseud.pk) == len(expected)
    assert counting.count(pseud_id=10**9) == 0
    assert counting.count(pseud_id=2**70) == 0  # beyond every key: no query, no rows
    with pytest.raises(ValueError):
        prepared.run_slice(3, 1, pseud_id=first.pk)


def test_a_page_of_a_slice_is_refused() -> None:
    """A queryset sliced by its build has its bounds written into the SQL: another page
    of it would read the wrong rows."""
    WorkFactory.create_batch(3)
    prepared = PreparedQuery(lambda work_id: Work.objects.filter(pk__gt=work_id)[:2], ["work_id"])
    assert len(prepared.run(work_id=0)) == 2
    with pytest.raises(UnpreparableQuery, match="sliced"):
        prepared.run_slice(0, 1, work_id=0)


def test_prepared_rows_page_as_the_paginator_pages_the_queryset() -> None:
    from django.core.paginator import Paginator

    pseud = PseudFactory()
    WorkFactory.create_batch(5, creator=pseud)
    rows = PreparedRows(
        PreparedQuery(_works_of, ["pseud_id"]),
        PreparedQuery(lambda pseud_id: _works_of(pseud_id).values("pk"), ["pseud_id"]),
        pseud_id=pseud.pk,
    )
    expected = Paginator(_works_of(pseud.pk), 2)
    found = Paginator(rows, 2)
    assert found.count == expected.count == 5
    for number in ("1", "3", "9", "x"):
        page, same = found.get_page(number), expected.get_page(number)
        assert page.number == same.number
        assert [w.pk for w in page.object_list] == [w.pk for w in same.object_list]
    with CaptureQueriesContext(connection) as queries:
        assert len(Paginator(rows, 2).get_page("2").object_list) == 2
    assert len(queries.captured_queries) == 2  # the count and the page
    with pytest.raises(TypeError):
        rows[1]  # type: ignore[index]
    with pytest.raises(TypeError):
        rows[1:]


def test_a_query_whose_sql_depends_on_a_value_is_refused() -> None:
    WorkFactory()

    def branches(work_id: int) -> QuerySet[Work, Any]:
        if work_id > 0:
            return Work.objects.filter(pk=work_id)
        return Work.objects.filter(pk=work_id, is_posted=True)

    with pytest.raises(UnpreparableQuery, match="SQL changes"):
        PreparedQuery(branches, ["work_id"]).run(work_id=3)


def test_a_value_written_into_the_sql_is_refused() -> None:
    def unused(work_id: int) -> QuerySet[Work, Any]:
        return Work.objects.filter(pk=7)

    with pytest.raises(UnpreparableQuery, match="not in the SQL"):
        PreparedQuery(unused, ["work_id"]).run(work_id=1)

    def changes(work_id: int) -> QuerySet[Work, Any]:
        return Work.objects.filter(title=f"no. {work_id}")

    with pytest.raises(UnpreparableQuery):
        PreparedQuery(changes, ["work_id"]).run(work_id=1)


def test_prefetches_and_wrong_values_are_refused() -> None:
    def prefetching(work_id: int) -> QuerySet[Work, Any]:
        return Work.objects.filter(pk=work_id).prefetch_related("tags")

    with pytest.raises(UnpreparableQuery, match="prefetch"):
        PreparedQuery(prefetching, ["work_id"]).run(work_id=1)
    prepared = PreparedQuery(lambda work_id: Work.objects.filter(pk=work_id), ["work_id"])
    with pytest.raises(TypeError):
        prepared.run(pk=1)
    with pytest.raises(ValueError):
        PreparedQuery(lambda work_id: Work.objects.all(), ["work_id"], sizes={"other": 2})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_connection_prepares_its_own_and_frees_it_with_the_connection() -> None:
    """Django keeps a connection per thread; a query compiled for one is not run on
    another (its converters and cursor belong to the first), and goes when it goes."""
    work = WorkFactory(chapters=2)
    prepared = PreparedQuery(
        lambda work_id: Chapter.objects.filter(work_id=work_id).order_by("position"),
        ["work_id"],
    )
    assert [c.position for c in prepared.run(work_id=work.pk)] == [1, 2]
    found: list[Any] = []
    gone: list[weakref.ref[Any]] = []

    mine = connections["default"]

    def other_thread() -> None:
        own = connections["default"]
        try:
            found.append([c.position for c in prepared.run(work_id=work.pk)])
            found.append(own is not mine)
            gone.append(weakref.ref(own))
        finally:
            own.close()

    for _ in range(3):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert found == [[1, 2], True] * 3
    gc.collect()
    assert [ref() for ref in gone] == [None] * 3  # nothing kept them alive
    assert [c.position for c in prepared.run(work_id=work.pk)] == [1, 2]


def test_a_key_beyond_the_databases_integers_finds_nothing(client: Client) -> None:
    work = WorkFactory()
    prepared = PreparedQuery(lambda work_id: Work.objects.filter(pk=work_id), ["work_id"])
    assert prepared.run(work_id=work.pk) == [work]
    # A key as text, as some addresses' patterns give it, is taken as the ORM takes it.
    assert prepared.run(work_id=str(work.pk)) == [work]  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        prepared.run(work_id="x")  # type: ignore[arg-type]
    for huge in (2**63, -(2**63) - 1, 10**20):
        assert prepared.run(work_id=huge) == []
        # The same as the ORM (the work page's address takes any digits).
        assert not Work.objects.filter(pk=huge).exists()
    assert client.get("/works/99999999999999999999/").status_code == 404
    assert client.get("/works/99999999999999999999/chapters/1/").status_code == 404


def test_values_are_named_in_the_order_values_gave() -> None:
    work = WorkFactory()

    def build(work_id: int) -> QuerySet[Any, Any]:
        return Work.objects.filter(pk=work_id).annotate(seven=Value(7)).values("seven", "title")

    assert PreparedQuery(build, ["work_id"]).run(work_id=work.pk) == list(build(work.pk))
    assert list(build(work.pk)) == [{"seven": 7, "title": work.title}]


def _chapters_of(owner_ids: list[int]) -> QuerySet[Chapter, Any]:
    return Chapter.objects.filter(work_id__in=owner_ids)


CHAPTERS = PreparedPrefetch(
    "chapters", Chapter.objects.all, _chapters_of, owner="work_id", back="work"
)
TAGS = PreparedPrefetch(
    "tags",
    Tag.objects.all,
    lambda ids: Tag.objects.filter(works__in=ids).annotate(for_work=F("works")),
    owner="for_work",
    sizes=(2, 4),
)


def test_relations_loaded_for_many_instances_read_as_djangos_prefetch_does() -> None:
    works = [WorkFactory(chapters=n) for n in (3, 1, 2)]
    Tag.objects.create(name="Extra", type=TagType.FREEFORM)
    works[0].tags.add(Tag.objects.get(name="Extra"))
    mine = list(Work.objects.filter(pk__in=[w.pk for w in works]).order_by("pk"))
    theirs = list(
        Work.objects.filter(pk__in=[w.pk for w in works])
        .order_by("pk")
        .prefetch_related("chapters", "tags")
    )
    with CaptureQueriesContext(connection) as queries:
        prefetch_prepared(mine, CHAPTERS, TAGS)
    assert len(queries.captured_queries) == 2  # one per relation, whatever the count
    with CaptureQueriesContext(connection) as queries:
        for one, other in zip(mine, theirs, strict=True):
            assert list(one.chapters.all()) == list(other.chapters.all())
            assert list(one.tags.all()) == list(other.tags.all())
            assert one.chapters.count() == other.chapters.count()
            assert one.chapters.exists()
            # The rows know their work without asking (as Django's prefetch sets it).
            assert all(chapter.work is one for chapter in one.chapters.all())
    assert not queries.captured_queries
    # Narrowing asks the database, and finds the right rows.
    first = mine[0]
    with CaptureQueriesContext(connection) as queries:
        assert [c.position for c in first.chapters.filter(position__gte=2)] == [2, 3]
        assert [t.name for t in first.tags.filter(name="Extra")] == ["Extra"]
        assert [c.position for c in first.chapters.all().order_by("-position")] == [3, 2, 1]
    assert len(queries.captured_queries) == 3
    # Narrowing starts from the rows the loading chose, not from every row.
    approved = PreparedPrefetch(
        "creatorships",
        lambda: Creatorship.objects.filter(is_approved=True),
        lambda ids: Creatorship.objects.filter(is_approved=True, work_id__in=ids),
        owner="work_id",
        back="work",
    )
    Creatorship.objects.create(work=first, pseud=PseudFactory(), is_approved=False)
    prefetch_prepared(mine, approved)
    assert len(first.creatorships.all()) == 1
    assert first.creatorships.exclude(pk=0).count() == 1
    assert Creatorship.objects.filter(work=first).count() == 2
    # What reads the query itself stays within the owner: an aggregate, an iterator, an
    # update (a bare query of the model would reach every work's chapters).
    assert first.chapters.aggregate(n=Count("id"))["n"] == 3
    assert [c.position for c in first.chapters.iterator()] == [1, 2, 3]
    assert first.tags.aggregate(n=Count("id"))["n"] == 2
    assert first.chapters.update(title="Renamed") == 3
    assert Chapter.objects.filter(title="Renamed").count() == 3
    assert first.chapters.all().ordered
    # More instances than the largest prepared size: loaded all the same.
    more = list(Work.objects.filter(pk__in=[w.pk for w in works]).order_by("pk"))
    prefetch_prepared(more[:1] * 5, TAGS)
    assert list(more[0].tags.all()) == list(theirs[0].tags.all())


def test_a_relation_left_empty_reads_as_empty_without_a_query() -> None:
    work = WorkFactory(chapters=2)
    loaded = Work.objects.get(pk=work.pk)
    leave_empty([loaded], "gifts", Gift)
    Gift.objects.create(work=work, recipient_name="someone")
    with CaptureQueriesContext(connection) as queries:
        assert list(loaded.gifts.all()) == []
        assert not loaded.gifts.exists()
        assert list(loaded.gifts.filter(recipient_name="someone")) == []  # as Django's none()
    assert not queries.captured_queries
