"""Files the worker makes, and which of them are being made or could not be made.

Both live in the database, not in a server's data folder: the worker that makes a PDF or a
bulk zip may run on another server than the one the reader asks, and every server shares
the database (decision 0013). Files made in a request (EPUB, HTML, TXT) are kept in each
server's own data folder instead (``files``): any server can make them again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class MadeFile(models.Model):
    """One file the worker made: a work's PDF, AZW3 or MOBI for one version, or a bulk zip
    or omnibus EPUB. Its bytes are in ``MadeFileChunk`` rows, written one by one; only a
    complete file is ever served, so a reader never gets half of one."""

    # "work/<id>/<version>/work-a5.pdf" or "bulk/<key>.zip" (``made_files``): what the
    # view looks for. At most one complete file per name.
    name = models.CharField(max_length=200)
    # A work's files go with it; bulk files, which hold many works, expire by age instead.
    work = models.ForeignKey(
        "works.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.CharField(max_length=40, blank=True)  # the work's version key
    size = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)  # SHA-256 of the bytes: the ETag
    started_at = models.DateTimeField()
    made_at = models.DateTimeField(null=True, blank=True)  # set once complete
    is_complete = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(is_complete=True), name="one_complete_made_file"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MadeFileChunk(models.Model):
    """A piece of a made file's bytes, at most ``made_files.CHUNK_BYTES`` long: a download is
    sent a piece at a time, never held whole in a process's memory."""

    file = models.ForeignKey(MadeFile, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["file", "position"], name="one_chunk_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.position}"


class Preparation(models.Model):
    """A file queued for the worker, or one whose making failed lately.

    Queued: the first request for a file claims it here and queues its task; others wait for
    it instead of queueing it again. Failed: readers are told the file could not be made
    instead of waiting on a page that refreshes, and it is not tried again for a while.
    Either state older than ``made_files.PREPARATION_TIMEOUT_SECONDS`` is claimed again (a task
    that was lost, or a failure worth another try)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        FAILED = "failed"

    name = models.CharField(max_length=200, unique=True)  # the made file's name, or bulk key
    state = models.CharField(max_length=10, choices=State.choices)
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.state}"


class DataExport(models.Model):
    """A member's "download my data" zip: asked for on their page, packed by the worker
    (``member_data``), kept in the database as a made file (every server serves it, decision
    0013), served to them alone, and removed when it expires or their account goes."""

    class State(models.TextChoices):
        QUEUED = "queued"
        PACKING = "packing"
        READY = "ready"
        FAILED = "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_at = models.DateTimeField()
    # Progress for the page that waits: entries written out of entries to write.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.ForeignKey(
        MadeFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"data export {self.pk} of {self.user_id} ({self.state})"

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
