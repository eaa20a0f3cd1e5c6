"""What a killed ``reindex`` leaves, recovered on the next start (``core.recovery``)."""

from __future__ import annotations

from ficshelf.core.recovery import AbandonedTask
from ficshelf.search.backends import get_backend
from ficshelf.search.backends.base import LeavesPartialBuilds


def recover_search(abandoned: list[AbandonedTask]) -> list[str]:
    backend = get_backend()
    if isinstance(backend, LeavesPartialBuilds):
        return backend.remove_abandoned_builds()
    return []
