"""What every page asks of this app (the banner, the current Terms of Service version),
read once per request from one small row and kept under its generation.

The key of what is kept is ``SiteState.generation``, which every action of this app moves
in its own transaction (``advance``): a page edit, a new ToS version, a news post, a banner
set or taken down. So the kept value is never staler than the database and is never
deleted. The banner's expiry needs no change to pass: it is compared with the clock on
each request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from ficshelf.core.process_cache import cached_value
from ficshelf.sitecontent.models import PageKind, PageRevision, SiteBanner, SiteState

STATE_SECONDS = 300
# The guest's cookie that names the banner they dismissed (members' dismissals are rows).
DISMISSED_BANNER_COOKIE = "banner_dismissed"
_REQUEST_STATE = "_ficshelf_site_content"


@dataclass(frozen=True)
class ShownBanner:
    pk: int
    text: str
    expires_at_timestamp: float | None


@dataclass(frozen=True)
class SiteContent:
    generation: int
    terms_version: int
    banner: ShownBanner | None

    def banner_now(self) -> ShownBanner | None:
        """The banner, unless it expired since it was kept."""
        banner = self.banner
        if banner is None:
            return None
        expiry = banner.expires_at_timestamp
        if expiry is not None and expiry <= timezone.now().timestamp():
            return None
        return banner


def advance() -> None:
    """Move the generation: called inside every action's transaction (a row lock, so two
    editors' changes each get their own number)."""
    updated = SiteState.objects.filter(pk=1).update(generation=F("generation") + 1)
    if not updated:
        SiteState.objects.create(pk=1, generation=1)


def current_generation() -> int:
    # A primary-key read: cheaper than the shared cache's own read would be.
    rows = SiteState.objects.filter(pk=1).values_list("generation", flat=True)[:1]
    return next(iter(rows), 0)


def site_content(request: HttpRequest | None = None) -> SiteContent:
    """The banner and ToS version as of this request (one query, then the cache)."""
    if request is not None and hasattr(request, _REQUEST_STATE):
        kept: SiteContent = getattr(request, _REQUEST_STATE)
        return kept
    generation = current_generation()
    content = cached_value(
        f"site-content:{generation}", lambda: _load(generation), seconds=STATE_SECONDS
    )
    if request is not None:
        setattr(request, _REQUEST_STATE, content)
    return content


def _load(generation: int) -> SiteContent:
    version = (
        PageRevision.objects.filter(page__slug=PageKind.TERMS, terms_version__isnull=False)
        .order_by("-number")
        .values_list("terms_version", flat=True)
        .first()
    )
    banner = SiteBanner.objects.filter(is_active=True).order_by("-created_at", "-pk").first()
    shown = None
    if banner is not None and banner.is_shown_at(timezone.now()):
        expiry = banner.expires_at.timestamp() if banner.expires_at else None
        shown = ShownBanner(pk=banner.pk, text=banner.text, expires_at_timestamp=expiry)
    return SiteContent(generation=generation, terms_version=version or 0, banner=shown)


def guest_dismissed(request: HttpRequest, banner: ShownBanner) -> bool:
    return request.COOKIES.get(DISMISSED_BANNER_COOKIE, "") == str(banner.pk)


def kept_page_key_part(request: HttpRequest) -> str:
    """What a guest's kept page shows of this app: the generation (news on the home page,
    the banner's text) and whether the banner shows to this guest now (it expired, they
    dismissed it). Registered with ``core.kept_pages`` for every kept page's key."""
    content = site_content(request)
    banner = content.banner_now()
    if banner is None:
        shown = "no banner"
    elif guest_dismissed(request, banner):
        shown = "dismissed"
    else:
        shown = f"banner {banner.pk}"
    return f"site content {content.generation}, {shown}"
