"""Background work for search: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

import logging

from django_tasks import task

from ficshelf.core.disk_full import is_disk_full, note_disk_full
from ficshelf.search import page_versions, queue
from ficshelf.search.backends.base import SearchUnavailable

logger = logging.getLogger(__name__)

# Ahead of downloads and mails waiting in the task table: a drain takes a moment, and until
# it runs a change shows in listings but not in the words search finds.
DRAIN_PRIORITY = 10


@task(priority=DRAIN_PRIORITY)
def drain_index_queue() -> int:
    try:
        return queue.drain_index_queue()
    except SearchUnavailable as problem:
        # Expected while `ficshelf reindex` holds the index: the works stay queued and the
        # next drain (at most 30 s later) takes them.
        logger.warning("Search index not updated this time: %s", problem)
        return 0
    except Exception as error:
        if not is_disk_full(error):
            raise
        # The works stay queued; the drain after there is room again takes them. One line
        # a full-disk episode, not a traceback every 30 seconds.
        note_disk_full(error, "updating the search index")
        return 0


@task()
def fold_work_page_changes() -> int:
    """Each work's page changes folded into one row (``search.page_versions``): the table
    stays about a row per changed work however many changes come."""
    return page_versions.fold_work_page_changes()
