"""What else a kept page shows besides the data listings show: a register every app that
puts something on every page (the site banner, ``sitecontent``) adds a key part to in its
``ready()``.

``search.page_cache`` keys every page it keeps for guests on the index state, the address
and the guest's session, and on these parts: each says, for one request, what that app
shows on the page, so a change to it (a new banner, one dismissed or expired) gives the
next request a fresh page. Core keeps the register because the apps that add to it sit
above the search app and cannot be imported by it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

KeyPart = Callable[[HttpRequest], str]
_key_parts: list[KeyPart] = []


def register_key_part(part: KeyPart) -> None:
    if part not in _key_parts:
        _key_parts.append(part)


def key_parts(request: HttpRequest) -> str:
    return "\n".join(part(request) for part in _key_parts)
