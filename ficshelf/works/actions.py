"""Writing works: posting, editing, chapters, co-creators, orphaning, purging old drafts.

Every public function here is one transaction. HTML arrives as the writer gave it and is
sanitized here, so no caller can store unclean text. Stats that follow from the chapters
(word count, updated and completed dates, "posted/expected") are set only by
``refresh_work_stats``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from ficshelf.accounts.actions import ensure_default_pseud, orphan_pseud
from ficshelf.accounts.models import Pseud, User
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile, sanitize_html
from ficshelf.core.wordcount import count_words_in_html
from ficshelf.tags.models import TAG_NAME_MAX_LENGTH, Tag, TagType
from ficshelf.works import collection_models, drafts
from ficshelf.works.chapter_credits import ChapterCreditError, set_chapter_credits
from ficshelf.works.collection_items import CollectionRefused, set_work_collections
from ficshelf.works.inspiration import ResolvedInspiration, set_inspirations
from ficshelf.works.member_choices import pseuds_refusing_co_creation, pseuds_refusing_gifts
from ficshelf.works.models import (
    Chapter,
    CommentPermission,
    Creatorship,
    Gift,
    Language,
    Series,
    SeriesWork,
    Work,
)
from ficshelf.works.series_actions import series_managed_by
from ficshelf.works.signals import (
    chapter_posted,
    co_creator_accepted,
    co_creator_invited,
    gifts_given,
    source_named,
    work_posted,
    works_changed,
)
from ficshelf.works.skin_actions import usable_work_skins
from ficshelf.works.skin_models import WorkSkin
from ficshelf.works.trust import hold_if_linky


class PostingError(Exception):
    """A request the archive refuses (deleting a work's only chapter, ...); say why.
    ``field``: the form field it is about, where the form shows it (None: the form's top)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class ChapterData:
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    text: str = ""
    # A draft chapter's time to post (``works.scheduling``); None: not scheduled.
    post_at: datetime.datetime | None = None
    # The chapter's own creators (``chapter_credits``): empty credits the work's creators;
    # None leaves them as they are.
    creators: list[Pseud] | None = None


@dataclass
class WorkData:
    title: str
    rating: str
    warnings: list[str]
    chapter: ChapterData
    categories: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    freeforms: list[str] = field(default_factory=list)
    language: Language | None = None
    summary: str = ""
    notes: str = ""
    end_notes: str = ""
    series: Series | None = None
    new_series_title: str = ""
    series_position: int | None = None
    # Series the work leaves (a work may be in several; adding to one keeps the others).
    leave_series: list[Series] = field(default_factory=list)
    co_creators: list[Pseud] = field(default_factory=list)
    gift_recipients: list[str] = field(default_factory=list)
    # The collections the creators put the work in; None leaves them as they are.
    collections: list[collection_models.Collection] | None = None
    is_restricted: bool = False
    comment_permission: str = CommentPermission.EVERYONE
    moderated_comments: bool = False
    expected_chapter_count: int | None = None
    is_complete: bool = False
    published_on: datetime.date | None = None  # a backdate; None means "when posted"
    pseud: Pseud | None = None  # which of the actor's pseuds a new work is credited to
    # The work's sources, checked (``inspiration.resolve``); None leaves them as they are.
    inspirations: list[ResolvedInspiration] | None = None
    # A draft's time to post (``works.scheduling``); None: not scheduled. Posting clears it.
    post_at: datetime.datetime | None = None
    # Podfic and art fields, and the work skin; None leaves them as they are (importers
    # and the API do not set them).
    media: WorkMedia | None = None
    work_skin: SkinChoice | None = None


@dataclass(frozen=True)
class WorkMedia:
    """What AO3 asks of podfic and art (``Work.is_podfic`` and the rest)."""

    is_podfic: bool = False
    is_fanart: bool = False
    audio_duration: datetime.timedelta | None = None
    audio_format: str = ""


@dataclass(frozen=True)
class SkinChoice:
    """The work skin chosen on the form (None: the archive's own look). The form offers
    the writer's own skins, the public ones and the one the work has; the action checks
    the choice again (``_lock_chosen_skin``, ``_check_chosen_skin``)."""

    skin: WorkSkin | None


# Tags and languages, shared with the importers.


def tags_named(names_by_type: Iterable[tuple[str, Iterable[str]]]) -> list[Tag]:
    """The tags with these names, made (with the given type) where missing.

    Names are unique across types, as on AO3: an existing tag keeps its type, and a name
    given under two types takes the first. Callers check lengths first (the forms refuse,
    the importers leave out): a name too long for the column is an error here, never cut.
    A medium's name ("TV Shows") is left out: media are wranglers' shelves for fandoms,
    never a work's tag.
    """
    wanted: dict[str, str] = {}
    for tag_type, names in names_by_type:
        for name in unique_names(names):
            if len(name) > TAG_NAME_MAX_LENGTH:
                raise ValueError(f"tag name longer than {TAG_NAME_MAX_LENGTH}: {name[:40]}...")
            wanted.setdefault(name, tag_type)
    if not wanted:
        return []
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=n, type=t) for n, t in wanted.items() if n not in existing]
    if missing:
        # ignore_conflicts: a concurrent writer may create the same tag; re-read after.
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    return [tag for tag in existing.values() if tag.type != TagType.MEDIA]


