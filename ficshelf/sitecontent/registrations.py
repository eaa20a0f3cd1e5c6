"""What this app adds to lower apps' registers and signals, at start (``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ficshelf.accounts import suspension, terms
from ficshelf.accounts.signals import terms_accepted
from ficshelf.core import kept_pages
from ficshelf.sitecontent import state
from ficshelf.sitecontent.actions import accept_terms


def register() -> None:
    kept_pages.register_key_part(state.kept_page_key_part)
    terms.register(
        terms.TermsOfService(
            current_version=lambda: state.site_content().terms_version,
            page_url=lambda: reverse("sitecontent:page", args=["terms"]),
        )
    )
    terms_accepted.connect(_record_acceptance, dispatch_uid="sitecontent-terms-accepted")
    # A suspended member still reads: the Terms page's accept button and the banner's
    # dismiss button must work for them (the Terms middleware sends every page to the first).
    suspension.keep_open("sitecontent:accept_terms")
    suspension.keep_open("sitecontent:banner_dismiss")


def _record_acceptance(sender: Any, *, user: Any, version: int, **kwargs: Any) -> None:
    if version > 0:
        accept_terms(user, version=version)
