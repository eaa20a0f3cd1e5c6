"""Servers' real search indexers (``ficshelf search-indexer``): ``serve`` starts one; two on
one PostgreSQL database with data folders of their own find each other's changes within
seconds, and one stopped while changes are made catches up when started again (that test
needs DATABASE_URL=postgres://..., part of the PostgreSQL run)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.core.processes import (
    Archive,
    archive_in,
    child_running,
    free_port,
    postgres_database,
    postgres_run_only,
    serve,
    sqlite_run_only,
    wait_until,
)

PER_HOST = {"FICSHELF_SEARCH": "per-host-embedded", "FICSHELF_SEARCH_FOLLOW_MS": "200"}
# Generous for a loaded test machine; the benchmark measures the real delay.
FOUND_WITHIN_SECONDS = 20

POST_WORK = """
from tests.factories import PseudFactory, UserFactory, WorkFactory
# Each process starts the factories' numbering again: a writer named after the work.
writer = PseudFactory(user=UserFactory(username="writer-" + {title!r}.lower()))
print(WorkFactory(title={title!r}, creator=writer).pk)
"""

FOUND_HERE = """
from ficshelf.search.backends import get_backend
from ficshelf.search.query import Words, WorkQuery
print(get_backend().search(WorkQuery(text=Words({word!r}), facet_limit=0)).work_ids)
"""

QUEUE_LEFT = """
from ficshelf.search.models import IndexQueueEntry
print(IndexQueueEntry.objects.count())
"""


@dataclass
class TwoHosts:
    a: Archive
    b: Archive

    def finds(self, host: Archive, word: str) -> str:
        return host.django(FOUND_HERE.format(word=word))


@pytest.fixture
def two_hosts(tmp_path: Path) -> Iterator[TwoHosts]:
    with ExitStack() as stack:
        database = stack.enter_context(postgres_database(os.environ["DATABASE_URL"]))
        a = stack.enter_context(archive_in(tmp_path / "a", database, PER_HOST))
        b = stack.enter_context(archive_in(tmp_path / "b", database, PER_HOST))
        yield TwoHosts(a, b)


@sqlite_run_only
def test_serve_without_a_worker_runs_this_servers_indexer(tmp_path: Path) -> None:
    with archive_in(tmp_path, environment=PER_HOST) as archive:
        process = serve(archive, free_port(), "--no-worker")
        assert wait_until(lambda: child_running(process, "ficshelf search-indexer"))
        posted = archive.django(POST_WORK.format(title="Kumquat"))
        assert wait_until(
            lambda: FoundOn(archive).finds("kumquat") == f"[{posted}]",
            timeout=FOUND_WITHIN_SECONDS,
        )
        assert child_running(process, "ficshelf worker") is None


@dataclass
class FoundOn:
    host: Archive

    def finds(self, word: str) -> str:
        return self.host.django(FOUND_HERE.format(word=word))


@postgres_run_only
def test_a_change_on_one_host_is_found_by_the_other_and_one_down_catches_up(
    two_hosts: TwoHosts,
) -> None:
    a, b = two_hosts.a, two_hosts.b
    a.start("search-indexer")
    indexer_b = b.start("search-indexer")

    posted = a.django(POST_WORK.format(title="Heliotrope"))
    assert wait_until(
        lambda: two_hosts.finds(b, "heliotrope") == f"[{posted}]", timeout=FOUND_WITHIN_SECONDS
    )

    indexer_b.terminate()
    assert indexer_b.wait(timeout=30) == 0
    while_down = a.django(POST_WORK.format(title="Bergamot"))
    assert wait_until(lambda: two_hosts.finds(a, "bergamot") == f"[{while_down}]")
    assert int(a.django(QUEUE_LEFT)) > 0  # held for b, which is down
    assert two_hosts.finds(b, "bergamot") == "[]"

    b.start("search-indexer")

    assert wait_until(
        lambda: two_hosts.finds(b, "bergamot") == f"[{while_down}]", timeout=FOUND_WITHIN_SECONDS
    )
    assert wait_until(lambda: int(a.django(QUEUE_LEFT)) == 0)
