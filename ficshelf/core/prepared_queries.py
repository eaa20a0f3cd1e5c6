"""Querysets built and compiled once per database connection, then run with new values.

Building a Django queryset and compiling it to SQL costs more than the database takes to
run it for the archive's hottest questions: a member's work page asks for the work under
the visibility rule with seven flags, and the ORM spent 5 ms building and 2.4 ms compiling
that query where SQLite answered in 0.17 ms (bench/RESULTS.md, issue 12). The question's
*shape* never changes between requests; only a few values do (the work's key, the reader's).

A ``PreparedQuery`` asks its ``build`` function for the queryset once per connection, with
stand-in values, and keeps the SQL. Each run puts the real values where the stand-ins were
and turns the rows into what the queryset would have returned (model instances with their
``select_related`` objects and annotations, or ``values()`` dictionaries).

What keeps this honest:

- ``build`` is the ordinary ORM code (the same ``Work.objects.visible_to`` every other
  surface uses), so the rule is written once; this only skips rebuilding it.
- It is compiled twice with two different sets of stand-ins. The SQL must come out the same
  and every stand-in must land in the same parameter positions, or preparing fails: a
  ``build`` whose shape depends on a value (a branch on it, a value written into the SQL
  rather than passed as a parameter) cannot be prepared. Such a value belongs in the key
  of which prepared query to use (the callers keep one per viewer kind: guest, member, staff).
- Kept on the connection object (Django keeps one per thread), so a compiled query and its
  converters are only used on the connection that made them, and are freed with it.
- A key no row can have (beyond 64-bit integers, as a URL may ask) finds nothing, as
  Django's ORM answers, without asking the database.

Values are integers (keys) or lists of integers of a fixed length (``pk__in``): callers that
need other lengths keep one prepared query per length (``padded``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    get_related_populators,
)

M = TypeVar("M", bound=Model)

Value = int | list[int]

# Stand-ins are integers no key of the archive takes; two series, for the two compilations,
# of opposite parity and sign of their remainders, so that a build branching on a value is
# likelier to take another branch the second time. (A branch both series take alike is
# not caught: ``build`` must use its values only as values.)
_FIRST_STAND_IN = -(2**53) + 1_000_003
_SECOND_STAND_IN = 2**53 - 2_000_000


# Keys are 64-bit signed integers (``BigAutoField``): a larger number names no row, and
# SQLite refuses it as a parameter (Django's ORM answers "no rows" before asking).
_KEY_RANGE = range(-(2**63), 2**63)
_KEPT_ON_CONNECTION = "ficshelf_prepared_queries"


def _integers(values: dict[str, Value]) -> Iterator[Any]:
    for value in values.values():
        yield from value if isinstance(value, list) else [value]


def _is_key(value: Any) -> bool:
    return isinstance(value, int) and value in _KEY_RANGE


def could_be_a_key(value: int) -> bool:
    """Whether ``value`` is within the database's keys (an address may carry any digits;
    SQL written by hand must not pass a larger number on: SQLite refuses it)."""
    return _is_key(value)


class UnpreparableQuery(Exception):
    """``build`` made a queryset whose SQL depends on a value, or that this cannot run."""


@dataclass(frozen=True)
class _Compiled:
    """A queryset's SQL and what turns its rows into results, for one connection."""

    sql: str
    params: tuple[Any, ...]
    # (parameter position, value name, index within a list value or None)
    slots: tuple[tuple[int, str, int | None], ...]
    make_results: Callable[[list[tuple[Any, ...]]], list[Any]]
    # Django wrote a slice's bounds into the SQL (``[:5]``): no other page can be asked of it.
    is_sliced: bool


