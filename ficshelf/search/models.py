"""The index queue, readers' saved exclusions, and the PostgreSQL backend's text chunks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class IndexQueueEntry(models.Model):
    """A work whose index document is out of date. Written in the same transaction as the
    change (``search.signals``), so a change can never commit without its reindex; drained
    by the worker (``search.tasks.drain_index_queue``). Each change adds its own row, so the
    newest row's id moves with every change (the listing page cache keys on it); a drain
    reindexes a work once however many rows it has."""

    # Not a foreign key: a deleted work must still be removed from the index.
    work_id = models.BigIntegerField(db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    # A hit: only a counter changed. Hits are the archive's most frequent change, so they
    # wait for the periodic drain and do not make kept listing pages stale (AO3's hit
    # counts lag too); every other change is drained at once.
    counters_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"reindex work {self.work_id}"


class WorkPageChange(models.Model):
    """A change to what a work's page shows, counted for kept copies of the page: the
    work's page version is the sum of its rows' ``weight`` (``search.page_versions``), which
    a kept copy is checked against (``search.page_cache.cached_work_page_for_guests``).

    A row is written in the transaction of every change that queues the work for the index
    (so every path that changes a work, its chapters, tags, creators or counts adds one),
    hits aside. Work 0's rows count changes to what many works' pages show (a member
    suspended, a tag, series, collection or language renamed): every kept page checks it.

    Rows are only ever added, never updated, so two transactions changing the same works
    never wait on each other's locks (no deadlock, no queue behind a popular work): each
    committed change adds one to the sum, whatever order they commit in. A periodic task
    folds each work's rows into one with the same sum (``fold_work_page_changes``)."""

    # Not a foreign key: a deleted work's page changes once more when it goes.
    work_id = models.BigIntegerField()
    weight = models.BigIntegerField(default=1)

    class Meta:
        # The sum for a work read from the index alone.
        indexes = [models.Index(fields=["work_id", "weight"], name="search_page_change_sum")]

    def __str__(self) -> str:
        return f"work {self.work_id}'s page changed ({self.weight})"


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


class WorkTextChunk(models.Model):
    """A piece of a work's searchable text as a PostgreSQL tsvector, for ``PostgresBackend``.

    PostgreSQL keeps word positions only up to 16,383 per tsvector, so a long chapter indexed
    whole loses its phrase matches past that word; each field is cut into overlapping chunks
    of 500 words instead (``search.backends.postgres`` says why so small). Unused on SQLite:
    the table exists there only so one set of migrations serves both databases.
    """

    class Field(models.TextChoices):
        TITLE = "title"
        CREATOR = "creator"
        SUMMARY = "summary"
        NOTES = "notes"
        TAG = "tag"
        TEXT = "text"

    # Not a foreign key, like ``IndexQueueEntry``: the backend's ``update`` removes the chunks
    # of deleted works, and searches join the live works table anyway.
    work_id = models.BigIntegerField()
    field = models.CharField(max_length=10, choices=Field.choices)
    position = models.PositiveIntegerField()  # order of the chunk within its work
    vector = SearchVectorField()

    class Meta:
        indexes = [
            models.Index(fields=["work_id", "field"], name="work_text_chunk_work"),
            GinIndex(fields=["vector"], name="work_text_chunk_vector"),
        ]

    def __str__(self) -> str:
        return f"{self.field} chunk {self.position} of work {self.work_id}"


class IndexHost(models.Model):
    """A server keeping its own embedded index, fed from the index queue
    (``FICSHELF_SEARCH=per-host-embedded``, ``search.host_index``). Its row says how far it
    has applied the queue, so entries are deleted only once every live host is past them;
    the index's own metadata holds the authoritative position (the index is the host's),
    this row is a copy written after it. A host silent for
    ``FICSHELF_SEARCH_HOST_SILENT_MINUTES`` no longer holds entries back."""

    host_id = models.CharField(max_length=64, unique=True)  # ``core.servers.this_server_id``
    host = models.CharField(max_length=255)  # for people reading the table
    data_dir = models.TextField()
    position = models.BigIntegerField(default=0)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.data_dir} at {self.position}"


class IndexQueueTrim(models.Model):
    """One row: the highest index-queue id deleted because every live host had applied it.
    A host whose position is below it has missed entries and rebuilds its index."""

    pruned_through = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"queue pruned through {self.pruned_through}"
