"""Works, chapters, series, languages, creatorships and gifts (collections: ``collection_models``).

The shape follows AO3's (see docs/design.md, "The work"). HTML fields hold
sanitized HTML and each row records the sanitizer version that cleaned it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Preference, Pseud
from ficshelf.core.prepared_queries import PreparedPrefetch, leave_empty, prefetch_prepared
from ficshelf.core.spam import SpamState
from ficshelf.tags.models import ADULT_RATINGS, Tag, TagType

# Re-exported: the collection models belong to this app's models.
from ficshelf.works.collection_models import MODERATING_ROLES
from ficshelf.works.collection_models import Collection as Collection
from ficshelf.works.collection_models import CollectionItem as CollectionItem
from ficshelf.works.collection_models import CollectionParticipant as CollectionParticipant
from ficshelf.works.skin_models import WorkSkin as WorkSkin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ficshelf.accounts.models import User


# How long an unposted draft is kept before ``purge_old_drafts`` deletes it (AO3: a month).
DRAFT_LIFETIME = datetime.timedelta(days=30)
# How long before the purge its creators are told, and the least time a draft is kept after
# they were (``works.drafts``).
DRAFT_PURGE_NOTICE = datetime.timedelta(days=7)


class Language(models.Model):
    short = models.CharField(max_length=20, unique=True)  # "en", "zh"
    name = models.CharField(max_length=100, unique=True)  # as AO3 shows it: "中文-普通话 國語"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommentPermission(models.TextChoices):
    EVERYONE = "everyone", "Registered users and guests can comment"
    REGISTERED = "registered", "Only registered users can comment"
    NOBODY = "nobody", "No one can comment"


# Neither hidden by an admin nor held or marked spam: what the index holds and shares.
NOT_WITHHELD = Q(is_hidden_by_admin=False, spam_state=SpamState.CLEAR)


class AudioFormat(models.TextChoices):
    MP3 = "mp3", "MP3"
    M4A = "m4a", "M4A"
    M4B = "m4b", "M4B (audiobook)"
    OGG = "ogg", "OGG"
    OPUS = "opus", "Opus"
    WAV = "wav", "WAV"
    FLAC = "flac", "FLAC"


class WorkQuerySet(models.QuerySet["Work"]):
    def posted(self) -> WorkQuerySet:
        return self.filter(is_posted=True)

    def not_withheld(self) -> WorkQuerySet:
        return self.filter(NOT_WITHHELD)

    def shown_on_creator_pages(self) -> WorkQuerySet:
        """What a creator's pages may list: never a work of an anonymous collection
        (``works.display.credited_pseuds``) nor one waiting to be revealed, whoever looks,
        the creator included, as the creator's listings (the index) hold neither."""
        return self.filter(in_anonymous_collection=False, in_unrevealed_collection=False)

    def with_draft_kept(self) -> WorkQuerySet:
        """Each work knows whether a creator keeps their drafts (``Work.is_kept_draft``)."""
        return self.annotate(
            draft_kept=Exists(drafts_kept_by_their_creators().filter(work_id=OuterRef("pk")))
        )

    def for_blurbs(self) -> WorkQuerySet:
        """What a blurb shows (``works.blurb_html``), prefetched: listings cost a fixed
        number of queries however many works they show."""
        return self.with_blurb_columns().prefetch_related(*blurb_prefetches())

    def with_blurb_columns(self) -> WorkQuerySet:
        """``for_blurbs`` without its prefetches (``works.prepared_reads`` runs them after)."""
        return (
            self.defer("notes", "end_notes")  # blurbs never show them
            .select_related("language")
            # The "posted/expected" count, counted by the database: a prefetch would make
            # a model instance for every chapter of every work shown.
            .annotate(posted_chapter_count=_posted_chapter_count())
        )

    def with_everything_shown(self) -> WorkQuerySet:
        """All a work page or a download shows (tags, credits, series, collections, gifts,
        chapters), prefetched in a fixed number of queries."""
        return self.select_related("language").prefetch_related(
            *_always_shown(), *(relation.lookup() for relation in _optional_relations())
        )

    def one_with_everything_shown(self, pk: int) -> Work:
        """The work ``pk`` of this queryset with what ``with_everything_shown`` loads, asking
        only for the relations it has (``with_page_flags``, ``load_everything_shown``).
        Raises ``Work.DoesNotExist``."""
        return load_everything_shown(self.with_page_flags().get(pk=pk))

    def with_page_flags(self) -> WorkQuerySet:
        """Each work with its language and skin, and flags saying whether it has rows in the
        relations many works lack (``load_everything_shown`` reads them), a source
        (``has_inspiration``), works it inspired (``is_inspiring``; ``works.inspiration``
        reads both) and a creator who asked search engines to pass by."""
        return self.select_related("language", "work_skin").annotate(
            **{relation.flag: Exists(relation.rows()) for relation in _optional_relations()},
            has_inspiration=Exists(Inspiration.objects.filter(work=OuterRef("pk"))),
            is_inspiring=Exists(Inspiration.objects.filter(source=OuterRef("pk"))),
            # A creator asked search engines to pass by (``works.member_choices``).
            creators_refuse_robots=Exists(
                Preference.objects.filter(
                    hide_from_search_engines=True,
                    user__pseuds__creatorships__work=OuterRef("pk"),
                    user__pseuds__creatorships__is_approved=True,
                )
            ),
        )

    def visible_to(self, user: User | AnonymousUser | None) -> WorkQuerySet:
        """The one visibility rule (docs/design.md): every surface that shows works uses it.

        Drafts: creators only. Restricted: signed-in users. Hidden by an admin, held for
        moderation or marked spam (``spam_state``, core/spam.py): creators and admins. In
        an unrevealed collection: creators, that collection's moderators and admins.
        Muted: a reader who muted a creator no longer sees their works (their own works
        are never hidden from them). (A work in an anonymous collection stays visible;
        its creators are what is hidden: ``works.display.credited_pseuds``.)

        The rule depends on the viewer only through ``viewer_kind`` and their key:
        ``works.prepared_reads`` compiles it once per kind with a stand-in viewer.
        """
        if user is None or not user.is_authenticated:  # ViewerKind.GUEST
            return self.filter(
                is_posted=True,
                is_restricted=False,
                is_hidden_by_admin=False,
                spam_state=SpamState.CLEAR,
                in_unrevealed_collection=False,
            )
        return self._visible_but_for_mutes(user).exclude(_with_a_muted_creator(user))

    def muted_for(self, user: User) -> WorkQuerySet:
        """The works the visibility rule keeps from ``user`` only because they muted one of
        the creators: the work page tells them so and offers to unmute (every other surface
        hides these works), and their own bookmarks of them stay in their list."""
        return self._visible_but_for_mutes(user).filter(_with_a_muted_creator(user))

    def _visible_but_for_mutes(self, user: User) -> WorkQuerySet:
        # Only accepted credit counts: an invited co-creator who has not said yes is a
        # reader like any other (no drafts, no hidden works).
        if user.is_staff:  # ViewerKind.STAFF
            return self.filter(_own_works(user) | Q(is_posted=True))
        revealed_to_them = Q(in_unrevealed_collection=False) | Q(pk__in=_moderated_unrevealed(user))
        return self.filter(
            _own_works(user)
            | (
                Q(is_posted=True, is_hidden_by_admin=False, spam_state=SpamState.CLEAR)
                & revealed_to_them
            )
        )