class PreparedQuery(Generic[M]):
    """``build(**values)`` returns the queryset; ``sizes`` names the list values and their
    lengths, every other name in ``names`` is an integer."""

    def __init__(
        self,
        build: Callable[..., QuerySet[M, Any]],
        names: Sequence[str],
        sizes: dict[str, int] | None = None,
    ) -> None:
        self._build = build
        self._names = tuple(names)
        self._sizes = dict(sizes or {})
        unknown = set(self._sizes) - set(self._names)
        if unknown:
            raise ValueError(f"sizes for values not named: {sorted(unknown)}")
        self._model: type[Model] | None = None

    def run(self, **values: Value) -> list[Any]:
        """The queryset's results for ``values``, as a list."""
        return self._execute(values, "", ())

    def run_slice(self, start: int, stop: int, **values: Value) -> list[Any]:
        """``queryset[start:stop]`` for ``values``: a page of the results, its bounds passed
        as parameters (Django writes a slice's bounds into the SQL, which would make every
        page another query to compile)."""
        if not 0 <= start <= stop:
            raise ValueError(f"a slice from {start} to {stop}")
        if start == stop:
            return []
        return self._execute(values, " LIMIT %s OFFSET %s", (stop - start, start), paged=True)

    def count(self, **values: Value) -> int:
        """``queryset.count()`` for ``values``. The compiled query is counted as a subquery,
        so a queryset prepared for counting should select little and order nothing
        (``.order_by().values("pk")``)."""
        found = self._execute(values, "", (), counting=True)
        return int(found[0]) if found else 0

    def _execute(
        self,
        values: dict[str, Value],
        suffix: str,
        more: tuple[int, ...],
        *,
        counting: bool = False,
        paged: bool = False,
    ) -> list[Any]:
        if set(values) != set(self._names):
            raise TypeError(f"values {sorted(values)} given, {sorted(self._names)} named")
        for name, size in self._sizes.items():
            given = values[name]
            if not isinstance(given, list) or len(given) != size:
                raise TypeError(f"{name} must be a list of {size} integers")
        # Keys as the ORM takes them ("12" from an address's pattern is 12; "x" is a
        # ValueError, as the ORM raises).
        values = {
            name: [int(item) for item in value] if isinstance(value, list) else int(value)
            for name, value in values.items()
        }
        if not all(map(could_be_a_key, _integers(values))):
            return []  # no row has a key outside the database's integers
        alias = self._alias()
        connection = connections[alias]
        # Kept on the connection object (one per thread, used by that thread alone): what
        # is compiled refers back to the connection, and goes with it.
        kept: dict[PreparedQuery[Any], _Compiled] = connection.__dict__.setdefault(
            _KEPT_ON_CONNECTION, {}
        )
        compiled = kept.get(self)
        if compiled is None:
            compiled = kept[self] = self._prepare(alias)
        if paged and compiled.is_sliced:
            raise UnpreparableQuery("a sliced queryset has its bounds: run() it")
        params = list(compiled.params)
        for position, name, index in compiled.slots:
            value = values[name]
            params[position] = value if index is None else value[index]  # type: ignore[index]
        sql = compiled.sql + suffix
        if counting:
            # Django's own SQL, compiled above; the values are parameters.
            sql = f"SELECT COUNT(*) FROM ({sql}) prepared_count"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *more])
            rows = cursor.fetchall()
        if counting:
            return [rows[0][0]]
        return compiled.make_results(rows)

    def _alias(self) -> str:
        # The database the queryset reads from (the router's choice for its model; the
        # model is learnt from the first build, and never changes).
        if self._model is None:
            self._model = self._build(**self._stand_ins(_FIRST_STAND_IN)).model
        return router.db_for_read(self._model)

    def _stand_ins(self, start: int) -> dict[str, Value]:
        numbers = itertools.count(start)
        return {
            name: [next(numbers) for _ in range(self._sizes[name])]
            if name in self._sizes
            else next(numbers)
            for name in self._names
        }

    def _prepare(self, alias: str) -> _Compiled:
        first, second = self._stand_ins(_FIRST_STAND_IN), self._stand_ins(_SECOND_STAND_IN)
        queryset = self._build(**first)
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise UnpreparableQuery("prefetch after running: prefetch_related_objects(...)")
        if queryset.db != alias:
            raise UnpreparableQuery(f"the queryset reads {queryset.db}, not {alias}")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        other_sql, other_params = self._build(**second).query.get_compiler(using=alias).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise UnpreparableQuery("the SQL changes with the values")
        where_first = _positions(first)
        where_second = _positions(second)
        slots = []
        for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
            slot = where_first.get(one) if isinstance(one, int) else None
            if slot is None:
                if one != other:
                    raise UnpreparableQuery(f"parameter {position} changes but is no value")
                continue
            if where_second.get(other) != slot:
                raise UnpreparableQuery(f"parameter {position} is not the same value twice")
            slots.append((position, *slot))
        missing = set(self._names) - {name for _, name, _ in slots}
        if missing:
            raise UnpreparableQuery(f"values not in the SQL as parameters: {sorted(missing)}")
        return _Compiled(
            sql,
            tuple(params),
            tuple(slots),
            _result_maker(queryset, compiler),
            is_sliced=queryset.query.is_sliced,
        )


