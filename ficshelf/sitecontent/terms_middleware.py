"""Members who have not accepted the current Terms of Service are asked to, on their next
page view (a new version published since they last did, or an account older than the
Terms).

Only page views are sent to the accept page: GET and HEAD requests of a browser asking for
HTML. Forms sent (POST) go through, so nothing typed is lost; the page they lead to asks.
Feeds, the e-reader catalog and downloads are for programs and are never asked. The accept
page itself, the Terms, signing out and deleting the account stay open, so a member who
declines can leave.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ficshelf.sitecontent.actions import has_accepted
from ficshelf.sitecontent.state import site_content

# The version this session's member was last found to have accepted: a page view then
# asks the database nothing more (a newer version is a different number).
ACCEPTED_SESSION_KEY = "terms_accepted_version"
OPEN_VIEWS = frozenset(
    {
        "sitecontent:accept_terms",
        "accounts:logout",
        "accounts:delete",
        "sitecontent:news_feed",
    }
)
OPEN_NAMESPACES = frozenset({"feeds", "admin"})


class TermsAcceptanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: Any,
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not _is_page_view(request) or not request.user.is_authenticated:
            return None
        if _is_open(request, kwargs):
            return None
        version = site_content(request).terms_version
        if request.session.get(ACCEPTED_SESSION_KEY) == version:
            return None
        if has_accepted(request.user, version):
            request.session[ACCEPTED_SESSION_KEY] = version
            return None
        accept_url = reverse("sitecontent:accept_terms")
        return redirect(f"{accept_url}?{urlencode({'next': request.get_full_path()})}")


def _is_page_view(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("Accept", "")


def _is_open(request: HttpRequest, kwargs: dict[str, Any]) -> bool:
    match = request.resolver_match
    if match is None:
        return True
    if match.view_name in OPEN_VIEWS or OPEN_NAMESPACES & set(match.namespaces):
        return True
    return match.view_name == "sitecontent:page" and kwargs.get("slug") == "terms"
