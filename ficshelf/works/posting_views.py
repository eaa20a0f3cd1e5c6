"""Writers' pages: posting and editing works and chapters, and the dashboard.

Works are fetched through ``access.get_work_for_creator`` (404 for anyone who is not an
approved creator); every change goes through ``ficshelf.works.actions``. A draft's
preview is the work page itself, which shows a draft's creators Post and Edit buttons.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from ficshelf.accounts.models import User
from ficshelf.core.ratelimit import RateLimit, Verdict, with_retry_after
from ficshelf.works import actions, chapter_credits
from ficshelf.works.access import (
    get_chapter_for_creator,
    get_invitation_for_invitee,
    get_work_for_creator,
)
from ficshelf.works.forms import ChapterForm, ReorderChaptersForm, WorkForm
from ficshelf.works.forms.fields import TextFormat
from ficshelf.works.forms.schedule import SCHEDULE
from ficshelf.works.models import (
    Chapter,
    ChapterCreatorship,
    Creatorship,
    SeriesCreatorship,
    Work,
)
from ficshelf.works.schedule_views import scheduled_context, when
from ficshelf.works.views import PreviewBar, render_edit_preview

# The submit buttons of the work form: <button name="action" value="...">.
PREVIEW, SAVE_DRAFT, POST = "preview", "draft", "post"
# From an edit's preview: back to the form, filled with the edit, nothing saved.
BACK_TO_EDITING = "edit"
# The chapter form's button for a posted chapter.
UPDATE = "save"
# Word documents converted for one account: each holds a process for up to 15 seconds.
UPLOADS_BY_ACCOUNT = RateLimit("docx-upload", limit=30, window_seconds=60 * 60)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in users through
    return user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        upload = _count_upload(request)
        files = request.FILES if upload else None
        form = WorkForm(request.POST, files, user=user, site_hosts=[request.get_host()])
        if not upload:
            context = {"form": form, "work": None}
            return _upload_refused(request, form, upload, "works/posting/work_form.html", context)
        if form.is_valid():
            action = request.POST.get("action", PREVIEW)
            try:
                work = actions.create_work(form.to_data(), actor=user, post=action == POST)
            except actions.PostingError as refusal:
                # Checked by the form, changed since (a collection closed, a gift refused,
                # a skin made private): the transaction rolled back, nothing is saved; the
                # form says why.
                form.add_error(refusal.field, str(refusal))
            else:
                return _after_saving(request, work, action)
    else:
        form = WorkForm(user=user)
    return render(request, "works/posting/work_form.html", {"form": form, "work": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_work(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _user(request)
    work = get_work_for_creator(request, work_id)
    if request.method == "POST":
        upload = _count_upload(request)
        files = request.FILES if upload else None
        form = WorkForm(request.POST, files, user=user, work=work, site_hosts=[request.get_host()])
        if not upload:
            context = {"form": form, "work": work, "pending": _pending_co_creators(work)}
            return _upload_refused(request, form, upload, "works/posting/work_form.html", context)
        action = request.POST.get("action", POST)
        if action == BACK_TO_EDITING:
            form.is_valid()  # shows any errors again; saves nothing
        elif form.is_valid():
            was_posted = work.is_posted
            try:
                if action == PREVIEW and work.is_posted:
                    return _preview_edit(request, work, form)
                saved = actions.update_work(work, form.to_data(), actor=user, post=action == POST)
            except actions.PostingError as refusal:  # as for a new work: nothing is saved
                form.add_error(refusal.field, str(refusal))
            else:
                if was_posted:
                    messages.success(request, "Work updated.")
                    return redirect(saved)
                return _after_saving(request, saved, action)
    else:
        form = WorkForm(user=user, work=work)
    context = {"form": form, "work": work, "pending": _pending_co_creators(work)}
    return render(request, "works/posting/work_form.html", context)


def _count_upload(request: HttpRequest) -> Verdict:
    """Count a Word document sent with the form (allowed when there is none)."""
    if not request.FILES.get("text_file"):
        return Verdict(allowed=True)
    return UPLOADS_BY_ACCOUNT.attempt(str(request.user.pk))


def _upload_refused(
    request: HttpRequest,
    form: WorkForm | ChapterForm,
    verdict: Verdict,
    template: str,
    context: Mapping[str, object],
) -> HttpResponse:
    """The form again, nothing saved and the document not read, saying when to try again;
    what was typed is kept."""
    form.is_valid()
    form.add_error(
        "text_file",
        "You have uploaded many Word documents in the last hour. Please try again "
        f"{verdict.retry_in_words}, or paste the text instead.",
    )
    return with_retry_after(render(request, template, context, status=429), verdict)


def _after_saving(request: HttpRequest, work: Work, action: str) -> HttpResponse:
    if work.is_posted:
        messages.success(request, "Your work was posted.")
    elif work.post_at is not None and action != PREVIEW:
        messages.success(request, f"“{work.title}” will be posted {when(work.post_at)}.")
        return redirect("works:dashboard")
    elif action == SAVE_DRAFT:
        deleted_on = work.draft_deleted_on
        messages.success(
            request,
            f"Draft saved. Unposted drafts are deleted on {deleted_on:%d %B %Y}."
            if deleted_on
            else "Draft saved. You keep your drafts until you delete them.",
        )
        return redirect("works:dashboard")
    return redirect(work)


def _pending_co_creators(work: Work) -> list[Creatorship]:
    return list(work.creatorships.filter(is_approved=False).select_related("pseud__user"))


@login_required
@require_POST
def post_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    work = actions.post_work(work)
    messages.success(request, "Your work was posted.")
    return redirect(work)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    if request.method == "POST":
        title = work.title
        actions.delete_work(work)
        messages.success(request, f"“{title}” was deleted.")
        return redirect("works:dashboard")
    return render(request, "works/posting/confirm.html", _confirmation(work, "delete"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def orphan_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    if request.method == "POST":
        actions.orphan_work(work, actor=_user(request))
        messages.success(request, f"“{work.title}” is orphaned: your name is off it.")
        return redirect("works:dashboard")
    return render(request, "works/posting/confirm.html", _confirmation(work, "orphan"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def leave_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    if request.method == "POST":
        try:
            actions.leave_work(work, actor=_user(request))
        except actions.PostingError as refusal:
            messages.error(request, str(refusal))
            return redirect(work.get_absolute_url())
        messages.success(request, f"You are no longer credited on “{work.title}”.")
        return redirect("works:dashboard")
    return render(request, "works/posting/confirm.html", _confirmation(work, "leave"))


def _preview_edit(request: HttpRequest, work: Work, form: WorkForm) -> HttpResponse:
    """A posted work as the edit would show it, saved nowhere: the edit is made in a
    transaction that is rolled back once the page is rendered (its reindex and notices go
    with it), as AO3 previews an edit before "Update"."""
    bar = PreviewBar(
        action=reverse("works:edit", args=[work.pk]),
        fields=_resubmission(request, form),
        message="This is how your changes will look. Nothing is saved until you update the work.",
        buttons=[(POST, "Update"), (BACK_TO_EDITING, "Edit")],
    )
    with transaction.atomic():
        edited = actions.update_work(work, form.to_data(), actor=_user(request), post=False)
        html = render_edit_preview(request, edited, bar)
        transaction.set_rollback(True)
    return _not_cached(HttpResponse(html))


def _not_cached(response: HttpResponse) -> HttpResponse:
    # A preview shows what is saved nowhere: no browser or proxy may keep it.
    patch_cache_control(response, no_store=True)
    return response


def _resubmission(request: HttpRequest, form: WorkForm | ChapterForm) -> list[tuple[str, str]]:
    """The form's fields for the preview's Update and Edit buttons to send again. An
    uploaded file cannot be sent again, so its text goes instead, as HTML."""
    skip = {"csrfmiddlewaretoken", "action", "text", "text_format"}
    fields = [(k, v) for k, values in request.POST.lists() if k not in skip for v in values]
    return [*fields, ("text", form.chapter_text_html()), ("text_format", TextFormat.HTML)]


def _confirmation(work: Work, what: str) -> dict[str, object]:
    return {"work": work, "what": what, "action_url": reverse(f"works:{what}", args=[work.pk])}


# Chapters.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_chapter(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    if request.method == "POST":
        upload = _count_upload(request)
        form = ChapterForm(
            request.POST, request.FILES if upload else None, work=work, user=_user(request)
        )
        if not upload:
            context = {
                "form": form,
                "work": work,
                "chapter": None,
                "next_position": work.chapters.count() + 1,
            }
            template = "works/posting/chapter_form.html"
            return _upload_refused(request, form, upload, template, context)
        action = request.POST.get("action", POST)
        if action == BACK_TO_EDITING:
            form.is_valid()  # shows any errors again; saves nothing
        elif form.is_valid():
            if action == PREVIEW:
                return _preview_chapter(request, work, form, editing=None)
            post = action not in (SAVE_DRAFT, SCHEDULE)
            try:
                chapter = actions.add_chapter(work, form.to_data(), post=post, actor=_user(request))
            except actions.PostingError as refusal:  # an invitee changed their mind since
                form.add_error("creators", str(refusal))
            else:
                messages.success(request, _chapter_saved(chapter, "Chapter posted."))
                return redirect(chapter)
    else:
        form = ChapterForm(work=work, user=_user(request))
    next_position = work.chapters.count() + 1
    context = {"form": form, "work": work, "chapter": None, "next_position": next_position}
    return render(request, "works/posting/chapter_form.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_creator(request, work_id, chapter_id)
    if request.method == "POST":
        upload = _count_upload(request)
        form = ChapterForm(
            request.POST,
            request.FILES if upload else None,
            chapter=chapter,
            work=chapter.work,
            user=_user(request),
        )
        if not upload:
            context = {"form": form, "work": chapter.work, "chapter": chapter}
            template = "works/posting/chapter_form.html"
            return _upload_refused(request, form, upload, template, context)
        action = request.POST.get("action", UPDATE)
        if action == BACK_TO_EDITING:
            form.is_valid()  # shows any errors again; saves nothing
        elif form.is_valid():
            if action == PREVIEW:
                return _preview_chapter(request, chapter.work, form, editing=chapter)
            post = action == POST
            try:
                chapter = actions.update_chapter(
                    chapter, form.to_data(), post=post, actor=_user(request)
                )
            except actions.PostingError as refusal:  # an invitee changed their mind since
                form.add_error("creators", str(refusal))
            else:
                messages.success(request, _chapter_saved(chapter, "Chapter saved."))
                return redirect(chapter)
    else:
        form = ChapterForm(chapter=chapter, work=chapter.work, user=_user(request))
    context = {"form": form, "work": chapter.work, "chapter": chapter}
    return render(request, "works/posting/chapter_form.html", context)


def _chapter_saved(chapter: Chapter, posted: str) -> str:
    if chapter.is_posted:
        return posted
    if chapter.post_at is not None:
        return f"{chapter.heading} will be posted {when(chapter.post_at)}."
    return "Chapter saved as a draft."


def _preview_chapter(
    request: HttpRequest, work: Work, form: ChapterForm, *, editing: Chapter | None
) -> HttpResponse:
    """A new chapter (``editing`` None) or an edit of ``editing`` on the work page as readers
    would see it, saved nowhere: as an edit of a posted work is previewed, the change is made
    in a transaction rolled back once the page is rendered (with its notices and reindex)."""
    if editing is None:
        message = "This is how the new chapter will look. Nothing is saved until you post it."
        buttons = [(POST, "Post"), (SAVE_DRAFT, "Save as draft"), (BACK_TO_EDITING, "Edit")]
    elif editing.is_posted:
        message = "This is how your changes will look. Nothing is saved until you update it."
        buttons = [(UPDATE, "Update"), (BACK_TO_EDITING, "Edit")]
    else:
        message = "This is how the chapter will look. Nothing is saved until you post or save it."
        buttons = [(POST, "Post"), (SAVE_DRAFT, "Save as draft"), (BACK_TO_EDITING, "Edit")]
    bar = PreviewBar(
        action=request.path, fields=_resubmission(request, form), message=message, buttons=buttons
    )
    with transaction.atomic():
        if editing is None:
            # Shown as posted, as readers will see it once the writer posts it.
            shown = actions.add_chapter(work, form.to_data(), post=True, actor=_user(request))
        else:
            shown = actions.update_chapter(
                editing, form.to_data(), post=False, actor=_user(request)
            )
        changed = Work.objects.with_everything_shown().get(pk=work.pk)
        html = render_edit_preview(request, changed, bar, chapter=shown)
        transaction.set_rollback(True)
    return _not_cached(HttpResponse(html))


@login_required
@require_POST
def post_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_creator(request, work_id, chapter_id)
    actions.post_chapter(chapter)
    messages.success(request, "Chapter posted.")
    return redirect("works:manage_chapters", work_id=work_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    chapter = get_chapter_for_creator(request, work_id, chapter_id)
    if request.method == "POST":
        try:
            actions.delete_chapter(chapter)
        except actions.PostingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Chapter deleted.")
        return redirect("works:manage_chapters", work_id=work_id)
    context = {
        "work": chapter.work,
        "chapter": chapter,
        "what": "delete_chapter",
        "is_only_chapter": chapter.work.chapters.count() <= 1,
        "action_url": reverse("works:delete_chapter", args=[work_id, chapter.pk]),
    }
    return render(request, "works/posting/confirm.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_chapters(request: HttpRequest, work_id: int) -> HttpResponse:
    """AO3's "Manage Chapters": the chapter list with a position number each, to reorder."""
    work = get_work_for_creator(request, work_id)
    chapters = list(work.chapters.order_by("position"))
    if request.method == "POST":
        form = ReorderChaptersForm(request.POST, chapters=chapters)
        if form.is_valid():
            actions.reorder_chapters(work, form.ordered_chapter_ids())
            messages.success(request, "Chapters reordered.")
            return redirect("works:manage_chapters", work_id=work.pk)
    else:
        form = ReorderChaptersForm(chapters=chapters)
    rows = [(chapter, form[f"position_{chapter.pk}"]) for chapter in chapters]
    return render(
        request, "works/posting/manage_chapters.html", {"work": work, "form": form, "rows": rows}
    )


