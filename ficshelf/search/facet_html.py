"""The sidebar's tag checkboxes (the facet groups), built in Python.

A listing's sidebar shows every facet group twice (to include and to exclude), ten choices
or more each: as template includes that was about 140 lookups per group and 10 ms of a cold
listing's 70. This writes the markup those templates wrote (82 listing and search pages
compared when it replaced them, whitespace aside); every value from the database goes
through ``escape``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ficshelf.search.forms import FacetChoice, FacetGroup

INCLUDE, EXCLUDE = "include", "exclude"


def facet_groups_html(
    groups: Iterable[FacetGroup], *, mode: str, query: QueryDict, are_estimates: bool
) -> SafeString:
    """Each group with choices as a ``<details>`` of checkboxes naming the group's include
    (or, when ``mode`` is ``EXCLUDE``, exclude) parameter; ``query`` is the page's own, for the
    "More ..." and "Fewer ..." links."""
    parts = [_group_html(group, mode, query, are_estimates) for group in groups if group.choices]
    # Every piece is built from escaped values in _group_html.
    return mark_safe("".join(parts))  # noqa: S308


def _group_html(group: FacetGroup, mode: str, query: QueryDict, are_estimates: bool) -> str:
    excluding = mode == EXCLUDE
    param = escape(group.exclude_param if excluding else group.include_param)
    checked_any = group.has_excluded if excluding else group.has_included
    is_open = " open" if checked_any or group.is_expanded else ""
    label = escape(group.label)
    html = [
        f'<details class="facet-group {escape(group.type)}"{is_open}><summary>{label}</summary><ul>'
    ]
    for choice in group.choices:
        html.append(_choice_html(choice, param, excluding, are_estimates))
    html.append("</ul>")
    if group.has_more:
        more = _querystring(query, facet_more=group.type)
        html.append(
            f'<p class="facet-more"><a href="{more}#filters">More {escape(group.label.lower())}'
            "</a></p>"
        )
    elif group.is_expanded:
        fewer = _querystring(query, facet_more=None)
        html.append(
            f'<p class="facet-more"><a href="{fewer}#filters">Fewer {escape(group.label.lower())}'
            "</a></p>"
        )
    html.append("</details>")
    return "".join(html)


def _choice_html(choice: FacetChoice, param: str, excluding: bool, are_estimates: bool) -> str:
    pk = escape(choice.tag.pk)
    field_id = f"{param}_{pk}"
    is_checked = choice.is_excluded if excluding else choice.is_included
    checked = " checked" if is_checked else ""
    count = ""
    if choice.count is not None:
        about = "about " if are_estimates else ""
        count = f' <span class="count">({about}{choice.count:,})</span>'
    return (
        f'<li><input type="checkbox" name="{param}" value="{pk}" id="{field_id}"{checked}>'
        f'<label for="{field_id}">{escape(choice.tag.name)}{count}</label></li>'
    )


def _querystring(query: QueryDict, **changes: str | None) -> str:
    """What ``{% querystring %}`` writes: the page's query with ``changes`` (None removes),
    escaped for an attribute; the page number always goes (another group, another page 1)."""
    params = query.copy()
    for key, value in {**changes, "page": None}.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    if not params and not query:
        return ""
    return escape(f"?{params.urlencode()}")
