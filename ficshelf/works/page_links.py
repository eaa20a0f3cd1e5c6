"""Which other works a work's page names, so a kept copy of the page can be checked
against their changes too (``search.page_cache``)."""

from __future__ import annotations

from django.db.models import QuerySet

from ficshelf.works.models import Inspiration


def works_named_on_page_of(work_id: int) -> QuerySet[Inspiration, int]:
    """The other works a work's page may name or link to, whatever their state: its sources
    on this archive (linked only while the reader may open them) and the works inspired by
    it (listed while approved and visible). A source hidden by an admin must lose its link
    on the page at once, and one shown again get it back. A query of their ids, which
    may name the work itself.

    (The series a work is part of is shown by title and position only: a change to the
    series moves every part's page through its own action.)"""
    sources = (
        Inspiration.objects.filter(work_id=work_id, source__isnull=False)
        .order_by()
        .values_list("source_id", flat=True)
    )
    inspired = (
        Inspiration.objects.filter(source_id=work_id).order_by().values_list("work_id", flat=True)
    )
    return sources.union(inspired)
