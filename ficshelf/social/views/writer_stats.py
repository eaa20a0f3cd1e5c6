"""A writer's statistics page, ``/users/<name>/stats/`` (mounted by ``ficshelf/urls.py``
under the ``users`` names): only the member themself sees it; anyone else gets the 404 an
unknown page gets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ficshelf.accounts.access import get_user_for_profile, reader_context
from ficshelf.social.stats_chart import Bar, bar_chart
from ficshelf.social.stats_table_html import work_rows_html
from ficshelf.social.writer_stats import (
    DEFAULT_SORT,
    NUMBER_COLUMNS,
    SORT_KEYS,
    TEXT_COLUMNS,
    Totals,
    WorkStats,
    attribute_of,
    creator_subscriber_count,
    in_year,
    sorted_rows,
    stats_rows,
    totals,
    totals_per_year,
    years_of,
)

# The chart shows the works with the most of the sorted column (hits when sorted by text).
CHART_BARS = 10
ASCENDING, DESCENDING = "asc", "desc"


class StatsForm(forms.Form):
    """What the page's address may ask: a year, a column to sort by and its direction."""

    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORT_KEYS])
    order = forms.ChoiceField(
        required=False, choices=[(DESCENDING, "descending"), (ASCENDING, "ascending")]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", "All years"), *((year, str(year)) for year in years)]
        year_field.error_messages["invalid_choice"] = "Choose a year from the list."


@login_required
@require_safe
def stats_page(request: HttpRequest, username: str) -> HttpResponse:
    member = get_user_for_profile(username)
    if request.user.pk != member.pk:
        raise Http404("No such page.")
    rows = stats_rows(member)
    years = years_of(rows)
    form = StatsForm(request.GET or None, years=years)
    asked: dict[str, Any] = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            asked = form.cleaned_data
        else:
            status = 400  # the page still shows, with every year and the usual order
    year: int | None = asked.get("year")
    sort = asked.get("sort") or DEFAULT_SORT
    descending = (asked.get("order") or _natural_order(sort)) == DESCENDING
    shown = sorted_rows(in_year(rows, year), sort, descending)
    shown_totals = totals(shown, "Total").numbers()
    per_year = totals_per_year(rows)
    context = {
        **reader_context(request),
        "member": member,
        "current_tab": "stats",
        "form": form,
        "year": year,
        "sort": sort,
        "order": DESCENDING if descending else ASCENDING,
        "columns": _column_headers(year, sort, descending),
        "number_headings": [heading for _key, heading, _attribute in NUMBER_COLUMNS],
        "work_rows": work_rows_html(shown),
        "shown_totals": shown_totals,
        "total_cards": [
            (heading, value)
            for (_key, heading, _attribute), value in zip(NUMBER_COLUMNS, shown_totals, strict=True)
        ],
        "shown_count": len(shown),
        "years": [(line, line.numbers()) for line in per_year],
        "subscriber_count": creator_subscriber_count(member),
        "work_chart": _work_chart(shown, sort),
        "year_chart": _year_chart(per_year, sort) if year is None else None,
    }
    return render(request, "social/stats.html", context, status=status)


def _natural_order(sort: str) -> str:
    """Numbers and dates start from the largest and newest, titles from A."""
    return ASCENDING if sort == "title" else DESCENDING


def _column_headers(year: int | None, sort: str, descending: bool) -> list[dict[str, Any]]:
    """Each column's heading with the address that sorts by it: the column already sorted
    by turns the other way round, another starts in its natural order."""
    headers = []
    columns = [*TEXT_COLUMNS, *((key, heading) for key, heading, _ in NUMBER_COLUMNS)]
    for key, heading in columns:
        if key == sort:
            order = ASCENDING if descending else DESCENDING
            aria_sort = "descending" if descending else "ascending"
        else:
            order, aria_sort = _natural_order(key), ""
        query: dict[str, str | int] = {"sort": key, "order": order}
        if year:
            query["year"] = year
        headers.append(
            {
                "key": key,
                "heading": heading,
                "href": "?" + urlencode(query),
                "aria_sort": aria_sort,
                "is_number": key not in dict(TEXT_COLUMNS),
            }
        )
    return headers


def _chart_column(sort: str) -> tuple[str, str]:
    key = sort if sort not in dict(TEXT_COLUMNS) else "hits"
    heading = next(heading for k, heading, _ in NUMBER_COLUMNS if k == key)
    return key, heading


def _work_chart(shown: list[WorkStats], sort: str) -> dict[str, str] | None:
    """The works with the most of the sorted column: its caption and its SVG."""
    if not shown:
        return None
    key, heading = _chart_column(sort)
    attribute = attribute_of(key)
    most = sorted_rows(shown, key, descending=True)[:CHART_BARS]
    bars = [Bar(row.title, row.number(attribute)) for row in most]
    title = f"{heading}: the {len(bars)} work{'s' if len(bars) != 1 else ''} with the most"
    return {"title": title, "svg": bar_chart(bars, title=title, chart_id="works-chart")}


def _year_chart(per_year: list[Totals], sort: str) -> dict[str, str] | None:
    if len(per_year) < 2:
        return None  # one bar says nothing the totals do not
    key, heading = _chart_column(sort)
    attribute = attribute_of(key)
    bars = [Bar(line.label, line.number(attribute)) for line in per_year]
    title = f"{heading} per year published"
    return {"title": title, "svg": bar_chart(bars, title=title, chart_id="years-chart")}