# The dashboard and co-creator invitations.


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = (
        Work.objects.filter(creatorships__pseud__user=user, creatorships__is_approved=True)
        .distinct()
        .with_draft_kept()
        .select_related("language")
        .prefetch_related(
            Prefetch("chapters", queryset=Chapter.objects.only("id", "work_id", "is_posted")),
            "series_works__series",
        )
        .order_by("-updated_on", "-created_at")
    )
    works = [w for w in mine if w.is_posted]
    # Scheduled drafts have their own list (``scheduled_context``).
    drafts = sorted(
        (w for w in mine if not w.is_posted and w.post_at is None), key=lambda w: w.created_at
    )
    # Each invitation names the work's creators as a reader would see them
    # (``display.credited_pseuds_for_invitee``, reading these accepted credits).
    invitations = (
        Creatorship.objects.filter(pseud__user=user, is_approved=False)
        .select_related("work", "pseud")
        .prefetch_related(
            Prefetch(
                "work__creatorships",
                # A byline reads its pseud's member: joined, not a query per creator.
                queryset=Creatorship.objects.filter(is_approved=True).select_related("pseud__user"),
            )
        )
    )
    context = {
        "works": works,
        "drafts": drafts,
        "series": actions.series_of(user),
        "invitations": invitations,
        **scheduled_context(user),
        "chapter_invitations": ChapterCreatorship.objects.filter(
            pseud__user=user, is_approved=False
        ).select_related("chapter__work", "pseud"),
        "series_invitations": SeriesCreatorship.objects.filter(
            pseud__user=user, is_approved=False
        ).select_related("series", "pseud"),
        # The latest bookmarks come from the social app's dashboard_bookmarks tag.
    }
    return render(request, "works/posting/dashboard.html", context)


