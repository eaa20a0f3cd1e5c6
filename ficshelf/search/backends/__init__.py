"""The configured search backend (``settings.FICSHELF_SEARCH_BACKEND``, a dotted path)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ficshelf.search.backends.base import SearchBackend


@cache
def _backend_for(path: str, location: str) -> SearchBackend:
    return cast("SearchBackend", import_string(path)(location))


def get_backend() -> SearchBackend:
    """One backend object per process and setting (tests change the data folder per test)."""
    return _backend_for(settings.FICSHELF_SEARCH_BACKEND, str(settings.DATA_DIR / "search"))
