"""Where a member is in a work, for "Continue reading": the reading history row's chapter and
how far down that chapter's text they were (``Reading.scroll_fraction``, 0 to 1).

Every write is the one insert-or-update statement of the history (``record_reading``), not a
transaction of a lookup and a write: every member's page view writes here, and on SQLite a
transaction that writes holds the archive's one writer for all its statements. What the
statement changes in an existing row depends on what happened:

- a chapter's own address was opened: that chapter is the place; its fraction is kept when
  it was the place already (a reader coming back to it), otherwise the top;
- the work's address was opened (its first chapter, or the whole work): the place stays
  where it was, so opening the work to continue does not lose it (a new row starts there);
- the reading page's script said where the reader is now: chapter and fraction as sent,
  without counting a visit.
"""

from __future__ import annotations

import enum
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ficshelf.social.models import Reading


class ReadingEvent(enum.Enum):
    CHAPTER_OPENED = "chapter"
    WORK_OPENED = "work"
    PLACE_SENT = "place"


def _on_conflict(event: ReadingEvent, table: str) -> str:
    visit = f"last_viewed_at = excluded.last_viewed_at, view_count = {table}.view_count + 1"
    if event is ReadingEvent.CHAPTER_OPENED:
        return (
            "chapter_id = excluded.chapter_id, scroll_fraction = CASE WHEN"
            f" {table}.chapter_id = excluded.chapter_id THEN {table}.scroll_fraction ELSE 0 END,"
            f" {visit}"
        )
    if event is ReadingEvent.WORK_OPENED:
        return f"chapter_id = COALESCE({table}.chapter_id, excluded.chapter_id), {visit}"
    return (
        "chapter_id = excluded.chapter_id, scroll_fraction = excluded.scroll_fraction,"
        " last_viewed_at = excluded.last_viewed_at"
    )


def upsert_reading(
    *,
    user_id: int,
    work_id: int,
    chapter_id: int | None,
    event: ReadingEvent,
    fraction: float = 0.0,
) -> None:
    """Write the member's reading of the work in one statement (see the module's note)."""
    table = connection.ops.quote_name(Reading._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [user_id, work_id, chapter_id, now, fraction]
    # Inside a caller's transaction, a savepoint keeps a refused write from spoiling it.
    in_savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with in_savepoint, connection.cursor() as cursor:
            # The same in SQLite and PostgreSQL; ``reading_unique`` is (user, work).
            cursor.execute(
                f"INSERT INTO {table} (user_id, work_id, chapter_id, last_viewed_at,"  # noqa: S608 - the table's own name
                " scroll_fraction, view_count, is_marked_for_later)"
                " VALUES (%s, %s, %s, %s, %s, 1, FALSE)"
                f" ON CONFLICT (user_id, work_id) DO UPDATE SET {_on_conflict(event, table)}",
                values,
            )
    except IntegrityError:
        pass  # the work or chapter was deleted since the page loaded it: nothing to remember
