"""A host's position in the index queue (``search.host_position``): ids that commit out of
order are neither skipped nor waited for forever."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from ficshelf.search.host_index import follow_once
from ficshelf.search.host_position import (
    Gap,
    HostPosition,
    read_position,
    write_position,
)
from ficshelf.search.models import IndexQueueEntry
from tests.factories import WorkFactory

LONG_AGO = 0.0
NOW = 1000.0
NOTHING_RUNNING = float("inf")


def test_ids_read_in_a_row_move_the_position_to_the_last() -> None:
    state = HostPosition.starting_at("index-1", 10)
    after = state.after_reading([11, 12, 13], noticed_at=NOW, running_since=NOW)
    assert (after.position, after.applied_above, after.gaps) == (13, frozenset(), ())


def test_an_id_not_seen_yet_holds_the_position_while_an_older_transaction_runs() -> None:
    state = HostPosition.starting_at("index-1", 10)
    after = state.after_reading([11, 13], noticed_at=NOW, running_since=NOW - 5)
    assert after.position == 11
    assert after.applied_above == frozenset({13})
    assert after.gaps == (Gap(12, 12, NOW),)
    assert after.applied(13) and not after.applied(12)

    # Still running: held. Committed and read: applied, and the position moves past 13.
    held = after.after_reading([13], noticed_at=NOW + 1, running_since=NOW - 5)
    assert held.position == 11
    filled = held.after_reading([12, 13], noticed_at=NOW + 2, running_since=NOW - 5)
    assert (filled.position, filled.applied_above, filled.gaps) == (13, frozenset(), ())


def test_an_id_never_seen_is_given_up_once_no_transaction_from_before_runs() -> None:
    state = HostPosition.starting_at("index-1", 0)
    after = state.after_reading([4, 9], noticed_at=NOW, running_since=NOW - 5)
    assert after.gaps == (Gap(1, 3, NOW), Gap(5, 8, NOW))

    given_up = after.after_reading([4, 9], noticed_at=NOW + 1, running_since=NOW + 0.5)

    assert (given_up.position, given_up.gaps) == (9, ())


def test_a_filled_id_splits_its_gap() -> None:
    state = HostPosition.starting_at("index-1", 0).after_reading(
        [10], noticed_at=NOW, running_since=LONG_AGO
    )
    after = state.after_reading([5, 10], noticed_at=NOW + 1, running_since=LONG_AGO)
    assert after.gaps == (Gap(1, 4, NOW), Gap(6, 9, NOW))
    assert after.applied_above == frozenset({5, 10})


def test_without_transactions_to_wait_for_every_gap_goes_at_once() -> None:
    after = HostPosition.starting_at("index-1", 0).after_reading(
        [3, 7], noticed_at=NOW, running_since=NOTHING_RUNNING
    )
    assert (after.position, after.gaps) == (7, ())


def test_the_state_survives_the_file_and_a_damaged_file_reads_as_none(tmp_path: Path) -> None:
    state = HostPosition.starting_at("index-1", 3).after_reading(
        [5, 8], noticed_at=NOW, running_since=LONG_AGO
    )
    write_position(tmp_path, state)
    assert read_position(tmp_path) == state

    (tmp_path / "APPLIED").write_text("{not json")
    assert read_position(tmp_path) is None
    assert read_position(tmp_path / "nowhere") is None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_change_committing_after_a_later_one_is_applied_not_skipped(
    settings: pytest.FixtureRequest,
) -> None:
    """On PostgreSQL a change that took its queue id first may commit last: the host's
    position waits for it while its transaction runs."""
    import psycopg

    settings.FICSHELF_SEARCH = "per-host-embedded"  # type: ignore[attr-defined]
    follow_once()
    slow_work = WorkFactory(title="Slowpoke")
    fast_work = WorkFactory(title="Quickstep")
    IndexQueueEntry.objects.all().delete()
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        with other.cursor() as cursor:
            # The slow change takes its id, and is still committing ...
            cursor.execute(
                "INSERT INTO search_indexqueueentry (work_id, queued_at, counters_only) "
                "VALUES (%s, now(), false) RETURNING id",
                [slow_work.pk],
            )
            slow_id = cursor.fetchone()[0]  # type: ignore[index]
            # ... while a later one commits (in the test's own transaction, read here).
            fast_id = IndexQueueEntry.objects.create(work_id=fast_work.pk).pk
            assert fast_id > slow_id
            follow_once()
            follow_once()
            state = read_position(settings.DATA_DIR / "search")  # type: ignore[attr-defined]
            assert state is not None
            assert state.position < slow_id and state.applied(fast_id)
        other.commit()
        follow_once()
    state = read_position(settings.DATA_DIR / "search")  # type: ignore[attr-defined]
    assert state is not None and state.applied(slow_id) and state.position >= fast_id
    IndexQueueEntry.objects.filter(pk=slow_id).delete()  # committed outside the test's own
