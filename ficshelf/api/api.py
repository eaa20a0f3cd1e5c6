"""The two APIs, their error answers and their docs page.

``/api/v1/``: the archive's own API (OpenAPI at ``/api/v1/openapi.json``, Swagger UI at
``/api/v1/docs``). ``/api/v2/``: AO3's look-up by original address.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger

from ficshelf.api import (  # noqa: F401 - they fill the router
    ao3_v2,
    pseuds,
    reads,
    work_writes,
    writes,
)
from ficshelf.api.auth import Forbidden, RateLimited, TokenAuth, Unauthorized
from ficshelf.api.listing import BadQuery
from ficshelf.api.routes import router
from ficshelf.api.writes import BadInput
from ficshelf.core.image_hosts import image_hosts
from ficshelf.core.middleware import content_security_policy
from ficshelf.core.ratelimit import with_retry_after
from ficshelf.social.actions import ActionRefused
from ficshelf.works.actions import PostingError


class LocalSwagger(Swagger):
    """Swagger UI from the copy django-ninja ships (served by the archive, not a CDN), under
    the site's policy with one addition for this page alone: its stylesheet draws its icons
    as ``data:`` images (decision 0021)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        response = super().render_page(request, api, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(
            [*image_hosts().csp_sources(), "data:"]
        )
        return response


class ArchiveApi(NinjaAPI):
    """Says in its schema that reads take a token or none (a guest): only writes need one."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                if "write" not in operation.get("tags", []) and "security" in operation:
                    operation["security"] = [*operation["security"], {}]
        return schema


def _api(*, version: str, namespace: str, description: str) -> NinjaAPI:
    api = ArchiveApi(
        title="Ficshelf API",
        version=version,
        description=description,
        urls_namespace=namespace,
        auth=TokenAuth(),
        docs=LocalSwagger(settings={"validatorUrl": None}),
    )
    for exception, status in (
        (Unauthorized, 401),
        (Forbidden, 403),
        (ActionRefused, 403),
        # What the archive refuses once the form passed: a work's only chapter, a
        # collection closed in the meantime.
        (PostingError, 409),
    ):
        api.add_exception_handler(exception, _message(api, status))

    @api.exception_handler(RateLimited)
    def too_many(request: HttpRequest, error: RateLimited) -> HttpResponse:
        response = api.create_response(request, {"detail": str(error)}, status=429)
        return with_retry_after(response, error.verdict)

    @api.exception_handler(BadQuery)
    def bad_query(request: HttpRequest, error: BadQuery) -> HttpResponse:
        return api.create_response(request, {"detail": "; ".join(error.messages)}, status=400)

    @api.exception_handler(BadInput)
    def bad_input(request: HttpRequest, error: BadInput) -> HttpResponse:
        return api.create_response(request, {"detail": "; ".join(error.messages)}, status=400)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": str(error) or "Not found."}, status=404)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": error.errors}, status=422)

    return api


def _message(api: NinjaAPI, status: int) -> Any:
    def handler(request: HttpRequest, error: Exception) -> HttpResponse:
        response = api.create_response(request, {"detail": str(error)}, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    return handler


v1 = _api(
    version="1",
    namespace="api-v1",
    description=(
        "The archive's works, tags, series, collections, members, comments, bookmarks and "
        "kudos, read as a guest or with a token as its member, and a member's kudos, "
        "comments, bookmarks, subscriptions, Marked for Later, reading lists, works and "
        "chapters written with a token. "
        "Make tokens on your account's API tokens page; send `Authorization: Bearer <token>`."
    ),
)
v1.add_router("/", router)

v2 = _api(
    version="2",
    namespace="api-v2",
    description="AO3's API shape: look works up by the address they were imported from.",
)
v2.add_router("/", ao3_v2.router)


def _head_as_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """HEAD answered as GET (the server sends no body): load balancers and link checkers
    send HEAD, and django-ninja routes only the methods an operation names."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return answer


def urls(api: NinjaAPI) -> tuple[list[Any], str, str]:
    """``api.urls`` with HEAD answered wherever GET is."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _head_as_get(pattern.callback)
    return patterns, app_name, namespace
