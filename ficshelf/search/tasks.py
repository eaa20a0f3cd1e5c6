"""Background work for search: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

import logging

from django_tasks import task

from ficshelf.search import queue
from ficshelf.search.backends.base import SearchUnavailable

logger = logging.getLogger(__name__)


@task()
def drain_index_queue() -> int:
    try:
        return queue.drain_index_queue()
    except SearchUnavailable as problem:
        # Expected while `ficshelf reindex` holds the index: the works stay queued and the
        # next drain (at most 30 s later) takes them.
        logger.warning("Search index not updated this time: %s", problem)
        return 0