# What ``with_everything_shown`` prefetches for every work, and the relations many works
# lack (``one_with_everything_shown`` asks for those only when the work has rows in them).
def _always_shown() -> tuple[str | models.Prefetch[Any], ...]:
    return ("tags", _approved_credits(), "chapters")


def _approved_credits() -> models.Prefetch[Any]:
    # An invited co-creator is credited once they accept.
    return models.Prefetch(
        "creatorships",
        queryset=Creatorship.objects.filter(is_approved=True).select_related("pseud__user"),
    )


@dataclass(frozen=True)
class _OptionalRelation:
    """A relation many works lack: ``flag`` names the annotation saying the work has
    ``rows()``; ``lookup()`` prefetches it, ``leave_empty`` records a work as having none.
    (Made when asked for: a work page only reads the flags, and building the querysets it
    does not use cost it 7% of its time.)"""

    flag: str
    rows: Callable[[], models.QuerySet[Any]]
    lookup: Callable[[], str | models.Prefetch[Any]]
    leave_empty: Callable[[Work], None]


def _optional_relations() -> tuple[_OptionalRelation, ...]:
    return _OPTIONAL_RELATIONS


_OPTIONAL_RELATIONS = (
    # Each part with its series in one query (a plain "series_works__series" takes two).
    _OptionalRelation(
        "has_series_parts",
        lambda: SeriesWork.objects.filter(work=OuterRef("pk")),
        lambda: models.Prefetch(
            "series_works", queryset=SeriesWork.objects.select_related("series")
        ),
        lambda work: leave_empty([work], "series_works", SeriesWork),
    ),
    _OptionalRelation(
        "has_collections",
        lambda: CollectionItem.objects.approved().filter(work=OuterRef("pk")),
        lambda: _shown_collection_items(CollectionItem.objects.approved()),
        lambda work: setattr(work, "shown_collection_items", []),
    ),
    # Chapters credited to their own creators (``works.chapter_credits``).
    _OptionalRelation(
        "has_chapter_credits",
        lambda: ChapterCreatorship.objects.filter(chapter__work=OuterRef("pk")),
        lambda: models.Prefetch(
            "chapters__credits",
            queryset=ChapterCreatorship.objects.select_related("pseud__user"),
        ),
        lambda work: leave_empty(work.chapters.all(), "credits", ChapterCreatorship),
    ),
    # Refused gifts are not shown (the recipient took the credit away).
    _OptionalRelation(
        "has_gifts",
        lambda: Gift.objects.filter(work=OuterRef("pk"), refused_at__isnull=True),
        # A member recipient's name links to their gifts (a plain name is only text).
        lambda: models.Prefetch(
            "gifts",
            queryset=Gift.objects.filter(refused_at__isnull=True).select_related("recipient__user"),
        ),
        lambda work: leave_empty([work], "gifts", Gift),
    ),
)


