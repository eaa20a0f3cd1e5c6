"""Tokens and calls for the API tests."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.api.models import Scope
from ficshelf.api.tokens import make_token

EVERY_SCOPE = tuple(Scope.values)


def token_for(user: User, *scopes: str, days: int = 30) -> str:
    return make_token(user, "test tool", scopes or EVERY_SCOPE, days)


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def call(
    client: Client, method: str, url: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    """The status and the decoded JSON answer."""
    headers = auth(token) if token else {}
    sender = getattr(client, method.lower())
    if body is None:
        response: HttpResponse = sender(url, **headers)
    else:
        response = sender(url, json.dumps(body), content_type="application/json", **headers)
    data = json.loads(response.content) if response.content else None
    return response.status_code, data
