"""Background work for the social app: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.social import hits, notifications


@task()
def email_inbox_item(item_id: int) -> bool:
    return notifications.email_inbox_item(item_id)


@task()
def email_guest_of_reply(comment_id: int) -> bool:
    return notifications.email_guest_of_reply(comment_id)


@task()
def send_notification_digests() -> int:
    return notifications.send_notification_digests()


@task()
def flush_hits() -> int:
    return hits.flush_hits()