def _shown_collection_items(items: models.QuerySet[CollectionItem]) -> models.Prefetch[Any]:
    # Only approved items show: a work waiting for a collection's answer is not in it yet.
    return models.Prefetch(
        "collection_items",
        queryset=items.select_related("collection"),
        to_attr="shown_collection_items",
    )


def blurb_prefetches() -> tuple[str | models.Prefetch[Any], ...]:
    """What ``for_blurbs`` prefetches: tags, approved credits with their members, series
    (``load_for_blurbs`` loads the same, prepared)."""
    return ("tags", _approved_credits(), "series_works__series")


def load_for_blurbs(works: Sequence[Work]) -> None:
    """Load into ``works`` (each loaded ``with_blurb_columns``) what ``for_blurbs``
    prefetches."""
    prefetch_prepared(works, _TAGS, _CREDITS, _SERIES_PARTS)


def load_everything_shown(work: Work) -> Work:
    """``work``, loaded ``with_page_flags``, with what a work page shows loaded: only
    the optional relations it has rows in (most works are in no series or collection and
    have no gifts or related works, and each empty relation would cost the page a query)."""
    prefetch_prepared([work], _TAGS, _CREDITS, _CHAPTERS)
    lookups = []
    for relation in _optional_relations():
        if getattr(work, relation.flag):
            lookups.append(relation.lookup())
        else:
            relation.leave_empty(work)
    if lookups:
        models.prefetch_related_objects([work], *lookups)
    return work


