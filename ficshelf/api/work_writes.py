"""Posting and editing works and chapters with a ``write:works`` token.

The site's own path, step for step: the work is fetched as the posting pages fetch it
(``works.access.get_work_for_creator``: 404 for anyone but its credited creators, so a
draft's existence is never told), the fields are checked by the site's own forms
(``works.forms.WorkForm`` and ``ChapterForm``: the same limits, tag rules, gift, co-creator
and collection refusals), and saved by the same actions (``works.actions``), which sanitize
the HTML, hold a new member's linky work for moderation, queue the search index and tell
subscribers. A refusal is a 400 naming each field and why; nothing is written.

The forms read HTML form data: the JSON body is turned into what the site's form would
send. An edit sends the form filled from the saved work (``initial_for``, as the edit page
shows it) with the body's fields changed, so what is left out stays as it is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Status

from ficshelf.accounts.models import Pseud, User
from ficshelf.api import schemas
from ficshelf.api.auth import member_with
from ficshelf.api.models import Scope
from ficshelf.api.reads import _id
from ficshelf.api.routes import router
from ficshelf.api.serialize import Urls, chapter, work_in_full
from ficshelf.api.writes import WRITE_ERRORS, BadInput
from ficshelf.works import actions
from ficshelf.works.access import get_chapter_for_creator, get_work_for_creator
from ficshelf.works.forms import ChapterForm, WorkForm
from ficshelf.works.forms.work import initial_for
from ficshelf.works.models import Chapter, Language, Work

# PostingError: what the archive refuses once the form passed (a work's only chapter).
WORK_ERRORS = {**WRITE_ERRORS, 409: schemas.Message}

# The API's names of the work form's fields where they differ (the reads' names).
_FORM_NAMES = {"series_id": "series", "pseud_id": "pseud"}
_API_NAMES = {form: api for api, form in _FORM_NAMES.items()}
# Lists the form takes as one comma-separated field, as a writer types them.
_COMMA_LISTS = {
    "fandoms",
    "relationships",
    "characters",
    "freeforms",
    "collections",
    "gift_recipients",
    "co_creators",
}


def _edited(body: schemas.WorkEdit | schemas.ChapterEdit) -> dict[str, Any]:
    """The fields an edit sent, as a merge patch: left out stays, null empties the field
    (takes the work out of its series, the expected chapter count back to "?"), as an
    emptied field of the edit form. A format or language cannot be empty: null leaves it."""
    fields = body.model_dump(exclude_unset=True, exclude={"post"})
    for name in ("text_format", "language"):
        if fields.get(name, "") is None:
            del fields[name]
    return {name: "" if value is None else value for name, value in fields.items()}


def _form_data(fields: dict[str, Any]) -> dict[str, Any]:
    """The body's fields as the site's form would send them."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if value == "" and name in {"warnings", "categories"}:
            value = []
        if name in _COMMA_LISTS and isinstance(value, list):
            value = ", ".join(value)
        data[_FORM_NAMES.get(name, name)] = value
    return data


def _language(name: str) -> Language | None:
    wanted = name.strip()
    if not wanted.isprintable() or len(wanted) > 100:
        return None  # no language is named so (and a database cannot compare some of it)
    return (
        Language.objects.filter(short=wanted).first()
        or Language.objects.filter(name=wanted).first()
    )


def _checked(form: WorkForm | ChapterForm, refusals: list[str] | None = None) -> None:
    """400 with every field's refusal (in the API's names) unless the form is valid."""
    refusals = list(refusals or [])
    if not form.is_valid() or refusals:
        for field, errors in form.errors.items():
            name = "work" if field == "__all__" else _API_NAMES.get(field, field)
            if any(r.startswith(f"{name}:") for r in refusals):
                continue  # said better already (which language is unknown)
            refusals.append(f"{name}: {' '.join(str(e) for e in errors)}")
        raise BadInput(refusals)


def _work_form(
    request: HttpRequest,
    member: User,
    fields: dict[str, Any],
    work: Work | None,
    refusals: list[str],
) -> WorkForm:
    language = fields.pop("language", None)
    _text_format_only_with_text(fields)
    data: dict[str, Any] = initial_for(work) if work is not None else {"text_format": "html"}
    data.update(_form_data(fields))
    if work is not None and fields.get("series_id") == "":
        # null: out of its series, all of them (the form keeps a work's other series unless
        # it is told which to leave).
        data["leave_series"] = [part.series_id for part in work.series_works.all()]
    if work is None and "comment_permission" not in fields:
        # The form's default for a new work (the member's preference), as the page offers it.
        data["comment_permission"] = WorkForm(user=member).fields["comment_permission"].initial
    if language is not None:
        found = _language(language)
        if found is None:
            refusals.append(f"language: There is no language “{language}” here.")
        data["language"] = found.pk if found is not None else ""
    elif work is None:
        english = _language("en")  # what the new-work form has chosen
        data["language"] = english.pk if english is not None else ""
    form = WorkForm(data, user=member, work=work, site_hosts=[request.get_host()])
    _checked(form, refusals)
    return form


def _text_format_only_with_text(fields: dict[str, Any]) -> None:
    """A format says how to read the text sent with it: alone, it would re-read the saved
    HTML as plain text (and show its tags)."""
    if "text" not in fields:
        fields.pop("text_format", None)


