"""Every server keeps its own embedded index, fed from the shared index queue
(``FICSHELF_SEARCH=per-host-embedded``, ``search.host_index``): two "hosts" here are two
data folders on the one test database (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ficshelf.search.backends import get_backend
from ficshelf.search.host_index import follow_once, pending_here, prune_queue
from ficshelf.search.host_position import read_position
from ficshelf.search.models import IndexHost, IndexQueueEntry, IndexQueueTrim
from ficshelf.search.page_cache import _data_state
from ficshelf.search.query import Words, WorkQuery
from ficshelf.search.queue import drain_index_queue, schedule_drain
from ficshelf.works.models import Work
from tests.search.listing_helpers import fandom, page, titles, work

pytestmark = pytest.mark.django_db


class Hosts:
    """Switches the archive between data folders: what a second server on the same
    database is."""

    def __init__(self, settings: pytest.FixtureRequest, root: Path) -> None:
        self.settings = settings
        self.root = root

    @contextmanager
    def on(self, name: str) -> Iterator[None]:
        before = self.settings.DATA_DIR  # type: ignore[attr-defined]
        self.settings.DATA_DIR = self.root / name  # type: ignore[attr-defined]
        try:
            yield
        finally:
            self.settings.DATA_DIR = before  # type: ignore[attr-defined]

    def follow(self, name: str) -> int:
        """One pass of that host's indexer (what it does every FOLLOW_MS)."""
        with self.on(name):
            return follow_once()

    def settle(self, name: str) -> None:
        """Two passes: on PostgreSQL a queue id not seen yet (here: ids of earlier tests'
        rolled-back transactions) holds the position one pass, until no transaction older
        than the gap is running (``search.host_position``)."""
        self.follow(name)
        self.follow(name)

    def finds(self, name: str, word: str) -> list[int]:
        """Works the host's own index finds by a word (the index alone, not the database)."""
        with self.on(name):
            return get_backend().search(WorkQuery(text=Words(word), facet_limit=0)).work_ids

    def position(self, name: str) -> int:
        state = read_position(self.root / name / "search")
        assert state is not None
        return state.position


@pytest.fixture
def hosts(settings: pytest.FixtureRequest, tmp_path: Path) -> Hosts:
    settings.FICSHELF_SEARCH = "per-host-embedded"  # type: ignore[attr-defined]
    both = Hosts(settings, tmp_path)
    # Both servers are up and have built their (empty) index.
    both.follow("a")
    both.follow("b")
    return both


def queue_ids() -> set[int]:
    return set(IndexQueueEntry.objects.values_list("pk", flat=True))


def test_a_change_made_through_one_host_is_found_on_the_other_after_its_next_pass(
    hosts: Hosts,
) -> None:
    with hosts.on("a"):
        posted = work("Lanternfish")
    assert hosts.finds("b", "lanternfish") == []

    hosts.follow("b")

    assert hosts.finds("b", "lanternfish") == [posted.pk]
    assert hosts.finds("a", "lanternfish") == []  # a has not taken it yet: its own index


def test_entries_stay_until_both_hosts_have_applied_them(hosts: Hosts) -> None:
    first = work("Marigold")
    second = work("Juniper")
    entries = queue_ids()
    assert entries

    hosts.settle("a")
    assert queue_ids() == entries  # b still needs them

    hosts.settle("b")
    assert queue_ids() == set()
    assert IndexQueueTrim.objects.get().pruned_through == max(entries)
    assert hosts.finds("a", "marigold") == [first.pk]
    assert hosts.finds("b", "juniper") == [second.pk]


def test_a_host_that_was_down_catches_up_from_its_position(hosts: Hosts) -> None:
    hosts.follow("b")
    before = hosts.position("b")
    made = [work(f"Quokka {n}") for n in range(3)]
    hosts.follow("a")
    made[0].title = "Wombat"
    made[0].save()
    hosts.settle("a")  # b is down meanwhile: a keeps going

    assert hosts.follow("b") >= 4  # every entry since its position, none rebuilt
    hosts.follow("b")
    assert hosts.position("b") > before
    assert sorted(hosts.finds("b", "quokka")) == sorted(w.pk for w in made[1:])
    assert hosts.finds("b", "wombat") == [made[0].pk]
    assert queue_ids() == set()