class ViewerKind(models.TextChoices):
    """The kinds of viewer the visibility rule tells apart (beyond who they are)."""

    GUEST = "guest"
    MEMBER = "member"
    STAFF = "staff"


def viewer_kind(user: User | AnonymousUser | None) -> ViewerKind:
    """Which branch of ``visible_to`` a viewer takes (the same tests, in the same order)."""
    if user is None or not user.is_authenticated:
        return ViewerKind.GUEST
    return ViewerKind.STAFF if user.is_staff else ViewerKind.MEMBER


def work_visible_to(user: User | AnonymousUser | None, field: str = "work") -> Exists:
    """The one visibility rule as a condition on rows of another model that point at a work
    through ``field``: true where ``user`` may see that work.

    Use it rather than ``work__in=Work.objects.visible_to(user)``: SQLite answers that by
    listing every visible work of the archive first (a scan that grows with the archive),
    while this looks each row's work up by its key.
    """
    return Exists(Work.objects.visible_to(user).filter(pk=OuterRef(field)))


def series_visible_to(user: User | AnonymousUser | None, field: str = "series") -> Exists:
    """A series is visible while at least one of its works is: a condition on rows that
    point at a series through ``field`` (``"pk"`` on ``Series`` itself)."""
    parts = SeriesWork.objects.filter(series=OuterRef(field)).filter(work_visible_to(user))
    return Exists(parts)


def purge_date(created_at: datetime.datetime, warned_at: datetime.datetime | None) -> datetime.date:
    """The day a draft begun at ``created_at`` is purged: a month on, and never sooner than
    a week after its creators were told (``warned_at``; not yet told: they will be by the
    next daily run, so a week from now at the least)."""
    told = warned_at or timezone.now()
    return max(created_at + DRAFT_LIFETIME, told + DRAFT_PURGE_NOTICE).date()


def drafts_kept_by_their_creators() -> models.QuerySet[Creatorship, Any]:
    """Creatorships of members who keep their drafts (``Preference.keep_drafts``): the
    works they credit are never purged as old drafts."""
    return Creatorship.objects.filter(
        is_approved=True, pseud__user__preference__keep_drafts=True
    ).values("work_id")


def _own_works(user: User) -> Q:
    return Q(
        pk__in=Creatorship.objects.filter(pseud__user=user, is_approved=True).values("work_id")
    )


def _moderated_unrevealed(user: User) -> models.QuerySet[CollectionItem, Any]:
    """Works waiting to be revealed in collections ``user`` owns or moderates (a parent
    collection's moderators moderate its subcollections)."""
    moderated = CollectionParticipant.objects.filter(user=user, role__in=MODERATING_ROLES).values(
        "collection_id"
    )
    return (
        CollectionItem.objects.filter(is_unrevealed=True)
        .filter(Q(collection__in=moderated) | Q(collection__parent__in=moderated))
        .values("work_id")
    )


def _with_a_muted_creator(user: User) -> Q:
    """Works with a creator ``user`` muted, but never a work of their own."""
    muted_works = Creatorship.objects.filter(pseud__user__muted_by__muter=user).values("work_id")
    # Subqueries rather than joins keep one row per work without DISTINCT; a work of
    # one's own stays visible even when a co-creator on it is muted.
    return Q(pk__in=muted_works) & ~_own_works(user)


def _posted_chapter_count() -> Coalesce:
    posted = (
        Chapter.objects.filter(work=models.OuterRef("pk"), is_posted=True)
        .order_by()
        .values("work")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(posted, output_field=models.IntegerField()), 0)


