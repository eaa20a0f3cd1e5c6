"""Files served at an address that names their version (a digest of what they hold): pseud
icons, site skins and work skins. Any copy of such an address may be kept for good, since a
new version gets a new address; an address from before a change is sent on to the current
one (and that redirect is never kept: it moves with the next change)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control

KEPT_FOR_GOOD_SECONDS = 365 * 24 * 3600


def versioned_response(
    content: bytes | str, content_type: str, *, asked: str, current: str, current_url: str
) -> HttpResponse:
    """``content`` when the address asked for names the ``current`` version; otherwise a
    redirect to ``current_url``."""
    if asked != current:
        moved = HttpResponseRedirect(current_url)
        patch_cache_control(moved, no_cache=True)
        return moved
    response = HttpResponse(content, content_type=content_type)
    patch_cache_control(response, public=True, max_age=KEPT_FOR_GOOD_SECONDS, immutable=True)
    return response