class PreparedRows:
    """The results of a prepared query for one set of values, read as Django's
    ``Paginator`` reads a queryset: ``count()`` (asked of ``counting``, a prepared query of
    the same rows built for counting) and slices (``run_slice``)."""

    def __init__(
        self, query: PreparedQuery[Any], counting: PreparedQuery[Any], **values: Value
    ) -> None:
        self._query = query
        self._counting = counting
        self._values = values

    # The paginator warns about unordered rows; a prepared page is ordered by its build.
    ordered = True

    def count(self) -> int:
        return self._counting.count(**self._values)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice) or index.step not in (None, 1) or index.stop is None:
            raise TypeError("prepared rows are read a page at a time: rows[start:stop]")
        start = index.start or 0
        return self._query.run_slice(start, max(start, index.stop), **self._values)


def _positions(values: dict[str, Value]) -> dict[int, tuple[str, int | None]]:
    found: dict[int, tuple[str, int | None]] = {}
    for name, value in values.items():
        if isinstance(value, list):
            found.update({number: (name, index) for index, number in enumerate(value)})
        else:
            found[value] = (name, None)
    return found


def _result_maker(queryset: QuerySet[Any, Any], compiler: Any) -> Callable[..., list[Any]]:
    """What Django's ``ModelIterable`` or ``ValuesIterable`` does with the rows, with what
    depends only on the query's shape worked out once."""
    col_count = compiler.col_count
    fields = [selected[0] for selected in compiler.select[:col_count]]
    converters = compiler.get_converters(fields)

    def converted(rows: list[tuple[Any, ...]]) -> list[Any]:
        trimmed = [row[:col_count] for row in rows] if compiler.has_extra_select else rows
        return list(compiler.apply_converters(trimmed, converters)) if converters else trimmed

    if queryset._iterable_class is ValuesIterable:
        query = queryset.query
        # As ValuesIterable names the columns: in the order values() gave, when it did.
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        return lambda rows: [dict(zip(names, row, strict=True)) for row in converted(rows)]
    if queryset._iterable_class is not ModelIterable:
        raise UnpreparableQuery("only model instances and values() dictionaries")
    db = queryset.db
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    annotations = list(compiler.annotation_col_map.items())

    def instances(rows: list[tuple[Any, ...]]) -> list[Any]:
        made = []
        for row in converted(rows):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            made.append(obj)
        return made

    return instances


def padded(ids: Sequence[int], sizes: Sequence[int]) -> tuple[int, list[int]] | None:
    """``ids`` padded to the smallest of ``sizes`` that holds them, by repeating the last
    (``IN`` lists ignore repeats), with that size; None if none does or ``ids`` is empty."""
    if not ids:
        return None
    for size in sorted(sizes):
        if len(ids) <= size:
            return size, [*ids, *([ids[-1]] * (size - len(ids)))]
    return None


