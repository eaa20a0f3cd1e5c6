"""The cache a server uses when no Redis is configured: diskcache's Django cache in the
data folder (decision 0011).

Every web process and the worker of one server open the same SQLite files, so a rate-limit
counter, a session or a kept page written by one is read by the others. Unlike Django's
file cache it increments atomically (in an SQLite transaction), keeps the expiry a value
was given when it is incremented, and evicts only when the folder passes its size limit,
least recently stored first; expired values go at once, whatever their number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diskcache_community.djangocache import DjangoCache

# Shards are separate SQLite files: writes to different shards do not wait for each other.
# Eight is diskcache's default and more than one server's processes contend for.
SHARDS = 8
# How long a write waits for a shard another process is writing before trying again (the
# cache retries writes until they succeed; reads never wait in WAL mode).
SHARD_WAIT_SECONDS = 0.1


class EmbeddedCache(DjangoCache):
    """diskcache's Django cache, keeping its SQLite connections between requests."""

    def close(self, **kwargs: Any) -> None:
        # Django closes every cache after every request. Reopening a shard's SQLite file
        # costs about half a millisecond (bench/cache_backends.py), once per shard a request
        # touches, so each thread keeps its connections for as long as it keeps this cache.
        pass

    def close_connections(self) -> None:
        """Close this thread's SQLite connections (tests that drop a cache folder)."""
        self._cache.close()  # type: ignore[attr-defined]  # the FanoutCache, not typed


def embedded_cache_settings(folder: Path, *, size_limit_mb: int) -> dict[str, Any]:
    """The ``CACHES`` entry for an embedded cache in ``folder``."""
    return {
        "BACKEND": "ficshelf.core.embedded_cache.EmbeddedCache",
        "LOCATION": str(folder),
        "SHARDS": SHARDS,
        "DATABASE_TIMEOUT": SHARD_WAIT_SECONDS,
        # Values are pickled, as by every Django cache; the folder is the archive's own, as
        # writable only by it as its database (decision 0011).
        "DISK": "diskcache_community.Disk",
        "OPTIONS": {
            "size_limit": size_limit_mb * 1024 * 1024,
            # Least recently stored goes first when the folder is full: an increment stores
            # its counter again, so a live rate limit is never the first to go.
            "eviction_policy": "least-recently-stored",
        },
    }
