"""Background work of the moderation app: thin wrappers run by django-tasks' worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.moderation import mail


@task()
def email_report_reply(reply_id: int) -> bool:
    return mail.email_report_reply(reply_id)
