"""Which app servers run on this database, so that several servers are noticed.

Two ``ficshelf serve`` processes with their own data folders that share one PostgreSQL
database must also share the cache, the secret key and the search backend, or they
disagree (a logout on one is not one on the other). An operator may say how many servers
there are (``FICSHELF_SERVERS``); ``serve`` also records itself in ``AppServer`` and renews
its row every ``BEAT_SECONDS``, so ``ficshelf check --deploy`` sees a second server that
nobody declared.

A server is a data folder on a host: two ``serve`` on one machine with two folders are two
servers (each has its own cache folder and generated key), the web processes and worker of
one ``serve`` are one.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import socket

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ficshelf.core.models import AppServer

BEAT_SECONDS = 60
# A server not renewed for this long is taken to be gone (killed without removing its row).
SEEN_WITHIN_SECONDS = 5 * 60


def this_server_id() -> str:
    place = f"{socket.gethostname()}\n{settings.DATA_DIR}"
    return hashlib.sha256(place.encode()).hexdigest()[:32]


def announce(*, runs_worker: bool) -> None:
    """Record this server as running: ``serve`` calls it once the database answers, then
    every ``BEAT_SECONDS`` (a row removed meanwhile, aged out while the database was away,
    comes back)."""
    AppServer.objects.update_or_create(
        server_id=this_server_id(),
        defaults={
            "host": socket.gethostname()[:255],
            "data_dir": str(settings.DATA_DIR),
            "runs_worker": runs_worker,
            "seen_at": timezone.now(),
        },
    )


def leave() -> None:
    """This server stops: it no longer counts. Quiet when the database is away (the row
    then ages out)."""
    with contextlib.suppress(DatabaseError):
        AppServer.objects.filter(server_id=this_server_id()).delete()


def servers_seen() -> list[AppServer]:
    """The servers renewed lately, this one too when it runs; [] when the database cannot
    say (away, or not migrated yet)."""
    recently = timezone.now() - datetime.timedelta(seconds=SEEN_WITHIN_SECONDS)
    try:
        return list(AppServer.objects.filter(seen_at__gte=recently).order_by("host", "data_dir"))
    except DatabaseError:
        return []
