"""``ficshelf reindex``: rebuild the search index from the database, with a progress bar.

The new index is built beside the old one and takes its place only when complete, so
searches keep working meanwhile. Changes made during the rebuild stay in the index queue
and are applied by the next drain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from ficshelf.search.backends import get_backend
from ficshelf.search.backends.base import SearchUnavailable
from ficshelf.search.documents import all_documents
from ficshelf.search.host_index import per_host_indexes, rebuild_host_index
from ficshelf.search.models import IndexQueueEntry
from ficshelf.works.models import Work


class Command(BaseCommand):
    help = "Rebuild the search index from the database (searches keep working meanwhile)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        started_at = timezone.now()
        backend = get_backend()
        if not getattr(backend, "needs_documents", True):
            IndexQueueEntry.objects.filter(queued_at__lt=started_at).delete()
            self.stdout.write(
                "This search backend reads the works tables directly: nothing to rebuild."
            )
            return
        total = Work.objects.filter(is_posted=True).not_withheld().count()
        if per_host_indexes():
            self._rebuild_this_host(total, quiet=options["quiet"])
            return
        with tqdm(
            total=total, unit="work", disable=options["quiet"], desc="Indexing", file=self.stderr
        ) as bar:
            try:
                backend.rebuild(all_documents(), on_progress=_advance(bar))
            except SearchUnavailable as problem:
                raise CommandError(f"The index could not be rebuilt: {problem}") from problem
        # Entries queued before the rebuild started are in the new index; later ones stay.
        IndexQueueEntry.objects.filter(queued_at__lt=started_at).delete()
        self.stdout.write(f"Indexed {total:,} works.")

    def _rebuild_this_host(self, total: int, *, quiet: bool) -> None:
        """This server's own index (every server keeps one): the queue stays, for the other
        servers; this index follows it from where the rebuild read it."""
        with tqdm(
            total=total, unit="work", disable=quiet, desc="Indexing", file=self.stderr
        ) as bar:
            try:
                rebuild_host_index(on_progress=_advance(bar))
            except SearchUnavailable as problem:
                raise CommandError(f"The index could not be rebuilt: {problem}") from problem
        self.stdout.write(f"Indexed {total:,} works into this server's own index.")


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def advance(count: int) -> None:
        bar.update(count)

    return advance
