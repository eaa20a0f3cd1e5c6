"""Where a catalog page is among its feed's pages, and the links to the others: the same
for OPDS 1.2 (``opds``) and 2.0 (``opds2``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest

from ficshelf.search.service import WorkPage


@dataclass(frozen=True)
class Paging:
    """``last`` is None when nobody counted the pages."""

    number: int
    has_next: bool
    last: int | None = None

    @classmethod
    def of(cls, page: Page[Any]) -> Paging:
        return cls(page.number, page.has_next(), page.paginator.num_pages)

    @classmethod
    def of_works(cls, page: WorkPage) -> Paging:
        return cls(page.page, page.page < page.page_count, page.page_count)

    def links(self, request: HttpRequest) -> list[tuple[str, str]]:
        """(rel, absolute URL) for first, previous, next and last, where they exist."""
        pages: list[tuple[str, int]] = []
        if self.number > 1:
            pages += [("first", 1), ("previous", self.number - 1)]
        if self.has_next:
            pages.append(("next", self.number + 1))
            if self.last is not None:
                pages.append(("last", self.last))
        return [(rel, _page_url(request, number)) for rel, number in pages]


def _page_url(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
