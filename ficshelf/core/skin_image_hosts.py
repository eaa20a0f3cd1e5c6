"""The hosts a skin's ``url()`` may load images from: the list admins keep
(``core.models.SkinImageHost``) and the hosts ``FICSHELF_IMAGE_HOSTS`` names (decision 0009,
amended: the setting's named hosts are always allowed besides the list; its ``*``, any
host, is for images in work text only).

A skin is loaded on every page of a work, and a public site skin on every page of everyone
who chose it: its image host would learn who reads what, everywhere. So skins take images
only from hosts admins trust, and taking a host off stops its images at once:

- the served stylesheet is cleaned again against the list when it is asked for, and its
  address carries a digest of the list's hosts (for a skin with images), so every page
  links a new address the moment the list changes (``skin_stylesheet_version``), and a
  copy a browser kept of the old address is never linked again;
- the Content-Security-Policy's ``img-src`` names the listed hosts (when the setting is
  not ``*``), so even a stylesheet already in a browser loses them;
- pages kept for guests are keyed on the list too (``core.kept_pages``).

The list is read from the shared cache (Redis on several servers, decision 0011), not
from a process's memory: a save or delete writes the new list there when it commits, so
every server's next request sees it. A reader filling an empty cache only adds (never
overwrites), so a list read just before a change cannot replace the one written after it.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import transaction

from ficshelf.core.disk_full import skipped_if_full
from ficshelf.core.embed_hosts import host_allowed
from ficshelf.core.image_hosts import image_hosts

_KEY = "skin-image-hosts:v1"
# A day: the value is replaced on every change; the expiry only bounds a lost write.
SKIN_IMAGE_HOSTS_SECONDS = 24 * 3600


def _listed_hosts() -> tuple[str, ...]:
    from ficshelf.core.models import SkinImageHost

    return tuple(sorted(SkinImageHost.objects.values_list("host", flat=True)))


def skin_image_hosts() -> tuple[str, ...]:
    """Every host skins may take images from: the admins' list, then the setting's hosts."""
    listed = cache.get(_KEY)
    if listed is None:
        listed = _listed_hosts()
        with skipped_if_full("keeping the skin image hosts in the cache"):
            cache.add(_KEY, listed, SKIN_IMAGE_HOSTS_SECONDS)
    named = image_hosts().hosts  # empty for "*" and "none"
    return tuple(dict.fromkeys((*listed, *named)))


def skin_image_hosts_changed(**kwargs: Any) -> None:
    """A host was added, changed or removed: once that commits, the shared cache holds the
    new list, for every server's next request."""

    def publish() -> None:
        with skipped_if_full("keeping the skin image hosts in the cache"):
            cache.set(_KEY, _listed_hosts(), SKIN_IMAGE_HOSTS_SECONDS)

    transaction.on_commit(publish)


def allowed_skin_image_source(url: str) -> str | None:
    """``url`` when a skin may load it: HTTPS, on an allowed host, no credentials."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username:
        return None
    return url if host_allowed(parts.hostname, skin_image_hosts()) else None


def skin_image_sources() -> list[str]:
    """What the Content-Security-Policy's ``img-src`` adds for skins."""
    return [f"https://{host}" for host in skin_image_hosts()]


def skin_image_hosts_key() -> str:
    """A short digest of the allowed hosts: part of the address of every skin with images
    and of the keys of pages kept for guests."""
    return hashlib.sha256("\n".join(skin_image_hosts()).encode()).hexdigest()[:12]


def skin_stylesheet_version(css: str) -> str:
    """What a skin's address carries: a digest of its CSS, and for a skin with images of the
    hosts they may come from, so a change of either is a new address."""
    source = f"{skin_image_hosts_key()}\n{css}" if "url(" in css else css
    return hashlib.sha256(source.encode()).hexdigest()[:16]