class LoadedRows(QuerySet[Any, Any]):
    """One instance's rows of a relation, loaded with the other instances' in one prepared
    query (``prefetch_prepared``) and kept where Django keeps a prefetched relation, so
    ``work.tags.all()`` reads them without a query. Narrowing them (``filter``,
    ``order_by``, or ``all`` on the set itself) asks the database afresh, from the rows the
    loading chose (``base``: approved credits only, say, or none for a relation known to be
    empty), as Django does for a relation it prefetched with a queryset."""

    def __init__(
        self,
        model: type[Model],
        owner: Model,
        relation: str,
        rows: list[Any],
        base: Callable[[], QuerySet[Any, Any]],
    ) -> None:
        super().__init__(model=model)
        self._owner = owner
        self._relation = relation
        self._base = base
        self._narrowed: Any = None
        self._result_cache = rows
        self._prefetch_done = True

    def _chain(self) -> Any:
        manager = getattr(self._owner, self._relation)
        return manager._apply_rel_filters(self._base())._chain()

    # What reads the query itself rather than a chained copy (``update``, ``aggregate``,
    # ``iterator``, ``explain``, ``ordered``) gets the relation's own, narrowed to the owner,
    # made the first time it is asked for: a bare query of the model would reach every row
    # of the table (every work's chapters).
    @property
    def query(self) -> Any:
        if self._narrowed is None:
            self._narrowed = self._chain().query
        return self._narrowed

    @query.setter
    def query(self, value: Any) -> None:
        self._narrowed = value


@dataclass(frozen=True)
class PreparedPrefetch:
    """A relation loaded for many instances in one prepared query: ``build(owner_ids)``
    returns its rows (``base()`` narrowed to the instances keyed ``owner_ids``), each row
    naming its instance's key in ``owner`` (``"work_id"``, or an annotation for a
    many-to-many relation); ``back`` names the rows' field pointing at the instance, filled
    without a query (reverse foreign keys, as Django's prefetch does)."""

    relation: str
    base: Callable[[], QuerySet[Any, Any]]
    build: Callable[[list[int]], QuerySet[Any, Any]]
    owner: str
    back: str | None = None
    sizes: tuple[int, ...] = (1, 2, 4, 8, 16, 20, 32, 50)

    def query(self, size: int) -> PreparedQuery[Any]:
        return _prefetch_queries(self, size)

    def model(self) -> type[Model]:
        return _model_of(self)


@functools.cache
def _model_of(prefetch: PreparedPrefetch) -> type[Model]:
    return prefetch.base().model


@functools.cache
def _prefetch_queries(prefetch: PreparedPrefetch, size: int) -> PreparedQuery[Any]:
    def build(owner_ids: list[int]) -> QuerySet[Any, Any]:
        return prefetch.build(owner_ids)

    return PreparedQuery(build, ["owner_ids"], sizes={"owner_ids": size})


def prefetch_prepared(instances: Sequence[Model], *prefetches: PreparedPrefetch) -> None:
    """Load each of ``prefetches`` into every one of ``instances`` (all of one model),
    where ``prefetch_related_objects`` would have put them. More instances than the largest
    prepared size are loaded by the same query, built unprepared."""
    if not instances:
        return
    keys = [instance.pk for instance in instances]
    for prefetch in prefetches:
        fitted = padded(keys, prefetch.sizes)
        if fitted is None:
            rows = list(prefetch.build(keys))
        else:
            rows = prefetch.query(fitted[0]).run(owner_ids=fitted[1])
        grouped: dict[int, list[Any]] = {key: [] for key in keys}
        for row in rows:
            grouped[getattr(row, prefetch.owner)].append(row)
        for instance in instances:
            own = grouped[instance.pk]
            if prefetch.back is not None:
                for row in own:
                    setattr(row, prefetch.back, instance)
            cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[prefetch.relation] = LoadedRows(
                prefetch.model(), instance, prefetch.relation, own, prefetch.base
            )


def leave_empty(instances: Iterable[Model], relation: str, model: type[Model]) -> None:
    """Record ``relation`` (rows of ``model``) as having no rows on each of ``instances``
    (the caller knows it has none), so reading it, or narrowing it, asks nothing."""
    for instance in instances:
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[relation] = LoadedRows(model, instance, relation, [], model._default_manager.none)