def _own_pseud(member: User, pseud_id: int | None, refusals: list[str]) -> Pseud | None:
    """The form's "Post as" (offered only to a member with several pseuds): one of the
    member's own pseuds, or a refusal."""
    if pseud_id is None:
        return None
    found = Pseud.objects.filter(pk=pseud_id, user=member).first()
    if found is None:
        refusals.append("pseud_id: That is not one of your pseuds.")
    return found


def _work_answer(work: Work) -> dict[str, Any]:
    """The work as its creators see it: every chapter, posted or not."""
    shown = Work.objects.all().one_with_everything_shown(work.pk)
    chapters = sorted(shown.chapters.all(), key=lambda c: c.position)
    return work_in_full(shown, chapters, Urls())


@router.post("/works", response={201: schemas.Work, **WORK_ERRORS}, tags=["write"])
def create_work(request: HttpRequest, body: schemas.WorkIn) -> Any:
    """A new work and its first chapter, saved as a draft or posted (``post``), as the
    site's new-work form saves it."""
    member = member_with(request, Scope.WORKS)
    refusals: list[str] = []
    pseud = _own_pseud(member, body.pseud_id, refusals)
    fields = body.model_dump(exclude_none=True, exclude={"post"})
    form = _work_form(request, member, fields, None, refusals)
    data = form.to_data()
    # The form offers the choice only to a member with several pseuds; with one, it is that.
    data.pseud = data.pseud or pseud
    work = actions.create_work(data, actor=member, post=body.post)
    return Status(201, _work_answer(work))


@router.patch("/works/{work_id}", response={200: schemas.Work, **WORK_ERRORS}, tags=["write"])
def edit_work(request: HttpRequest, work_id: int, body: schemas.WorkEdit) -> Any:
    """Changes the fields sent (the first chapter's too); the rest stays as saved."""
    member = member_with(request, Scope.WORKS)
    work = get_work_for_creator(request, _id(work_id))
    form = _work_form(request, member, _edited(body), work, [])
    edited = actions.update_work(work, form.to_data(), actor=member, post=False)
    return _work_answer(edited)


@router.post("/works/{work_id}/post", response={200: schemas.Work, **WORK_ERRORS}, tags=["write"])
def post_work(request: HttpRequest, work_id: int) -> Any:
    """Posts a draft (a posted work stays as it is)."""
    member_with(request, Scope.WORKS)
    work = get_work_for_creator(request, _id(work_id))
    return _work_answer(actions.post_work(work))


@router.delete("/works/{work_id}", response={200: schemas.Done, **WORK_ERRORS}, tags=["write"])
def delete_work(request: HttpRequest, work_id: int) -> Any:
    member_with(request, Scope.WORKS)
    work = get_work_for_creator(request, _id(work_id))
    title = work.title
    actions.delete_work(work)
    return {"detail": f"“{title}” is deleted."}


# ---- Chapters ----


def _chapter_form(
    fields: dict[str, Any], found: Chapter | None, work: Work, user: User
) -> ChapterForm:
    data: dict[str, Any] = {"text_format": "html"}
    if found is not None:
        data.update(
            title=found.title,
            summary=found.summary,
            notes=found.notes,
            end_notes=found.end_notes,
            text=found.text,
        )
    _text_format_only_with_text(fields)
    data.update(fields)
    form = ChapterForm(data, chapter=found, work=work, user=user)
    _checked(form)
    return form


@router.post(
    "/works/{work_id}/chapters", response={201: schemas.Chapter, **WORK_ERRORS}, tags=["write"]
)
def add_chapter(request: HttpRequest, work_id: int, body: schemas.ChapterIn) -> Any:
    """A new last chapter, posted (``post``, the default) or saved unposted."""
    member = member_with(request, Scope.WORKS)
    work = get_work_for_creator(request, _id(work_id))
    fields = body.model_dump(exclude_none=True, exclude={"post"})
    form = _chapter_form(fields, found=None, work=work, user=member)
    added = actions.add_chapter(work, form.to_data(), post=body.post, actor=member)
    return Status(201, chapter(added))


@router.patch(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Chapter, **WORK_ERRORS},
    tags=["write"],
)
def edit_chapter(
    request: HttpRequest, work_id: int, chapter_id: int, body: schemas.ChapterEdit
) -> Any:
    member = member_with(request, Scope.WORKS)
    found = get_chapter_for_creator(request, _id(work_id), _id(chapter_id))
    form = _chapter_form(_edited(body), found=found, work=found.work, user=member)
    # The API has no field for a chapter's own creators: an edit leaves them as they are
    # (the form, given none, would credit the work's creators instead).
    data = dataclasses.replace(form.to_data(), creators=None)
    return chapter(actions.update_chapter(found, data, post=body.post, actor=member))


@router.delete(
    "/works/{work_id}/chapters/{chapter_id}",
    response={200: schemas.Done, **WORK_ERRORS},
    tags=["write"],
)
def delete_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> Any:
    """Refused (409) for a work's only chapter: delete the work instead."""
    member_with(request, Scope.WORKS)
    found = get_chapter_for_creator(request, _id(work_id), _id(chapter_id))
    actions.delete_chapter(found)
    return {"detail": "The chapter is deleted."}
