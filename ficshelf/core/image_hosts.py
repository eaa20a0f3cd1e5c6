"""Where images in works may come from: the ``FICSHELF_IMAGE_HOSTS`` setting.

A reader's browser fetches an embedded image from its host, which learns the reader's
address and when they read. Writers embed art and covers (AO3 allows any web image in
work text), so by default any host may serve them, over HTTPS only; an archive can name
the hosts it trusts, or allow none. The sanitizer applies the rule when text is saved,
and the Content-Security-Policy's ``img-src`` applies it in the browser, so narrowing the
list hides images from other hosts at once, even in text saved before.

Setting values: ``*`` (any host, the default), a comma-separated list of host names where
``*.example.org`` also allows its subdomains, or ``none``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


@dataclass(frozen=True)
class ImageHosts:
    any_host: bool
    hosts: tuple[str, ...]  # lowercased; "*.example.org" allows example.org's subdomains

    def allows(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        if not host:
            return False
        if self.any_host:
            return True
        for allowed in self.hosts:
            if allowed.startswith("*."):
                if host.endswith(allowed[1:]):
                    return True
            elif host == allowed:
                return True
        return False

    def csp_sources(self) -> list[str]:
        """What the Content-Security-Policy's ``img-src`` lists besides 'self'."""
        if self.any_host:
            return ["https:"]
        return [f"https://{host}" for host in self.hosts]


def parse_image_hosts(value: str) -> ImageHosts:
    """The setting's text as an ``ImageHosts``; unknown words are host names."""
    words = [w.strip().lower() for w in value.split(",") if w.strip()]
    if "*" in words:
        return ImageHosts(any_host=True, hosts=())
    if words in ([], ["none"]):
        return ImageHosts(any_host=False, hosts=())
    return ImageHosts(any_host=False, hosts=tuple(dict.fromkeys(w for w in words if w != "none")))


def image_hosts() -> ImageHosts:
    hosts: ImageHosts = settings.FICSHELF_IMAGE_HOSTS
    return hosts


def allowed_image_source(url: str) -> str | None:
    """``url`` fit for an ``<img src>`` under the setting, or None.

    Only HTTPS: a plain-HTTP image on an HTTPS archive is mixed content that browsers
    upgrade or block anyway, and over plain HTTP anyone on the network sees what is read.
    So ``http://`` is upgraded to ``https://`` (imported works keep their images).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return None
    if not image_hosts().allows(parts.hostname):
        return None
    return "https" + url[len(scheme) :] if scheme == "http" else url
