"""The related works page of a work, for its creators (AO3's "Related Works"): every posted
work naming it as its source or translating it, where they approve each one (the work's
page lists it then) or remove it (the work's page no longer lists it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ficshelf.accounts.models import User
from ficshelf.works.access import get_work_for_creator
from ficshelf.works.inspiration import answer_related_work, related_works_to_answer
from ficshelf.works.models import Inspiration


@login_required
@require_safe
def related_works(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    context = {"work": work, "related": related_works_to_answer(work)}
    return render(request, "works/posting/related_works.html", context)


@login_required
@require_POST
def answer_related(request: HttpRequest, work_id: int, inspiration_id: int) -> HttpResponse:
    work = get_work_for_creator(request, work_id)
    inspiration = (
        Inspiration.objects.select_related("source", "work")
        .filter(pk=inspiration_id, source=work, work__is_posted=True)
        .first()
    )
    if inspiration is None:
        raise Http404("No such related work.")
    answer = request.POST.get("answer")
    if answer not in ("approve", "remove"):
        messages.error(request, "Choose Approve or Remove.")
        return redirect("works:related_works", work_id=work.pk)
    user = request.user
    assert isinstance(user, User)  # login_required let only signed-in users through
    answer_related_work(inspiration, approve=answer == "approve", actor=user)
    if answer == "approve":
        messages.success(request, f"“{inspiration.work.title}” is now listed on your work.")
    else:
        messages.success(request, f"“{inspiration.work.title}” is no longer listed on your work.")
    return redirect("works:related_works", work_id=work.pk)
