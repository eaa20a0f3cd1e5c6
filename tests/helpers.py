"""Small helpers shared by page tests."""

from __future__ import annotations

import time
from html import unescape
from typing import Any

from django.http import HttpResponse
from django.test import Client

from ficshelf.search.queue import drain_index_queue


def page_text(response: HttpResponse, status: int = 200) -> str:
    """The page's text, after checking it is the page asked for and not an error page.

    Without the status check, "X is not on the page" also passes on a 404.
    """
    assert response.status_code == status, f"expected status {status}, got {response.status_code}"
    return unescape(response.content.decode())


def email_of_length(length: int) -> str:
    """A well-formed address of exactly ``length`` characters (local part of at most 64)."""
    domain = "example.org"
    while length - len(domain) - 1 > 64:
        domain = f"{'d' * 60}.{domain}"
    address = f"{'r' * (length - len(domain) - 1)}@{domain}"
    assert len(address) == length
    return address


def get_listing(client: Client, url: str, **headers: Any) -> HttpResponse:
    """A works listing, after the worker's job is done: listings read the search index, which
    the worker fills from the index queue after each change."""
    drain_index_queue()
    response: HttpResponse = client.get(url, **headers)
    return response


def guarded(data: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A form's data as a person sends it past the spam guard (``core.form_guards``): the
    honeypot empty and a stamp from when the form was shown, a minute ago."""
    from ficshelf.core.form_guards import HONEYPOT_FIELD, STARTED_FIELD, fresh_stamp

    return {
        **(data or {}),
        **fields,
        HONEYPOT_FIELD: "",
        STARTED_FIELD: fresh_stamp(time.time() - 60),
    }
