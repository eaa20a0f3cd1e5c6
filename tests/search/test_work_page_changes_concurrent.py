"""Folding the page changes while another transaction's change is not yet committed
(PostgreSQL, each on a connection of its own): the late change still moves its work's
version by one, and no version ever goes back (``search.page_versions``)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from ficshelf.search.page_versions import fold_work_page_changes, move_work_pages, versions_of
from tests.concurrent_transactions import PATIENCE_SECONDS

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time"),
]

LATE, OTHER = 900_001, 900_002  # works' ids: the versions name any id


def test_a_change_committed_after_a_fold_began_still_counts_once() -> None:
    move_work_pages([LATE, OTHER])
    move_work_pages([LATE])
    before = versions_of([LATE, OTHER])
    written, folded = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def late_change() -> None:
        try:
            with transaction.atomic():
                move_work_pages([LATE])  # its row's id is taken now, committed after
                written.set()
                folded.wait(PATIENCE_SECONDS)
        except BaseException as error:  # noqa: BLE001  # raised again by the test
            failures.append(error)
            written.set()
        finally:
            connection.close()

    thread = threading.Thread(target=late_change)
    thread.start()
    assert written.wait(PATIENCE_SECONDS)
    move_work_pages([OTHER])  # a newer row, committed: the fold reaches past the late one
    seen = versions_of([LATE, OTHER])
    assert seen == {**before, OTHER: before[OTHER] + 1}
    fold_work_page_changes()
    assert versions_of([LATE, OTHER]) == seen
    folded.set()
    thread.join(PATIENCE_SECONDS)
    assert not thread.is_alive() and not failures
    assert versions_of([LATE, OTHER]) == {**seen, LATE: before[LATE] + 1}
    fold_work_page_changes()
    assert versions_of([LATE, OTHER]) == {**seen, LATE: before[LATE] + 1}
