"""Driving the admin site's actions the way an admin's browser does."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponse
from django.test import Client

from ficshelf.core.admin_audit import CONFIRM


def run_action(
    client: Client,
    changelist_url: str,
    action: str,
    ids: Iterable[int],
    *,
    reason: str | None = "Breaks the archive's rules.",
    **fields: str,
) -> HttpResponse:
    """Choose ``action`` for the objects ``ids`` and, unless ``reason`` is None, confirm it
    on the reason page with that reason (and any other ``fields`` the page asks for)."""
    chosen = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in ids]}
    if reason is None:
        response: HttpResponse = client.post(changelist_url, chosen)
        return response
    confirmed = {**chosen, "select_across": "0", "reason": reason, CONFIRM: "yes", **fields}
    response = client.post(changelist_url, confirmed)
    return response
