"""The site pages: reading one, editing it, its history, an old revision, a diff of two;
and the page that asks a member to accept a new version of the Terms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from ficshelf.accounts.models import User
from ficshelf.core.sanitizer import refresh_if_stale
from ficshelf.sitecontent import actions
from ficshelf.sitecontent.forms import PageEditForm
from ficshelf.sitecontent.markup import faq_structure, line_diff
from ficshelf.sitecontent.models import PageKind, PageRevision, SitePage, TermsAcceptance
from ficshelf.sitecontent.state import site_content
from ficshelf.sitecontent.terms_middleware import ACCEPTED_SESSION_KEY

REVISIONS_PER_PAGE = 50


def _page_or_404(slug: str) -> SitePage:
    if slug not in PageKind.values:
        raise Http404("No such page.")
    page = SitePage.objects.select_related("current_revision").filter(slug=slug).first()
    if page is None or page.current_revision is None:
        raise Http404("This page has not been written yet.")
    return page


def _can_edit(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_perm(actions.EDIT_PAGES)


@require_safe
def show(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page_or_404(slug)
    revision = page.current_revision
    assert revision is not None
    refresh_if_stale(revision, ["html"])
    context: dict[str, Any] = {
        "page": page,
        "revision": revision,
        "can_edit": _can_edit(request),
        "faq": faq_structure(revision.html) if slug == PageKind.FAQ else None,
    }
    return render(request, "sitecontent/page.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page_or_404(slug)
    if not _can_edit(request):
        raise PermissionDenied("Editing the site pages needs the permission to.")
    current = page.current_revision
    assert current is not None
    kinds = {"is_terms": page.is_terms, "is_faq": slug == PageKind.FAQ}
    if request.method == "POST":
        form = PageEditForm(request.POST, **kinds)
        if form.is_valid():
            data = form.cleaned_data
            revision = actions.edit_page(
                page,
                actor=request.user,
                title=data["title"],
                source=data["source"],
                text_format=data["text_format"],
                summary=data["summary"],
                is_new_terms_version=bool(data.get("is_new_terms_version")),
            )
            note = ""
            if page.is_terms and revision.terms_version != (current.terms_version or 0):
                note = f" Members will be asked to accept version {revision.terms_version}."
            messages.success(request, f"Saved revision {revision.number}.{note}")
            return redirect(page.get_absolute_url())
        status = 400
    else:
        initial = {
            "title": current.title,
            "text_format": current.text_format,
            "source": current.source,
        }
        form = PageEditForm(initial=initial, **kinds)
        status = 200
    context = {"page": page, "revision": current, "form": form}
    return render(request, "sitecontent/page_edit.html", context, status=status)


@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page_or_404(slug)
    revisions = Paginator(
        page.revisions.only(
            "number", "title", "summary", "editor_name", "created_at", "terms_version", "page_id"
        ),
        REVISIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {"page": page, "revisions": revisions, "can_edit": _can_edit(request)}
    return render(request, "sitecontent/history.html", context)


def _revision_or_404(page: SitePage, number: int) -> PageRevision:
    return get_object_or_404(PageRevision, page=page, number=number)


@require_safe
def revision(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    page = _page_or_404(slug)
    old = _revision_or_404(page, number)
    refresh_if_stale(old, ["html"])
    context = {"page": page, "revision": old, "is_current": old.pk == page.current_revision_id}
    return render(request, "sitecontent/revision.html", context)


@require_safe
def diff(request: HttpRequest, slug: str) -> HttpResponse:
    """``?from=N&to=M``: what changed between two revisions (by default the current one
    against the one before)."""
    page = _page_or_404(slug)
    current = page.current_revision
    assert current is not None
    to_number = _number(request.GET.get("to"), current.number)
    from_number = _number(request.GET.get("from"), max(to_number - 1, 1))
    newer = _revision_or_404(page, to_number)
    older = _revision_or_404(page, from_number)
    lines = line_diff(older.source, newer.source)
    title_changed = older.title != newer.title
    context = {
        "page": page,
        "older": older,
        "newer": newer,
        "lines": lines,
        "title_changed": title_changed,
        "numbers": list(page.revisions.values_list("number", flat=True)),
    }
    return render(request, "sitecontent/diff.html", context)


def _number(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise Http404("No such revision.")
    return int(raw)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def accept_terms(request: HttpRequest) -> HttpResponse:
    """Asks a member to accept the current Terms; declining leaves them signed in with
    sign-out and account deletion open (``terms_middleware``)."""
    user = request.user
    assert isinstance(user, User)
    version = site_content(request).terms_version
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.method == "POST":
        posted = request.POST.get("version", "")
        if posted != str(version):
            messages.error(
                request, "The Terms of Service changed again just now. Please read this version."
            )
        elif request.POST.get("accept") == "yes":
            actions.accept_terms(user, version=version)
            request.session[ACCEPTED_SESSION_KEY] = version
            messages.success(request, "Thank you for accepting the Terms of Service.")
            return redirect(next_url)
        else:
            messages.error(
                request,
                "Tick the box to accept the Terms of Service. If you do not accept them, you "
                "can sign out or delete your account.",
            )
    elif actions.has_accepted(user, version):
        return redirect(next_url)
    page = _page_or_404(PageKind.TERMS)
    assert page.current_revision is not None
    refresh_if_stale(page.current_revision, ["html"])
    accepted_before = TermsAcceptance.objects.filter(user=user).exists()
    context = {
        "page": page,
        "revision": page.current_revision,
        "version": version,
        "next": next_url,
        "accepted_before": accepted_before,
    }
    return render(request, "sitecontent/accept_terms.html", context)