class Work(models.Model):
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)

    language = models.ForeignKey(Language, null=True, blank=True, on_delete=models.PROTECT)
    tags = models.ManyToManyField(Tag, related_name="works", blank=True)

    expected_chapter_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty means unknown, shown as “?”."
    )
    is_complete = models.BooleanField(default=False)
    word_count = models.PositiveIntegerField(default=0)
    # Counters kept by the social actions, so listings can sort and filter by them without
    # counting rows (AO3 keeps the same in its stat counters).
    kudos_count = models.PositiveIntegerField(default=0)
    hits_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    # Top-level comments counted as ``comments_count`` counts (AO3's "comment threads").
    comment_threads_count = models.PositiveIntegerField(default=0)
    bookmarks_count = models.PositiveIntegerField(default=0)
    # Readers subscribed to the work itself (a writer's statistics show it).
    subscriptions_count = models.PositiveIntegerField(default=0)
    # The counters above, written only by ``social.counters`` (which names them so); a
    # save of a whole work loaded earlier must leave them out, or it writes back what they
    # were when it was loaded.
    STORED_COUNTS = (
        "kudos_count",
        "hits_count",
        "comments_count",
        "comment_threads_count",
        "bookmarks_count",
        "subscriptions_count",
    )

    published_on = models.DateField(null=True, blank=True)
    updated_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    is_posted = models.BooleanField(default=False)
    # A draft its creators scheduled: the worker posts it then (``works.scheduling``), and
    # until then it is a draft like any other, seen by its creators alone.
    post_at = models.DateTimeField(null=True, blank=True)
    # When the draft purge told the draft's creators it will be deleted (``works.drafts``):
    # it is deleted no sooner than ``DRAFT_PURGE_NOTICE`` after that.
    purge_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_restricted = models.BooleanField(default=False)
    is_hidden_by_admin = models.BooleanField(default=False)
    # Spam defence (core/spam.py): a work held for moderation or marked spam is seen only by
    # its creators and admins. ``reviewed_at``: when a moderator approved it.
    spam_state = models.CharField(
        max_length=10, choices=SpamState.choices, default=SpamState.CLEAR, blank=True
    )
    held_because = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Kept by ``works.collection_items`` from the work's collection items (AO3 keeps the
    # same two flags): the visibility rule and every byline read them as columns.
    in_unrevealed_collection = models.BooleanField(default=False, editable=False)
    in_anonymous_collection = models.BooleanField(default=False, editable=False)
    comment_permission = models.CharField(
        max_length=20, choices=CommentPermission.choices, default=CommentPermission.EVERYONE
    )
    # AO3's "Enable comment moderation": new comments wait for a creator's approval.
    # Named as the social app reads it.
    moderated_comments = models.BooleanField(default=False)

    # Where an imported work came from; re-importing the same source updates the work.
    source_url = models.URLField(max_length=500, blank=True)
    imported_from = models.CharField(max_length=40, blank=True)

    # What AO3 asks of podfic and art: the kinds besides text, a recording's length and
    # file format. Blurbs show them (``blurb_html``), so readers looking for audio find it.
    is_podfic = models.BooleanField(default=False)
    is_fanart = models.BooleanField(default=False)
    audio_duration = models.DurationField(null=True, blank=True)
    audio_format = models.CharField(max_length=10, blank=True, choices=AudioFormat.choices)
    # The creator's CSS for this work (``skin_models``); readers may turn it off.
    work_skin = models.ForeignKey(
        WorkSkin, null=True, blank=True, on_delete=models.SET_NULL, related_name="works"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"], condition=~Q(source_url=""), name="work_unique_source_url"
            )
        ]
        indexes = [
            models.Index(fields=["is_posted", "-updated_on"]),
            # The worker's look for what is due (``works.scheduling.post_due``).
            models.Index(fields=["post_at"], condition=Q(post_at__isnull=False), name="work_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("works:detail", args=[self.pk])

    @property
    def is_withheld(self) -> bool:
        """Hidden by an admin, or held for moderation or marked spam: only its creators
        and admins see it (``WorkQuerySet.visible_to``)."""
        return self.is_hidden_by_admin or self.spam_state != SpamState.CLEAR

    def tags_of_type(self, tag_type: str) -> list[Tag]:
        # Reads the prefetched tags when the caller prefetched them (work page, index).
        return sorted((t for t in self.tags.all() if t.type == tag_type), key=lambda t: t.name)

    @property
    def rating(self) -> Tag | None:
        ratings = self.tags_of_type(TagType.RATING)
        return ratings[0] if ratings else None

    @property
    def needs_adult_notice(self) -> bool:
        rating = self.rating
        return rating is None or rating.name in ADULT_RATINGS

    @property
    def draft_deleted_on(self) -> datetime.date | None:
        """The day an unposted draft is purged (AO3 keeps drafts for a month); None for a
        draft scheduled to post, which is kept until then, and for one a creator keeps."""
        if self.is_posted or self.created_at is None or self.post_at is not None:
            return None
        if self.is_kept_draft:
            return None
        return purge_date(self.created_at, self.purge_warned_at)

    @cached_property
    def is_kept_draft(self) -> bool:
        """A creator chose to keep their drafts (``Preference.keep_drafts``): the purge
        passes this one by. Read from ``WorkQuerySet.with_draft_kept`` when annotated."""
        annotated: bool | None = getattr(self, "draft_kept", None)
        if annotated is not None:
            return annotated
        return drafts_kept_by_their_creators().filter(work_id=self.pk).exists()

    @property
    def byline(self) -> str:
        """The credited pseuds as AO3 writes them ("wren, ada (adaline)"), or "Anonymous"
        (an orphaned work, or one in an anonymous collection). Reads prefetched
        creatorships when present."""
        if self.in_anonymous_collection:
            return "Anonymous"
        names = [c.pseud.byline for c in self.creatorships.all() if c.is_approved]
        return ", ".join(names) or "Anonymous"

    @property
    def shown_collections(self) -> list[Collection]:
        """The collections the work page and downloads name: approved by both sides.
        Reads what ``with_everything_shown`` prefetched when it did."""
        items = getattr(self, "shown_collection_items", None)
        if items is None:
            items = CollectionItem.objects.approved().filter(work=self).select_related("collection")
        return [item.collection for item in items]

    @property
    def chapter_count_display(self) -> str:
        """AO3's "posted/expected" form: "3/3", "2/?"."""
        posted = getattr(self, "posted_chapter_count", None)  # ``for_blurbs`` counts them
        if posted is None:
            posted = sum(1 for c in self.chapters.all() if c.is_posted)
        expected = "?" if self.expected_chapter_count is None else self.expected_chapter_count
        return f"{posted}/{expected}"


class Chapter(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    text = models.TextField()
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    is_posted = models.BooleanField(default=True)
    # A draft chapter its creators scheduled (``works.scheduling``).
    post_at = models.DateTimeField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["work", "position"], name="chapter_unique_position")
        ]
        indexes = [
            models.Index(fields=["post_at"], condition=Q(post_at__isnull=False), name="chapter_due")
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return reverse("works:chapter", args=[self.work_id, self.pk])

    @property
    def heading(self) -> str:
        """AO3's chapter heading: "Chapter 2: Title", or "Chapter 2" when untitled."""
        if self.title:
            return f"Chapter {self.position}: {self.title}"
        return f"Chapter {self.position}"


class Creatorship(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="creatorships")
    position = models.PositiveSmallIntegerField(default=0)
    # A co-creator invited by another creator is credited only after accepting.
    is_approved = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["work", "pseud"], name="creatorship_unique")]

    def __str__(self) -> str:
        return f"{self.pseud} on {self.work_id}"


