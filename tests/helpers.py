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


def pass_second_step(client: Any, user: Any) -> Any:
    """Mark the client's session as having passed two-factor, with an authenticator app
    set up for ``user`` (made once). Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ficshelf.accounts.two_factor import SESSION_FLAG

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_FLAG] = True
    session.save()
    return device


def sign_in_password_only(client: Any, user: Any) -> None:
    """Signed in with the password alone: the second step not taken."""
    client.force_login_password_only(user)


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
