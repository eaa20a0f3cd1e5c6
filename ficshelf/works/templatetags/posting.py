"""The creators' bar above a work (Post, Edit, Add chapter, ...), for the work page.

``works/detail.html`` includes ``works/posting/_creator_actions.html`` with its own
context; this tag decides whether the viewer is a creator, so the reading views know
nothing about posting.
"""

from __future__ import annotations

from typing import Any

from django import template

from ficshelf.works.access import is_creator
from ficshelf.works.actions import has_co_creators
from ficshelf.works.inspiration import related_waiting

register = template.Library()


@register.inclusion_tag("works/posting/_creator_bar.html", takes_context=True)
def creator_actions(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    work = context.get("work")
    shown = request is not None and work is not None and is_creator(request, work)
    return {
        "shown": shown,
        "has_co_creators": shown and has_co_creators(work, request.user),  # type: ignore[union-attr,arg-type]
        # Works naming this one whose listing here waits for its creators' approval.
        "related_waiting": shown and related_waiting(work),  # type: ignore[arg-type]
        "has_related": shown and getattr(work, "is_inspiring", True),
        "work": work,
        "chapter": context.get("chapter"),
        "csrf_token": context.get("csrf_token"),
    }