class ChapterCreatorship(models.Model):
    """A pseud credited on one chapter (AO3's chapter co-creators). A chapter with none is
    credited to its work's creators; one with some names these, a subset of the work's
    creators or others besides (invited: credited once they accept). The work's credits and
    who may edit it are the work's creatorships alone."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="credits")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="chapter_credits")
    position = models.PositiveSmallIntegerField(default=0)
    is_approved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "pseud"], name="chapter_creatorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pseud} on chapter {self.chapter_id}"


class Series(models.Model):
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    is_complete = models.BooleanField(default=False)
    source_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title


class SeriesWork(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="series_works")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="series_works")
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["series", "work"], name="series_work_unique")
        ]

    def __str__(self) -> str:
        return f"Part {self.position} of {self.series}"


class SeriesCreatorship(models.Model):
    """A series co-creator (AO3's series creators): once accepted, they edit the series and
    add their works to it. The creators of the series' works manage it too, so a series
    made from the posting form needs no row here."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="creatorships")
    pseud = models.ForeignKey(Pseud, on_delete=models.CASCADE, related_name="series_creatorships")
    # Invited by a series creator; credited and allowed in only after accepting.
    is_approved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "pseud"], name="series_creatorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pseud} on series {self.series_id}"


class Gift(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="gifts")
    recipient_name = models.CharField(max_length=255)
    recipient = models.ForeignKey(Pseud, null=True, blank=True, on_delete=models.SET_NULL)
    # The recipient refused it: the work stays, the gift credit goes (and is not given
    # again on the next edit).
    refused_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.recipient_name


