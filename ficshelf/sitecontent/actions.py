"""Every change to the site pages, the Terms' acceptances, news and the banner.

Each action is one transaction that writes its rows, moves the site state's generation
(``state.advance``: what is kept of the pages, the home page's news and the banner is keyed
on it) and, for what editors and publishers do, records an audit entry. Permissions are
checked here too, so no page can forget them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.core.audit import record
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile
from ficshelf.sitecontent import state
from ficshelf.sitecontent.markup import rendered_html
from ficshelf.sitecontent.models import (
    BannerDismissal,
    NewsComment,
    NewsPost,
    NewsTag,
    PageRevision,
    SiteBanner,
    SitePage,
    TermsAcceptance,
    TextFormat,
)

EDIT_PAGES = "sitecontent.edit_site_pages"
PUBLISH_NEWS = "sitecontent.publish_news"


class NotAllowed(Exception):
    """The actor lacks the permission the action needs; nothing was written."""


def _require(actor: User | AnonymousUser, permission: str) -> User:
    if not actor.is_authenticated or not actor.has_perm(permission):
        raise NotAllowed(permission)
    assert isinstance(actor, User)
    return actor


# ---- Site pages ---------------------------------------------------------------------------


@transaction.atomic
def edit_page(
    page: SitePage,
    *,
    actor: User | AnonymousUser,
    title: str,
    source: str,
    text_format: str,
    summary: str,
    is_new_terms_version: bool = False,
) -> PageRevision:
    """A new revision of ``page`` by ``actor``, made current. For the Terms of Service,
    ``is_new_terms_version`` makes it a version members must accept; otherwise (a typo
    fix) it keeps the version of the revision before."""
    editor = _require(actor, EDIT_PAGES)
    locked = SitePage.objects.select_for_update().get(pk=page.pk)
    previous = locked.revisions.order_by("-number").first()
    terms_version = None
    if locked.is_terms:
        before = previous.terms_version if previous and previous.terms_version else 0
        terms_version = before + 1 if (is_new_terms_version or not before) else before
    revision = PageRevision.objects.create(
        page=locked,
        number=(previous.number + 1) if previous else 1,
        title=title.strip(),
        text_format=text_format,
        source=source,
        html=rendered_html(source, text_format),
        sanitizer_version=SANITIZER_VERSION,
        summary=summary.strip(),
        editor=editor,
        editor_name=editor.get_username(),
        terms_version=terms_version,
    )
    locked.current_revision = revision
    locked.save(update_fields=["current_revision"])
    state.advance()
    details: dict[str, object] = {"revision": revision.number}
    if terms_version is not None:
        details["terms_version"] = terms_version
    record(actor=editor, action="edit site page", target=locked, reason=summary, details=details)
    return revision


# ---- Terms of Service --------------------------------------------------------------------


def accept_terms(user: User, *, version: int) -> None:
    """``user`` accepted ``version`` of the Terms (twice is once). Inside the caller's
    transaction when there is one (sign-up's)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                TermsAcceptance.objects.create(user=user, version=version)
        except IntegrityError:
            pass  # accepted already, in another tab


def has_accepted(user: User, version: int) -> bool:
    return version <= 0 or TermsAcceptance.objects.filter(user=user, version=version).exists()


# ---- News ---------------------------------------------------------------------------------


def _news_tags(names: Iterable[str]) -> list[NewsTag]:
    tags = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        tag = NewsTag.objects.filter(name__iexact=name).first()
        tags.append(tag or NewsTag.objects.create(name=name))
    return tags


@transaction.atomic
def publish_news(
    *,
    actor: User | AnonymousUser,
    title: str,
    source: str,
    text_format: str,
    tag_names: Iterable[str],
    who_may_comment: str,
) -> NewsPost:
    author = _require(actor, PUBLISH_NEWS)
    post = NewsPost.objects.create(
        title=title.strip(),
        text_format=text_format,
        source=source,
        html=rendered_html(source, text_format),
        sanitizer_version=SANITIZER_VERSION,
        who_may_comment=who_may_comment,
        author=author,
    )
    post.tags.set(_news_tags(tag_names))
    state.advance()
    record(actor=author, action="publish news", target=post)
    return post


@transaction.atomic
def edit_news(
    post: NewsPost,
    *,
    actor: User | AnonymousUser,
    title: str,
    source: str,
    text_format: str,
    tag_names: Iterable[str],
    who_may_comment: str,
) -> NewsPost:
    editor = _require(actor, PUBLISH_NEWS)
    post.title = title.strip()
    post.text_format = text_format
    post.source = source
    post.html = rendered_html(source, text_format)
    post.sanitizer_version = SANITIZER_VERSION
    post.who_may_comment = who_may_comment
    post.edited_at = timezone.now()
    post.save()
    post.tags.set(_news_tags(tag_names))
    state.advance()
    record(actor=editor, action="edit news", target=post)
    return post


@transaction.atomic
def delete_news(post: NewsPost, *, actor: User | AnonymousUser, reason: str) -> None:
    remover = _require(actor, PUBLISH_NEWS)
    record(actor=remover, action="delete news", target=post, reason=reason)
    post.delete()
    state.advance()


def add_comment(post: NewsPost, *, user: User | None, guest_name: str, text: str) -> NewsComment:
    """A comment by a member (``user``) or a guest; who may comment is the caller's check
    (``views.comment_refusal``)."""
    return NewsComment.objects.create(
        post=post,
        user=user,
        guest_name="" if user is not None else guest_name.strip(),
        text=rendered_html(text, TextFormat.HTML, Profile.COMMENT),
        sanitizer_version=SANITIZER_VERSION,
    )


@transaction.atomic
def delete_comment(comment: NewsComment, *, actor: User | AnonymousUser, reason: str) -> None:
    """A member deletes their own comment; a publisher anyone's, with a reason (audited)."""
    if actor.is_authenticated and comment.user_id == actor.pk:
        comment.delete()
        return
    remover = _require(actor, PUBLISH_NEWS)
    record(actor=remover, action="delete news comment", target=comment, reason=reason)
    comment.delete()


# ---- The banner ---------------------------------------------------------------------------


@transaction.atomic
def set_banner(
    *,
    actor: User | AnonymousUser,
    text: str,
    expires_at: datetime.datetime | None,
    show_again: bool = True,
) -> SiteBanner:
    """The banner every page shows from now on. ``show_again``: a new banner, shown again
    to those who dismissed the one before; otherwise (a typo fixed) the active banner is
    changed in place and stays dismissed where it was."""
    publisher = _require(actor, PUBLISH_NEWS)
    html = rendered_html(text, TextFormat.HTML, Profile.COMMENT)
    active = SiteBanner.objects.select_for_update().filter(is_active=True).first()
    if active is not None and not show_again:
        active.text, active.expires_at = html, expires_at
        active.sanitizer_version = SANITIZER_VERSION
        active.save(update_fields=["text", "expires_at", "sanitizer_version"])
        banner = active
    else:
        for old in SiteBanner.objects.select_for_update().filter(is_active=True):
            old.is_active = False
            old.save(update_fields=["is_active"])
        banner = SiteBanner.objects.create(
            text=html, expires_at=expires_at, sanitizer_version=SANITIZER_VERSION
        )
    state.advance()
    record(
        actor=publisher,
        action="set banner",
        target=banner,
        details={"expires_at": expires_at.isoformat() if expires_at else None},
    )
    return banner


@transaction.atomic
def take_down_banner(*, actor: User | AnonymousUser) -> None:
    publisher = _require(actor, PUBLISH_NEWS)
    for banner in SiteBanner.objects.select_for_update().filter(is_active=True):
        banner.is_active = False
        banner.save(update_fields=["is_active"])
        record(actor=publisher, action="take down banner", target=banner)
    state.advance()


def dismiss_banner(user: User, banner_id: int) -> None:
    """A member hides this banner from their pages (a new banner shows again)."""
    banner = SiteBanner.objects.filter(pk=banner_id).first()
    if banner is not None:
        BannerDismissal.objects.get_or_create(user=user, banner=banner)


def has_dismissed(user: User, banner_id: int) -> bool:
    return BannerDismissal.objects.filter(user=user, banner_id=banner_id).exists()
