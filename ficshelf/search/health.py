"""The search app's parts of ``/health``: the index answers, and its queue is drained."""

from __future__ import annotations

from ficshelf.core.health import CheckResult, queue_lag, register
from ficshelf.search.backends import get_backend
from ficshelf.search.host_index import per_host_indexes, unapplied_here
from ficshelf.search.models import IndexQueueEntry
from ficshelf.search.query import WorkQuery

# One work, no facet counts: what a search costs at least, so the check stays cheap.
_PROBE = WorkQuery(per_page=1, facet_limit=0)


def check_search_index() -> CheckResult:
    result = get_backend().search(_PROBE)
    return CheckResult(ok=True, detail=f"answered a search ({result.total:,} works)")


def check_index_queue() -> CheckResult:
    # The oldest row by id is the oldest change (hits included: they wait for the 30-second
    # periodic drain, so they age past the limit only when nobody drains).
    # With an index on every host, entries stay until every host has them: this host's lag.
    entries = unapplied_here() if per_host_indexes() else IndexQueueEntry.objects.all()
    oldest = entries.order_by("pk").values_list("queued_at", flat=True).first()
    return queue_lag(oldest, "change to the search index")


def register_search_checks() -> None:
    register("search_index", check_search_index)
    register("index_queue", check_index_queue)
