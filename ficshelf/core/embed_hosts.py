"""The hosts whose players may be embedded in works (``core.models.EmbedHost``).

Podfic, fanvids and art often live on audio and video hosts; a writer embeds their player
with an ``<iframe>``. An iframe shows another site inside the archive's page, so only hosts
the archive's admins put on the list are allowed, twice over: the sanitizer drops iframes
from other hosts when text is saved (and forces ``sandbox`` on those it keeps), and the
Content-Security-Policy's ``frame-src`` lists exactly these hosts, so a host taken off the
list stops playing at once, even in text saved under the wider list.

Every response's policy needs the list, so each process keeps it for a few seconds
(``core.process_cache``): a change reaches every server within ``EMBED_HOSTS_SECONDS``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ficshelf.core.process_cache import (
    MISSING,
    PROCESS_CACHE_SECONDS,
    process_cache_forget,
    process_cache_get,
    process_cache_set,
)

EMBED_HOSTS_SECONDS = PROCESS_CACHE_SECONDS
_KEY = "embed-hosts"
_HOST = re.compile(r"(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def normalized_host(text: str) -> str | None:
    """``text`` as the list stores a host ("*.example.org" for its subdomains), or None."""
    host = text.strip().lower().rstrip(".")
    if "://" in host:
        host = (urlsplit(host).hostname or "").lower()
    return host if _HOST.fullmatch(host) else None


def embed_hosts() -> tuple[str, ...]:
    """The hosts on the list, as this process last read them (at most a few seconds ago)."""
    kept = process_cache_get(_KEY)
    if kept is not MISSING:
        hosts: tuple[str, ...] = kept
        return hosts
    from ficshelf.core.models import EmbedHost

    hosts = tuple(EmbedHost.objects.values_list("host", flat=True))
    process_cache_set(_KEY, hosts)
    return hosts


def host_allowed(host: str, hosts: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    for allowed in hosts:
        if allowed.startswith("*."):
            if host.endswith(allowed[1:]):
                return True
        elif host == allowed:
            return True
    return False


def allowed_embed_source(url: str) -> str | None:
    """``url`` when it may be an iframe's ``src``: HTTPS, on a listed host; else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username:
        return None
    return url if host_allowed(parts.hostname, embed_hosts()) else None


def frame_sources() -> list[str]:
    """What the Content-Security-Policy's ``frame-src`` lists: the hosts, over HTTPS."""
    return [f"https://{host}" for host in embed_hosts()]


def embed_hosts_changed(**kwargs: object) -> None:
    """The list changed in this process (a save or delete): its next page reads it anew."""
    process_cache_forget(_KEY)