class SourceApproval(models.TextChoices):
    """What a source's creators said of a work naming it (AO3's approved related works):
    the source's page lists it only once approved."""

    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REMOVED = "removed", "Removed by the source's creator"


class Inspiration(models.Model):
    """``work`` was inspired by another work, or translates it (AO3's related works): one
    on this archive (``source``) or elsewhere (``url``); a work may name several. The
    source's title and creator are kept as they were, so the line still reads right if the
    source is deleted. The source's page lists the work once its creators approve
    (``approval``; a source elsewhere has nobody here to ask, and a creator naming their
    own work approves it by naming it)."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="inspirations")
    source = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspired"
    )
    url = models.URLField(max_length=500, blank=True)  # a source elsewhere
    title = models.CharField(max_length=255)
    creator = models.CharField(max_length=255, blank=True)
    is_translation = models.BooleanField(default=False)
    approval = models.CharField(
        max_length=10, choices=SourceApproval.choices, default=SourceApproval.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "source"],
                condition=Q(source__isnull=False),
                name="inspiration_unique_source",
            ),
            models.UniqueConstraint(
                fields=["work", "url"], condition=~Q(url=""), name="inspiration_unique_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} inspired by {self.source_id or self.url}"


# The relations every work page and blurb shows, each loaded for many works in one query
# compiled once per connection (``core.prepared_queries``): Django's prefetch built a
# filter per work and relation, and its queries, on every request, which cost a work page
# more than a quarter of its time (bench/RESULTS.md, issue 12). The rows and their order
# are those of ``_always_shown`` and ``blurb_prefetches``.
_TAGS = PreparedPrefetch(
    "tags",
    Tag.objects.all,
    lambda ids: Tag.objects.filter(works__in=ids).annotate(loaded_for_work=F("works")),
    owner="loaded_for_work",
)


def _approved_credit_rows() -> models.QuerySet[Creatorship]:
    return Creatorship.objects.filter(is_approved=True).select_related("pseud__user")


_CREDITS = PreparedPrefetch(
    "creatorships",
    _approved_credit_rows,
    lambda ids: _approved_credit_rows().filter(work_id__in=ids),
    owner="work_id",
    back="work",
)
_CHAPTERS = PreparedPrefetch(
    "chapters",
    Chapter.objects.all,
    lambda ids: Chapter.objects.filter(work_id__in=ids),
    owner="work_id",
    back="work",
)
_SERIES_PARTS = PreparedPrefetch(
    "series_works",
    SeriesWork.objects.all,
    lambda ids: SeriesWork.objects.filter(work_id__in=ids).select_related("series"),
    owner="work_id",
    back="work",
)
