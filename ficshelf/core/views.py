"""/favicon.ico: browsers and feed readers ask the site's root for it, whatever the page's
<link rel="icon"> says, so it is answered there rather than left a 404."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import etag, require_safe

ICON = Path(__file__).resolve().parent.parent / "static" / "ficshelf" / "favicon.ico"
# Browsers fetch it on every new visit; it changes only with a release.
ICON_MAX_AGE = 7 * 24 * 3600


@cache
def _icon() -> tuple[bytes, str]:
    data = ICON.read_bytes()
    return data, hashlib.sha256(data).hexdigest()[:16]


@require_safe
@etag(lambda request: _icon()[1])
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_icon()[0], content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response
