"""The reader's preferences on every page: ``reader_body_class`` goes on <body>."""

from __future__ import annotations

from django.http import HttpRequest

from ficshelf.accounts.access import reader_context


def reader_preferences(request: HttpRequest) -> dict[str, object]:
    return reader_context(request)
