"""The worker's part: revealing collections whose reveal time has come."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from ficshelf.works.collection_items import due_for_reveal, reveal


@task()
def reveal_due_collections() -> int:
    """Reveal the works and creators of every collection whose reveal time has passed;
    returns how many collections were revealed. Each in its own transaction."""
    count = 0
    for collection in due_for_reveal():
        with transaction.atomic():
            reveal(collection, actor=None)
        count += 1
    return count
