"""The statistics page's per-work rows as HTML, built in Python: a writer with 500 works
has a 4,500-cell table, which the template language took about half a second to write
(``bench/writer_stats.py``); this takes a few milliseconds. The headings, totals and
per-year lines stay in the template."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ficshelf.social.writer_stats import WorkStats
from ficshelf.works.blurb_html import BlurbLinks

NO_DATE = "—"


def work_rows_html(rows: Iterable[WorkStats]) -> SafeString:
    """One ``<tr>`` per work: its title linked, its date, then its numbers."""
    links = BlurbLinks()
    lines = []
    for row in rows:
        if row.published_on is None:
            date = NO_DATE
        else:
            day = row.published_on.isoformat()
            date = f'<time datetime="{day}">{day}</time>'
        # Numbers with commas, as ``works.display.thousands`` writes them everywhere.
        cells = "".join(f"<td>{value:,}</td>" for value in row.numbers())
        lines.append(
            f'<tr><th scope="row"><a href="{escape(links.work_url(row.work_id))}">'
            f"{escape(row.title)}</a></th><td>{date}</td>{cells}</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 (every value above is escaped or a number)
