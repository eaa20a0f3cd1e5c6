"""Comments shown a page of threads at a time, as AO3 does, and the address of a comment.

A much-loved work gathers thousands of comments; showing them all would make its page
megabytes long. The page shows ``THREADS_PER_PAGE`` top-level threads (each with all its
replies) and links to the others. A link to one comment (an inbox item, a reply mail, the
redirect after posting) goes through ``/comments/<id>/``, which finds the page its thread
is on for that reader (muted and unapproved comments change the count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.http import HttpRequest
from django.urls import reverse

from ficshelf.social.models import Comment

THREADS_PER_PAGE = 50
PAGE_PARAM = "comments_page"

T = TypeVar("T")


@dataclass(frozen=True)
class CommentPages:
    number: int
    count: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers to link, with None where a run of them is left out: the first
        two, the last two and two either side of this one."""
        kept = {1, 2, self.count - 1, self.count, *range(self.number - 2, self.number + 3)}
        numbers: list[int | None] = []
        for number in range(1, self.count + 1):
            if number in kept:
                numbers.append(number)
            elif numbers[-1] is not None:
                numbers.append(None)
        return numbers


def page_of_threads(threads: Sequence[T], request: HttpRequest) -> tuple[list[T], CommentPages]:
    """The threads the asked-for page shows; a page number out of range shows the nearest
    page (a comment deleted since the link was made must not turn the work into a 404)."""
    count = max(1, -(-len(threads) // THREADS_PER_PAGE))
    try:
        number = int(request.GET.get(PAGE_PARAM, "1"))
    except ValueError:
        number = 1
    number = min(max(number, 1), count)
    start = (number - 1) * THREADS_PER_PAGE
    return list(threads[start : start + THREADS_PER_PAGE]), CommentPages(number, count)


def comment_url(comment: Comment) -> str:
    """Where a link to ``comment`` goes: its permalink, which finds its page."""
    return reverse("social:comment", args=[comment.pk])


def url_on_its_page(comment: Comment, shown: Sequence[Comment]) -> str:
    """The chapter page that shows ``comment``'s thread, given the comments of its chapter
    ``shown`` to the reader in the page's order."""
    by_id = {c.pk: c for c in shown}
    root = comment
    while root.parent_id is not None and root.parent_id in by_id:
        root = by_id[root.parent_id]
    roots = [c.pk for c in shown if c.parent_id is None]
    position = roots.index(root.pk) if root.pk in roots else 0
    number = position // THREADS_PER_PAGE + 1
    url = reverse("works:chapter", args=[comment.work_id, comment.chapter_id])
    if number > 1:
        url += f"?{PAGE_PARAM}={number}"
    return f"{url}#comment_{comment.pk}"
