"""Two transactions at once on PostgreSQL, each on a connection of its own: the first held
open until the second waits for one of its locks, then both commit. For tests of what
READ COMMITTED would lose without the lock a write takes first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction

# How long the first transaction waits for the second to queue behind it.
PATIENCE_SECONDS = 15.0


def one_transaction_waits_for_the_other(
    first: Callable[[], None], second: Callable[[], None]
) -> None:
    """``first`` in a transaction on one connection, held open until ``second`` (in a
    transaction on another) is waiting for a lock; then both commit."""
    first_wrote = threading.Event()
    failures: list[BaseException] = []

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                first_wrote.set()
                _wait_until_another_waits_for_a_lock()
        except BaseException as error:  # noqa: BLE001  # raised again by the test
            failures.append(error)
            first_wrote.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            first_wrote.wait(PATIENCE_SECONDS)
            with transaction.atomic():
                second()
        except BaseException as error:  # noqa: BLE001  # raised again by the test
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE_SECONDS * 2)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    if failures:
        raise failures[0]


def _wait_until_another_waits_for_a_lock() -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_locks, not pg_stat_activity: that one is read once per transaction.
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            row = cursor.fetchone()
            if row and row[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the first's lock")
