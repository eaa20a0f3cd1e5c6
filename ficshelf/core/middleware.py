"""A Content-Security-Policy on every response (the admin site's included), and ``/health``
answered ahead of the rest.

No inline scripts or styles anywhere (the pages are built that way, and so is Django's
admin: its scripts are files and its page data sits in JSON blocks, which a policy does
not block), nothing framed, forms posted only to this site. Images come from this site
and from the hosts ``FICSHELF_IMAGE_HOSTS`` allows in work text (``core.image_hosts``);
the admin shows no writer's images, so its pages allow only the site's own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from ficshelf.core.health_views import HEALTH_PATH, health_response
from ficshelf.core.image_hosts import image_hosts


def content_security_policy(image_sources: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self'", *image_sources]),
            "font-src 'self'",
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
            policy = content_security_policy(image_hosts().csp_sources())
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


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
