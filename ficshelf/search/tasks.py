"""Background work for search: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.search import queue


@task()
def drain_index_queue() -> int:
    return queue.drain_index_queue()
