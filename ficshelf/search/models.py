"""The index queue, and readers' saved exclusions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IndexQueueEntry(models.Model):
    """A work whose index document is out of date. Written in the same transaction as the
    change (``search.signals``), so a change can never commit without its reindex; drained
    by the worker (``search.tasks.drain_index_queue``). One row per work: repeated changes
    before a drain cost one reindex."""

    # Not a foreign key: a deleted work must still be removed from the index.
    work_id = models.BigIntegerField(unique=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"reindex work {self.work_id}"


class ExclusionSet(models.Model):
    """A reader's saved exclusions, applied to every listing, search, feed and count.

    Guests keep the same fields in their session for the visit (``search.exclusions``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exclusions"
    )
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="+")
    creators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    max_fandoms = models.PositiveSmallIntegerField(null=True, blank=True)
    max_relationships = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"exclusions of {self.user_id}"