def test_a_host_silent_too_long_stops_holding_entries_and_rebuilds_when_back(
    hosts: Hosts, settings: pytest.FixtureRequest
) -> None:
    kept = work("Axolotl")
    hosts.follow("a")
    hosts.follow("b")
    gone = work("Pangolin")
    later = work("Narwhal")
    hosts.follow("a")
    assert queue_ids()  # held for b
    silent_for = settings.FICSHELF_SEARCH_HOST_SILENT_MINUTES + 1  # type: ignore[attr-defined]
    with hosts.on("b"):
        IndexHost.objects.filter(data_dir=str(hosts.root / "b")).update(
            seen_at=timezone.now() - datetime.timedelta(minutes=silent_for)
        )
    prune_queue()
    assert queue_ids() == set()  # b no longer holds them
    gone.delete()

    hosts.follow("b")  # behind the deleted entries: rebuilt from the database

    assert hosts.finds("b", "pangolin") == []
    assert hosts.finds("b", "narwhal") == [later.pk]
    assert hosts.finds("b", "axolotl") == [kept.pk]
    assert hosts.position("b") >= IndexQueueTrim.objects.get().pruned_through


def test_each_host_counts_as_pending_only_what_its_own_index_lacks(hosts: Hosts) -> None:
    changed = work("Capybara")
    hosts.follow("a")

    with hosts.on("a"):
        assert pending_here(10) == set()
    with hosts.on("b"):
        assert pending_here(10) == {changed.pk}
    hosts.follow("b")
    with hosts.on("b"):
        assert pending_here(10) == set()


def test_a_listing_on_a_host_behind_shows_the_database_and_its_kept_page_is_its_own(
    hosts: Hosts, client: Client
) -> None:
    shown = work("Seen Everywhere", fandom("Two Hosts"))
    hidden = work("Soon Hidden", fandom("Two Hosts"))
    hosts.follow("a")
    hosts.follow("b")
    hidden.is_hidden_by_admin = True
    hidden.save()
    hosts.follow("a")  # b has not taken the change yet

    with hosts.on("a"):
        state_a = _data_state()
        on_a = titles(page(client, "/works/"))
    with hosts.on("b"):
        state_b = _data_state()
        on_b = titles(page(client, "/works/"))

    assert state_a != state_b  # kept pages are keyed on each host's own index
    assert on_a == on_b == [shown.title]
    assert hosts.finds("b", "hidden") == [hidden.pk]  # b's own index still has it


def test_the_drain_task_follows_this_hosts_queue_and_asks_no_worker(hosts: Hosts) -> None:
    posted = work("Okapi")
    schedule_drain()  # nothing to enqueue: every host's indexer reads the queue itself

    with hosts.on("b"):
        assert drain_index_queue() >= 1

    assert hosts.finds("b", "okapi") == [posted.pk]
    assert queue_ids()  # a has not applied it


def test_reindex_rebuilds_this_hosts_index_and_keeps_the_queue_for_the_others(
    hosts: Hosts,
) -> None:
    posted = work("Tapir")
    entries = queue_ids()

    with hosts.on("b"):
        call_command("reindex", "--quiet", stdout=None)

    assert hosts.finds("b", "tapir") == [posted.pk]
    assert queue_ids() == entries  # a still needs them
    hosts.settle("b")
    assert hosts.position("b") >= max(entries)
    hosts.settle("a")
    assert queue_ids() == set()


def test_one_index_mode_is_unchanged(settings: pytest.FixtureRequest) -> None:
    settings.FICSHELF_SEARCH = "one-index"  # type: ignore[attr-defined]
    posted = work("Echidna")

    drain_index_queue()

    assert queue_ids() == set()  # deleted by the drain, as before
    assert IndexHost.objects.count() == 0
    assert get_backend().search(WorkQuery(text=Words("echidna"), facet_limit=0)).work_ids == [
        posted.pk
    ]
    assert Work.objects.filter(pk=posted.pk).exists()
