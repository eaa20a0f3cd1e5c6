"""Background work for works: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.works import actions, scheduling


@task()
def purge_old_drafts() -> int:
    return actions.purge_old_drafts()


@task()
def post_scheduled() -> int:
    return scheduling.post_due()
