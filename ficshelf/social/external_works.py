"""Works hosted elsewhere that members bookmark (AO3's external works): the address each is
known by, and finding or making the one row every bookmarker of that address shares.

An external work is never a work here: only bookmark pages and bookmark search read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction

from ficshelf.accounts.models import User
from ficshelf.core.audit import record_each
from ficshelf.core.safe_urls import WEB_SCHEMES, scheme_of, tidy_url
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile, sanitize_html
from ficshelf.social.actions import save_bookmark
from ficshelf.social.models import Bookmark, ExternalWork
from ficshelf.tags.models import TagType
from ficshelf.works.actions import tags_named

URL_MAX = 2000
_DEFAULT_PORTS = {"http": 80, "https": 443}


class NotAWebAddress(ValueError):
    """The address is not an http(s) address with a host; ``str(error)`` says why."""


def checked_url(value: str) -> str:
    """``value`` tidied, when it is an http(s) address with a host (``javascript:``,
    ``data:`` and addresses without a scheme are refused)."""
    url = tidy_url(value)
    if scheme_of(url) not in WEB_SCHEMES:
        raise NotAWebAddress("Enter the work's address starting with http:// or https://.")
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme.lower() not in WEB_SCHEMES:
        raise NotAWebAddress("Enter the work's address starting with http:// or https://.")
    if len(url) > URL_MAX:
        raise NotAWebAddress(f"That address is longer than {URL_MAX:,} characters.")
    return url


def url_key(url: str) -> str:
    """The address as two bookmarkers of one work elsewhere may have typed it alike: scheme,
    "www.", the host's case, a default port, the fragment and a trailing slash aside."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).removeprefix("//")


@dataclass(frozen=True)
class ExternalWorkDetails:
    """What the first bookmarker of an address says of it (later ones share that row)."""

    url: str
    title: str
    creator: str
    summary: str = ""
    rating: str = ""
    warnings: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)

    def tags_by_type(self) -> list[tuple[str, Iterable[str]]]:
        return [
            (TagType.RATING, [self.rating] if self.rating else []),
            (TagType.WARNING, self.warnings),
            (TagType.FANDOM, self.fandoms),
            (TagType.RELATIONSHIP, self.relationships),
            (TagType.CHARACTER, self.characters),
            (TagType.FREEFORM, self.freeforms),
        ]


def find_external_work(url: str) -> ExternalWork | None:
    return ExternalWork.objects.filter(url_key=url_key(url)).first()


def external_work_for(details: ExternalWorkDetails) -> tuple[ExternalWork, bool]:
    """The row for ``details.url`` (found by its normalised address) and whether it was
    made now, with ``details``; one already here keeps what its first bookmarker said
    (admins correct it). Call inside the bookmark's transaction."""
    url = checked_url(details.url)
    key = url_key(url)
    found = ExternalWork.objects.filter(url_key=key).first()
    if found is not None:
        return found, False
    try:
        # A savepoint: two first bookmarkers at once make one row, the later finds it.
        with transaction.atomic():
            external = ExternalWork.objects.create(
                url=url,
                url_key=key,
                title=details.title,
                creator=details.creator,
                summary=sanitize_html(details.summary, Profile.COMMENT),
                sanitizer_version=SANITIZER_VERSION,
            )
    except IntegrityError:
        return ExternalWork.objects.get(url_key=key), False
    external.tags.set(tags_named(details.tags_by_type()))
    return external, True


@transaction.atomic
def bookmark_external_work(
    *,
    actor: User,
    details: ExternalWorkDetails,
    notes: str = "",
    tags: str = "",
    is_private: bool = False,
    is_rec: bool = False,
) -> tuple[Bookmark, bool]:
    """The actor's bookmark of the work at ``details.url`` (made or updated), and whether
    the external work was made now (False: it was here, with its first bookmarker's
    details). One transaction: a refused bookmark leaves no external work behind."""
    external, is_new = external_work_for(details)
    bookmark = save_bookmark(
        actor=actor,
        external_work=external,
        notes=notes,
        tags=tags,
        is_private=is_private,
        is_rec=is_rec,
    )
    return bookmark, is_new


# ---- What admins do to external works (audited) ----


@transaction.atomic
def set_external_works_hidden(
    external_works: Iterable[ExternalWork], *, hidden: bool, reason: str, actor: User
) -> int:
    """Hide external works from every bookmark listing and search (their bookmarks stay,
    shown again on unhiding), or unhide them; one audit entry each, with the reason.
    Returns how many changed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    ids = [external.pk for external in external_works]
    changing = list(
        ExternalWork.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(is_hidden_by_admin=hidden)
        .order_by("pk")
    )
    for external in changing:
        external.is_hidden_by_admin = hidden
        external.save(update_fields=["is_hidden_by_admin", "updated_at"])
    record_each(
        actor=actor,
        action="hide external work" if hidden else "unhide external work",
        targets=changing,
        reason=reason.strip(),
    )
    return len(changing)
