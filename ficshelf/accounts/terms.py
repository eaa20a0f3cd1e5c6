"""The Terms of Service a person accepts at sign-up. Their text and versions belong to a
higher app (``sitecontent``), which registers here at start where they are read and which
version is current; the accounts app then asks for that version on the sign-up form and
announces the acceptance (``signals.terms_accepted``), without importing that app.

Without a registration (an archive without site pages) the sign-up form still asks for
the checkbox, and no version is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TermsOfService:
    current_version: Callable[[], int]
    page_url: Callable[[], str]


_registered: list[TermsOfService] = []


def register(terms: TermsOfService) -> None:
    _registered[:] = [terms]


def registered() -> TermsOfService | None:
    return _registered[0] if _registered else None