def language_named(name: str) -> Language | None:
    name = name.strip()
    if not name:
        return None
    found = (
        Language.objects.filter(name=name).first() or Language.objects.filter(short=name).first()
    )
    if found:
        return found
    short = slugify(name)[:20] or f"lang-{Language.objects.count() + 1}"
    language, _ = Language.objects.get_or_create(short=short, defaults={"name": name[:100]})
    return language


def unique_names(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        name = name.strip()
        if name:
            seen.setdefault(name, None)
    return list(seen)


# Works.


@transaction.atomic
def create_work(
    data: WorkData, *, actor: User, post: bool, today: datetime.date | None = None
) -> Work:
    """A new work credited to the actor (their default pseud unless they chose another):
    posted, or a draft to preview."""
    today = today or timezone.localdate()
    chosen_skin = _lock_chosen_skin(data)
    _check_chosen_skin(chosen_skin, work=None, actor=actor)
    work = Work(is_posted=False)
    _fill_work(work, data, skin=chosen_skin)
    work.post_at = None if post else data.post_at
    work.save()
    pseud = data.pseud if data.pseud and data.pseud.user_id == actor.pk else None
    Creatorship.objects.create(work=work, pseud=pseud or ensure_default_pseud(actor), position=0)
    _fill_chapter(Chapter(work=work, position=1, is_posted=True), data.chapter).save()
    _attach_relations(work, data, actor=actor)
    if post:
        _post(work, today=today)
    refresh_work_stats(work, is_complete=data.is_complete, today=today)
    return work


@transaction.atomic
def update_work(
    work: Work, data: WorkData, *, actor: User, post: bool, today: datetime.date | None = None
) -> Work:
    """Save the edit form: the work's fields and its first chapter; ``post`` posts a draft."""
    today = today or timezone.localdate()
    # The skin's row first, then the work's: the order a skin's steps lock them in
    # (``core.public_skins``: the skin, then the works it releases).
    chosen_skin = _lock_chosen_skin(data)
    work = Work.objects.select_for_update().get(pk=work.pk)
    _check_chosen_skin(chosen_skin, work=work, actor=actor)
    keep_published_on = work.published_on
    _fill_work(work, data, skin=chosen_skin)
    if data.published_on is None:
        work.published_on = keep_published_on
    work.post_at = None if post or work.is_posted else data.post_at
    work.save()
    first = work.chapters.order_by("position").first()
    if first is None:
        first = Chapter(work=work, position=1, is_posted=True)
    _fill_chapter(first, data.chapter)
    if data.published_on is not None and first.is_posted and work.is_posted:
        first.published_on = data.published_on
    first.save()
    _attach_relations(work, data, actor=actor)
    if post and not work.is_posted:
        _post(work, today=today)
    elif work.is_posted:
        hold_if_linky(work)  # links added to a posted work count as when it was posted
    refresh_work_stats(work, is_complete=data.is_complete, today=today)
    return work


@transaction.atomic
def post_work(work: Work, *, today: datetime.date | None = None) -> Work:
    work = Work.objects.select_for_update().get(pk=work.pk)
    if not work.is_posted:
        _post(work, today=today or timezone.localdate())
        refresh_work_stats(work, today=today)
    return work


@transaction.atomic
def delete_work(work: Work) -> None:
    """Delete a work: its creator's deletion, the draft purge, a closing account's works, or
    an admin's (``works.moderation.delete_works``, which records who and why)."""
    # Series with no other works go too, as on AO3.
    series_ids = list(work.series_works.values_list("series_id", flat=True))
    work.delete()
    Series.objects.filter(pk__in=series_ids, series_works__isnull=True).delete()


@transaction.atomic
def leave_work(work: Work, *, actor: User) -> None:
    """Take the actor's name off a work they made with others (AO3's "Remove me as
    co-creator"); it stays on the archive, credited to the others."""
    if not has_co_creators(work, actor):
        raise PostingError("You are this work's only creator: orphan it or delete it instead.")
    work.creatorships.filter(pseud__user=actor).delete()


def has_co_creators(work: Work, user: User) -> bool:
    """Whether someone besides ``user`` is credited on ``work``."""
    return work.creatorships.filter(is_approved=True).exclude(pseud__user=user).exists()


@transaction.atomic
def orphan_work(work: Work, *, actor: User) -> None:
    """Take the actor's name off the work; the shared orphan_account pseud is credited instead."""
    orphan = orphan_pseud()
    mine = work.creatorships.filter(pseud__user=actor)
    position = min((c.position for c in mine), default=0)
    mine.delete()
    Creatorship.objects.get_or_create(
        work=work, pseud=orphan, defaults={"position": position, "is_approved": True}
    )


@transaction.atomic
def refuse_gift(gift: Gift, *, actor: User) -> None:
    """The recipient refuses a gift: the work stays, the gift credit goes (AO3)."""
    if gift.recipient is None or gift.recipient.user_id != actor.pk:
        raise PostingError("This gift is not yours to refuse.")
    gift.refused_at = timezone.now()
    gift.save(update_fields=["refused_at"])
    # The work page shows its gifts: no kept copy may name the recipient any more.
    works_changed.send(sender=Work, work_ids=[gift.work_id])


def _lock_chosen_skin(data: WorkData) -> SkinChoice | None:
    """The work skin the form chose, its row locked and read again until the transaction
    ends: a skin made private meanwhile releases the works using it under this lock
    (``works.skin_actions.release_work_skin``), so it either sees this work saved with
    it, or this sees the skin private. None: the work's skin is left as it is."""
    if data.work_skin is None or data.work_skin.skin is None:
        return data.work_skin
    locked = WorkSkin.objects.select_for_update().filter(pk=data.work_skin.skin.pk).first()
    if locked is None:
        raise PostingError(
            "The work skin you chose was deleted since the form was shown: choose another.",
            field="work_skin",
        )
    return SkinChoice(locked)


def _check_chosen_skin(choice: SkinChoice | None, *, work: Work | None, actor: User) -> None:
    """Refuse a skin the actor may not put on the work (``usable_work_skins``): the form
    checked it, but it may have been made private, or stopped being the work's, since."""
    if choice is None or choice.skin is None:
        return
    if not usable_work_skins(actor.pk, work).filter(pk=choice.skin.pk).exists():
        raise PostingError(
            f"The work skin “{choice.skin.title}” is not yours and no longer public: "
            "choose another, or none.",
            field="work_skin",
        )


def _fill_work(work: Work, data: WorkData, *, skin: SkinChoice | None) -> None:
    work.title = data.title.strip()[:255]
    work.summary = sanitize_html(data.summary)
    work.notes = sanitize_html(data.notes)
    work.end_notes = sanitize_html(data.end_notes)
    work.sanitizer_version = SANITIZER_VERSION
    work.language = data.language
    work.is_restricted = data.is_restricted
    work.comment_permission = data.comment_permission
    work.moderated_comments = data.moderated_comments
    work.expected_chapter_count = data.expected_chapter_count
    work.published_on = data.published_on
    if data.media is not None:
        work.is_podfic = data.media.is_podfic
        work.is_fanart = data.media.is_fanart
        work.audio_duration = data.media.audio_duration
        work.audio_format = data.media.audio_format
    if skin is not None:
        work.work_skin = skin.skin


def _fill_chapter(chapter: Chapter, data: ChapterData) -> Chapter:
    chapter.title = data.title.strip()[:255]
    chapter.summary = sanitize_html(data.summary)
    chapter.notes = sanitize_html(data.notes)
    chapter.end_notes = sanitize_html(data.end_notes)
    chapter.text = sanitize_html(data.text, Profile.CHAPTER_TEXT)
    chapter.sanitizer_version = SANITIZER_VERSION
    chapter.word_count = count_words_in_html(chapter.text)
    return chapter


def _post(work: Work, *, today: datetime.date) -> None:
    work.is_posted = True
    work.published_on = work.published_on or today
    work.post_at = None  # posted now: a schedule it had is done with
    work.save(update_fields=["is_posted", "published_on", "post_at"])
    work.chapters.filter(is_posted=True, published_on__isnull=True).update(
        published_on=work.published_on
    )
    first = work.chapters.order_by("position").first()
    if first is not None and first.published_on != work.published_on:
        # A backdated work's first chapter carries the same date.
        first.published_on = work.published_on
        first.save(update_fields=["published_on"])
    # A new member's work full of links waits for a moderator; subscribers hear of it when
    # it is approved (``moderation.spam_actions``).
    if not hold_if_linky(work):
        work_posted.send(sender=Work, work=work)


def _attach_relations(work: Work, data: WorkData, *, actor: User) -> None:
    work.tags.set(
        tags_named(
            [
                (TagType.RATING, [data.rating]),
                (TagType.WARNING, data.warnings),
                (TagType.CATEGORY, data.categories),
                (TagType.FANDOM, data.fandoms),
                (TagType.RELATIONSHIP, data.relationships),
                (TagType.CHARACTER, data.characters),
                (TagType.FREEFORM, data.freeforms),
            ]
        )
    )
    _set_series(work, data)
    if data.inspirations is not None:
        waiting = set_inspirations(work, data.inspirations, actor=actor)
        if waiting and work.is_posted:  # a draft's sources hear of it when posted
            source_ids = [row.source_id for row in waiting]
            source_named.send(sender=Work, work=work, source_ids=source_ids)
    _invite_co_creators(work, data.co_creators, actor=actor)
    # A refused gift stays refused: its row is kept and its name is not given again.
    refused = set(
        work.gifts.filter(refused_at__isnull=False).values_list("recipient_name", flat=True)
    )
    refusing = refused_gift_names(data.gift_recipients, writer=actor, work=work)
    if refusing:  # the form said so; a member who turned refusal on since
        raise PostingError(", ".join(refusing) + " does not accept gifts.")
    given_before = set(
        work.gifts.filter(refused_at__isnull=True).values_list("recipient_name", flat=True)
    )
    work.gifts.filter(refused_at__isnull=True).delete()
    # A name several users share goes to the pseud that is someone's default.
    named = Pseud.objects.filter(name__in=data.gift_recipients, user__isnull=False)
    recipients = {p.name: p for p in named.order_by("is_default", "-pk")}
    gifts = Gift.objects.bulk_create(
        Gift(work=work, recipient_name=name[:255], recipient=recipients.get(name))
        for name in unique_names(data.gift_recipients)
        if name[:255] not in refused
    )
    newly_given = [gift.recipient_name for gift in gifts if gift.recipient_name not in given_before]
    if newly_given and work.is_posted:
        # Posting tells every recipient; an edit of a posted work tells only those it adds.
        gifts_given.send(sender=Work, work=work, recipient_names=newly_given)
    # After the gifts: a gift posted to an exchange's collection fulfils an assignment.
    if data.collections is not None:
        try:
            set_work_collections(work, data.collections, actor=actor)
            # The collections may have made it anonymous or unrevealed (saved on a fresh
            # copy): what follows (posting, its notices) must read the states as they are.
            work.refresh_from_db(fields=["in_unrevealed_collection", "in_anonymous_collection"])
        except CollectionRefused as refusal:  # the form checked; a collection closed since
            raise PostingError(str(refusal)) from None


def _set_series(work: Work, data: WorkData) -> None:
    """Add the work to the chosen (or new) series, at the given part number, and take it
    out of those it leaves; it stays in its other series (AO3: a work in several series)."""
    series = data.series
    if series is None and data.new_series_title.strip():
        series = Series.objects.create(title=data.new_series_title.strip()[:255])
    leaving = [s.pk for s in data.leave_series if series is None or s.pk != series.pk]
    for part in work.series_works.filter(series__in=leaving):
        part.delete()  # one at a time: each part's deletion queues the work for the index
    if series is None:
        return
    existing = SeriesWork.objects.filter(series=series, work=work).first()
    if existing is not None:
        if data.series_position and data.series_position != existing.position:
            existing.position = data.series_position
            existing.save(update_fields=["position"])
        return
    position = data.series_position
    if not position:
        last = series.series_works.aggregate(last=Max("position"))["last"]
        position = (last or 0) + 1
    SeriesWork.objects.create(series=series, work=work, position=position)


def series_of(user: User) -> list[Series]:
    """The series a user may add works to: those holding a work they are credited on, and
    those they co-create (``series_actions``)."""
    return series_managed_by(user)


def refused_gift_names(names: Iterable[str], *, writer: User, work: Work | None) -> list[str]:
    """The names among ``names`` whose member refuses gifts from ``writer`` on ``work``
    (``member_choices``), for the form's message and the action's check alike."""
    wanted = {name[:255] for name in names}
    if not wanted:
        return []
    named = Pseud.objects.filter(name__in=wanted, user__isnull=False)
    refusing = pseuds_refusing_gifts(named, writer=writer, work=work)
    return sorted({p.name for p in refusing})


@transaction.atomic
def set_guest_comments_on_my_works(*, actor: User, allow: bool) -> int:
    """Let guests comment on every work ``actor`` is an approved creator of, or only
    registered members; works nobody may comment on stay so. Each work is saved through the
    model (its search entry and kept pages move). Returns how many works changed."""
    before, after = (
        (CommentPermission.REGISTERED, CommentPermission.EVERYONE)
        if allow
        else (CommentPermission.EVERYONE, CommentPermission.REGISTERED)
    )
    mine = Work.objects.filter(
        creatorships__pseud__user=actor, creatorships__is_approved=True
    ).values("pk")
    # Locked by id: PostgreSQL locks no rows of a DISTINCT query.
    works = Work.objects.filter(pk__in=mine, comment_permission=before).order_by("pk")
    changed = 0
    for work in works.select_for_update():
        work.comment_permission = after
        work.save(update_fields=["comment_permission", "modified_at"])
        changed += 1
    return changed


# Co-creators.


def _invite_co_creators(work: Work, pseuds: Sequence[Pseud], *, actor: User) -> None:
    present = set(work.creatorships.values_list("pseud_id", flat=True))
    declining = pseuds_refusing_co_creation(p for p in pseuds if p.pk not in present)
    if declining:  # the form said so; a member who turned refusal on since
        names = ", ".join(sorted(p.name for p in declining))
        raise PostingError(f"{names} does not accept co-creator invitations.")
    last = work.creatorships.aggregate(last=Max("position"))["last"] or 0
    for pseud in pseuds:
        if pseud.pk in present or pseud.user_id == actor.pk:
            continue
        last += 1
        # Not credited until the invited writer accepts on their dashboard; their inbox
        # says so.
        invitation = Creatorship.objects.create(
            work=work, pseud=pseud, position=last, is_approved=False
        )
        co_creator_invited.send(sender=Creatorship, invitation=invitation)
        present.add(pseud.pk)


@transaction.atomic
def accept_creatorship(creatorship: Creatorship, *, actor: User) -> None:
    if creatorship.pseud.user_id != actor.pk:
        raise PostingError("This invitation is not yours.")
    creatorship.is_approved = True
    creatorship.save(update_fields=["is_approved"])
    co_creator_accepted.send(sender=Creatorship, invitation=creatorship)


@transaction.atomic
def decline_creatorship(creatorship: Creatorship, *, actor: User) -> None:
    if creatorship.pseud.user_id != actor.pk:
        raise PostingError("This invitation is not yours.")
    creatorship.delete()


# Chapters.


@transaction.atomic
def add_chapter(
    work: Work,
    data: ChapterData,
    *,
    post: bool,
    today: datetime.date | None = None,
    actor: User | None = None,
) -> Chapter:
    today = today or timezone.localdate()
    work = Work.objects.select_for_update().get(pk=work.pk)
    last = work.chapters.aggregate(last=Max("position"))["last"] or 0
    chapter = _fill_chapter(Chapter(work=work, position=last + 1, is_posted=post), data)
    chapter.post_at = None if post else data.post_at
    if post and work.is_posted:
        chapter.published_on = today
    chapter.save()
    _credit_chapter(chapter, data, actor=actor)
    refresh_work_stats(work, today=today)
    if post and not (work.is_posted and hold_if_linky(work)):
        chapter_posted.send(sender=Chapter, chapter=chapter)
    return chapter


@transaction.atomic
def update_chapter(
    chapter: Chapter,
    data: ChapterData,
    *,
    post: bool = False,
    today: datetime.date | None = None,
    actor: User | None = None,
) -> Chapter:
    """Save an edited chapter; ``post`` also posts it when it is a draft."""
    today = today or timezone.localdate()
    _lock_work_of(chapter)
    _fill_chapter(chapter, data)
    newly_posted = post and not chapter.is_posted
    if newly_posted:
        chapter.is_posted = True
        if chapter.work.is_posted:
            chapter.published_on = today
    chapter.post_at = None if chapter.is_posted else data.post_at
    chapter.save()
    _credit_chapter(chapter, data, actor=actor)
    refresh_work_stats(chapter.work, today=today)
    if newly_posted and not (chapter.work.is_posted and hold_if_linky(chapter.work)):
        chapter_posted.send(sender=Chapter, chapter=chapter)
    return chapter


def _lock_work_of(chapter: Chapter) -> None:
    """Hold the chapter's work, read afresh, for the rest of the transaction. The work's
    totals are summed from all its chapters (``refresh_work_stats``): two co-creators saving
    different chapters at once would each sum the other's chapter as it was before, and on
    PostgreSQL the second save would write a total missing the first's edit. Locked, the
    second reads the chapters only once the first has committed. (The work before its
    chapters, the order ``add_chapter`` and ``delete_chapter`` take them in.)"""
    chapter.work = Work.objects.select_for_update().get(pk=chapter.work_id)


def _credit_chapter(chapter: Chapter, data: ChapterData, *, actor: User | None) -> None:
    if data.creators is None:
        return
    if actor is None:
        raise ValueError("crediting a chapter needs the member who does it")
    try:
        set_chapter_credits(chapter, data.creators, actor=actor)
    except ChapterCreditError as refusal:  # the form checked; a member changed their mind since
        raise PostingError(str(refusal)) from None


@transaction.atomic
def post_chapter(chapter: Chapter, *, today: datetime.date | None = None) -> Chapter:
    today = today or timezone.localdate()
    _lock_work_of(chapter)
    if not chapter.is_posted:
        chapter.is_posted = True
        chapter.post_at = None  # posted now: a schedule it had is done with
        if chapter.work.is_posted:
            chapter.published_on = today
        chapter.save(update_fields=["is_posted", "published_on", "post_at"])
        refresh_work_stats(chapter.work, today=today)
        if not (chapter.work.is_posted and hold_if_linky(chapter.work)):
            chapter_posted.send(sender=Chapter, chapter=chapter)
    return chapter


@transaction.atomic
def delete_chapter(chapter: Chapter) -> None:
    work = Work.objects.select_for_update().get(pk=chapter.work_id)
    if work.chapters.count() <= 1:
        raise PostingError("A work needs at least one chapter: delete the work instead.")
    chapter.delete()
    _renumber(work, [c.pk for c in work.chapters.order_by("position")])
    refresh_work_stats(work)


@transaction.atomic
def reorder_chapters(work: Work, chapter_ids: Sequence[int]) -> None:
    """Put the work's chapters in the order of ``chapter_ids`` (every chapter, once)."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    if sorted(chapter_ids) != sorted(work.chapters.values_list("pk", flat=True)):
        raise PostingError("List every chapter of the work exactly once.")
    _renumber(work, chapter_ids)


def _renumber(work: Work, chapter_ids: Sequence[int]) -> None:
    chapters = {c.pk: c for c in work.chapters.all()}
    # Two passes: positions are unique per work, so first move every chapter out of the way.
    offset = len(chapters) + max((c.position for c in chapters.values()), default=0)
    for chapter in chapters.values():
        chapter.position += offset
    Chapter.objects.bulk_update(chapters.values(), ["position"])
    for position, pk in enumerate(chapter_ids, start=1):
        chapters[pk].position = position
    Chapter.objects.bulk_update(chapters.values(), ["position"])


def refresh_work_stats(
    work: Work, *, is_complete: bool | None = None, today: datetime.date | None = None
) -> Work:
    """Word count, chapter count, updated and completed dates, from the posted chapters.

    ``is_complete=True`` (the writer ticked "complete") fixes the expected chapter count at
    the chapters there are; otherwise the work is complete when all expected chapters are
    posted, as on AO3, and posting past the expected count raises it.
    """
    chapters = list(work.chapters.all())
    posted = [c for c in chapters if c.is_posted]
    work.word_count = sum(c.word_count for c in posted)
    if is_complete or (
        work.expected_chapter_count is not None and work.expected_chapter_count < len(posted)
    ):
        work.expected_chapter_count = len(posted)
    dates = [c.published_on for c in posted if c.published_on is not None]
    if work.published_on is not None:
        dates.append(work.published_on)
    work.updated_on = max(dates) if work.is_posted and dates else None
    work.is_complete = work.expected_chapter_count == len(posted) and bool(posted)
    work.completed_on = work.updated_on if work.is_complete else None
    work.save(
        update_fields=[
            "word_count",
            "expected_chapter_count",
            "updated_on",
            "is_complete",
            "completed_on",
        ]
    )
    return work


# Drafts.


def purge_old_drafts(*, now: datetime.datetime | None = None) -> int:
    """The daily purge of drafts (``works.drafts``): delete those past ``DRAFT_LIFETIME``
    whose creators were told a week ago, then tell the creators of those going within the
    week. Returns how many drafts went. A draft scheduled to post stays until then, and so
    does every draft of a creator who chose to keep their drafts, however old."""
    now = now or timezone.now()
    drafts.forget_stale_warnings()
    count = 0
    for work_id in list(drafts.due_for_purge(now).values_list("pk", flat=True)):
        with transaction.atomic():
            # Posted, scheduled or kept since it was listed: it stays.
            work = drafts.due_for_purge(now).select_for_update().filter(pk=work_id).first()
            if work is not None:
                delete_work(work)
                count += 1
    drafts.warn_of_purge(now)
    return count
