"""The database going away: how to tell, and how to wait for it to come back.

A PostgreSQL restart or a network blip surfaces as ``OperationalError`` (cannot connect,
connection lost, server shutting down) or ``InterfaceError`` (a connection closed under
us). Both pass: pages answer 503 meanwhile (``core.error_views``), and the processes that
``serve`` runs wait and retry instead of exiting (``wait_for_database``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

# SQLite's "database is locked" and PostgreSQL's serialization failures are operational
# errors too: they also pass, so a retry is the right answer to them as well.
DATABASE_AWAY_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

T = TypeVar("T")


def is_database_away(error: BaseException) -> bool:
    return isinstance(error, DATABASE_AWAY_ERRORS)


def describe(error: BaseException) -> str:
    """The first line of the driver's message (psycopg's run over several lines)."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def drop_connections() -> None:
    """Close every connection of this thread, so the next query opens a fresh one instead
    of reusing a socket the database has closed."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_AWAY_ERRORS):  # already gone
            connection.close()


def wait_for_database(
    attempt: Callable[[], T],
    *,
    on_wait: Callable[[BaseException, float], None],
    first_delay: float = 1.0,
    longest_delay: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``attempt`` until it runs without the database being away; ``on_wait(error,
    seconds)`` before each pause, which doubles up to ``longest_delay``. Other errors are
    raised at once: they will not pass by waiting."""
    delay = first_delay
    while True:
        try:
            return attempt()
        except DATABASE_AWAY_ERRORS as error:
            drop_connections()
            on_wait(error, delay)
            sleep(delay)
            delay = min(delay * 2, longest_delay)