@login_required
@require_POST
def answer_invitation(request: HttpRequest, creatorship_id: int) -> HttpResponse:
    invitation = get_invitation_for_invitee(request, creatorship_id)
    answer = request.POST.get("answer")
    if answer == "accept":
        actions.accept_creatorship(invitation, actor=_user(request))
        messages.success(request, f"You are now a creator of “{invitation.work.title}”.")
    elif answer == "decline":
        actions.decline_creatorship(invitation, actor=_user(request))
        messages.success(request, f"You declined to co-create “{invitation.work.title}”.")
    else:
        messages.error(request, "Choose Accept or Decline.")
    return redirect("works:dashboard")


@login_required
@require_POST
def answer_chapter_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """An invited member answers an invitation to co-create one chapter."""
    invitation = (
        ChapterCreatorship.objects.select_related("chapter__work", "pseud")
        .filter(pk=invitation_id, pseud__user=_user(request), is_approved=False)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose Accept or Decline.")
        return redirect("works:dashboard")
    heading = f"{invitation.chapter.heading} of “{invitation.chapter.work.title}”"
    chapter_credits.answer_chapter_invitation(
        invitation, accept=answer == "accept", actor=_user(request)
    )
    if answer == "accept":
        messages.success(request, f"You are now credited on {heading}.")
    else:
        messages.success(request, f"You declined to co-create {heading}.")
    return redirect("works:dashboard")


@login_required
@require_POST
def guest_comments_on_my_works(request: HttpRequest) -> HttpResponse:
    """The preferences page's switch: guests may comment on all my works, or none may."""
    user = request.user
    assert isinstance(user, User)
    allow = request.POST.get("allow") == "1"
    changed = actions.set_guest_comments_on_my_works(actor=user, allow=allow)
    who = "Guests can now comment" if allow else "Only registered users can now comment"
    messages.success(request, f"{who} on your works ({changed} changed).")
    return redirect("accounts:preferences")
