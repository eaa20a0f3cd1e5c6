"""A Content-Security-Policy on every response (the admin site's included), and ``/health``
answered ahead of the rest.

No inline scripts or styles anywhere (the pages are built that way, and so is Django's
admin: its scripts are files and its page data sits in JSON blocks, which a policy does
not block), nothing framed, forms posted only to this site. Images come from this site
and from the hosts ``FICSHELF_IMAGE_HOSTS`` allows in work text (``core.image_hosts``)
and admins list for skins (``core.skin_image_hosts``);
the admin shows no writer's images, so its pages allow only the site's own. Pages frame
only the players of the hosts admins listed for embedding (``core.embed_hosts``); the
admin frames nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from ficshelf.core.embed_hosts import frame_sources
from ficshelf.core.health_views import HEALTH_PATH, health_response
from ficshelf.core.image_hosts import image_hosts
from ficshelf.core.skin_image_hosts import skin_image_sources


def content_security_policy(image_sources: Sequence[str], frame_sources: Sequence[str] = ()) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self'", *image_sources]),
            "font-src 'self'",
            " ".join(["frame-src", *frame_sources]) if frame_sources else "frame-src 'none'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


ADMIN_CONTENT_SECURITY_POLICY = content_security_policy([])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            policy = ADMIN_CONTENT_SECURITY_POLICY
        else:
            policy = content_security_policy(_image_sources(), _frame_sources())
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


def _image_sources() -> list[str]:
    """The work text's image hosts (the setting) and the skins' (the admins' list); with
    the setting's ``*`` any HTTPS host is allowed already, so the list is not read."""
    hosts = image_hosts()
    if hosts.any_host:
        return hosts.csp_sources()
    try:
        skins = skin_image_sources()
    except DatabaseError:
        skins = []  # the database is away (a 503 page): no skin images either
    return list(dict.fromkeys([*hosts.csp_sources(), *skins]))


def _frame_sources() -> list[str]:
    try:
        return frame_sources()
    except DatabaseError:
        return []  # the database is away (a 503 page): frame nothing


class HealthCheckMiddleware:
    """Answers ``/health`` itself, first of all the middleware (``core.health`` says why)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return health_response()
