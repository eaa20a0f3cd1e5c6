"""A writer's statistics (AO3's Stats page): per work and per year, the counts every other
page shows.

Nothing is counted here: hits, kudos, comment threads (a work's top-level comments, counted
as the work page counts its comments), bookmarks and subscriptions are the work's own
stored counts (written by ``social.counters`` alone, read as every page reads them), words
the work's ``word_count``. The page loads the member's works in one query and sums and
sorts them in Python: a writer's works are a few hundred rows, and every view of the page
(a year, a sort) comes from the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from ficshelf.accounts.models import User
from ficshelf.social.models import Subscription
from ficshelf.works.models import Creatorship, Work

# The numeric columns, in the table's order: (key in the address, heading, attribute).
NUMBER_COLUMNS = (
    ("words", "Words", "word_count"),
    ("hits", "Hits", "hits_count"),
    ("kudos", "Kudos", "kudos_count"),
    ("threads", "Comment threads", "comment_threads_count"),
    ("bookmarks", "Bookmarks", "bookmarks_count"),
    ("subscriptions", "Subscriptions", "subscriptions_count"),
)
TEXT_COLUMNS = (("title", "Work"), ("date", "Published"))
SORT_KEYS = [key for key, _heading in TEXT_COLUMNS] + [key for key, *_ in NUMBER_COLUMNS]
DEFAULT_SORT = "hits"


@dataclass
class WorkStats:
    work_id: int
    title: str
    published_on: datetime.date | None
    word_count: int
    hits_count: int
    kudos_count: int
    comment_threads_count: int
    bookmarks_count: int
    subscriptions_count: int

    @property
    def year(self) -> int | None:
        return self.published_on.year if self.published_on else None

    def number(self, attribute: str) -> int:
        value: int = getattr(self, attribute)
        return value

    def numbers(self) -> list[int]:
        """The numeric columns' values, in the table's order."""
        return [
            self.word_count,
            self.hits_count,
            self.kudos_count,
            self.comment_threads_count,
            self.bookmarks_count,
            self.subscriptions_count,
        ]


@dataclass
class Totals:
    """The sums of the numeric columns over some works (a year's, or all shown)."""

    label: str
    work_count: int = 0
    sums: dict[str, int] = field(default_factory=dict)

    def number(self, attribute: str) -> int:
        return self.sums.get(attribute, 0)

    def numbers(self) -> list[int]:
        return [self.number(attribute) for *_, attribute in NUMBER_COLUMNS]


def stats_rows(member: User) -> list[WorkStats]:
    """One row per posted work ``member`` is credited on (accepted credits), with its
    stored counts."""
    credited = Creatorship.objects.filter(pseud__user=member, is_approved=True)
    works = (
        Work.objects.visible_to(member)
        .posted()
        .filter(pk__in=credited.values("work_id"))
        .values_list(
            "pk",
            "title",
            "published_on",
            "word_count",
            "hits_count",
            "kudos_count",
            "comment_threads_count",
            "bookmarks_count",
            "subscriptions_count",
        )
    )
    return [WorkStats(*row) for row in works]


def creator_subscriber_count(member: User) -> int:
    """Readers subscribed to the member themself (AO3's "User Subscriptions")."""
    return Subscription.objects.filter(creator=member).count()


def years_of(rows: Iterable[WorkStats]) -> list[int]:
    """The years the member's works were published in, newest first."""
    return sorted({row.year for row in rows if row.year is not None}, reverse=True)


def in_year(rows: Iterable[WorkStats], year: int | None) -> list[WorkStats]:
    return [row for row in rows if year is None or row.year == year]


def sorted_rows(rows: Iterable[WorkStats], sort: str, descending: bool) -> list[WorkStats]:
    """``rows`` ordered by the column ``sort``; ties by title, so the order never shifts
    between two loads of the page."""
    by_title = sorted(rows, key=lambda row: (row.title.casefold(), row.work_id))
    if sort == "title":
        return list(reversed(by_title)) if descending else by_title
    if sort == "date":
        # Works without a date (some imports) go last whichever way.
        dated = [row for row in by_title if row.published_on is not None]
        undated = [row for row in by_title if row.published_on is None]
        dated.sort(key=lambda row: row.published_on or datetime.date.min, reverse=descending)
        return dated + undated
    attribute = attribute_of(sort)
    return sorted(by_title, key=lambda row: row.number(attribute), reverse=descending)


def attribute_of(sort: str) -> str:
    for key, _heading, attribute in NUMBER_COLUMNS:
        if key == sort:
            return attribute
    raise KeyError(sort)


def totals(rows: Iterable[WorkStats], label: str) -> Totals:
    rows = list(rows)
    sums = {
        attribute: sum(getattr(row, attribute) for row in rows) for *_, attribute in NUMBER_COLUMNS
    }
    return Totals(label=label, work_count=len(rows), sums=sums)


def totals_per_year(rows: Iterable[WorkStats]) -> list[Totals]:
    """A line per year a work was published, newest first (works without a date last)."""
    by_year: dict[int | None, list[WorkStats]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    years = sorted((year for year in by_year if year is not None), reverse=True)
    lines = [totals(by_year[year], str(year)) for year in years]
    if None in by_year:
        lines.append(totals(by_year[None], "No date"))
    return lines
