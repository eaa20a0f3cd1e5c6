"""What readers leave on works: kudos, hits, comments, bookmarks, subscriptions, history,
reading lists, and the inbox that tells people about them.

Nothing here decides who may see a work: every query that shows or acts on a work starts
from ``Work.objects.visible_to`` (docs/design.md, "Who sees what: one rule").
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.tags.models import Tag
from ficshelf.works.models import (
    Chapter,
    ChapterCreatorship,
    Creatorship,
    Series,
    SeriesCreatorship,
    Work,
    work_visible_to,
)

# How a creator's own comments on a work in an anonymous collection are signed.
ANONYMOUS_CREATOR = "Anonymous Creator"

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Kudos(models.Model):
    """One per signed-in user or one per guest address (stored as a keyed hash) per work."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="kudos")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="kudos_left"
    )
    guest_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "user"], condition=Q(user__isnull=False), name="kudos_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["work", "guest_key"],
                condition=Q(user__isnull=True),
                name="kudos_one_per_guest",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_key=""), name="kudos_has_giver"
            ),
        ]

    def __str__(self) -> str:
        return f"kudos on {self.work_id}"


class HitFlushMark(models.Model):
    """How far ``social.hits`` has moved buffered hits into the works' counts: the last
    time bucket flushed. One row; two workers flushing at once take turns on it."""

    flushed_through_bucket = models.BigIntegerField()
    flushed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"hits flushed through bucket {self.flushed_through_bucket}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def on_works_visible_to(self, user: User | AnonymousUser | None) -> CommentQuerySet:
        return self.filter(work_visible_to(user))

    def public(self) -> CommentQuerySet:
        """What everyone sees and what the work's count counts: approved by the creator (if
        the work moderates comments), not deleted, hidden, held nor marked spam."""
        return self.filter(
            is_approved=True, is_deleted=False, is_hidden=False, spam_state=SpamState.CLEAR
        )

    def shown_to(
        self, user: User | AnonymousUser | None, moderator_ids: Collection[int]
    ) -> CommentQuerySet:
        """Comments a viewer of a visible work sees; never those by users they muted.

        Everyone: approved comments neither hidden nor held or marked spam (deleted ones
        with replies show as placeholders). Their author: their own, whatever their state.
        The work's creators and its collections' moderators (``moderator_ids``): also the
        unreviewed and the hidden ones. Admins: every comment, held and spam included."""
        clear = Q(spam_state=SpamState.CLEAR)
        if user is None or not user.is_authenticated:
            return self.filter(clear, is_approved=True, is_hidden=False)
        if user.is_staff:
            return self.exclude(user__muted_by__muter=user)
        if user.pk in moderator_ids:
            shown = self.filter(clear | Q(user=user))
        else:
            shown = self.filter((clear & Q(is_approved=True, is_hidden=False)) | Q(user=user))
        return shown.exclude(user__muted_by__muter=user)


class Comment(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="comments")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    guest_name = models.CharField(max_length=100, blank=True)
    guest_email = models.EmailField(blank=True)
    text = models.TextField()
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    # False while a work with moderated comments waits for a creator to approve it.
    is_approved = models.BooleanField(default=True)
    # A deleted comment that has replies stays as "(Previous comment deleted.)".
    is_deleted = models.BooleanField(default=False)
    # Spam defence (core/spam.py): held for moderation or marked spam, seen only by its
    # author and admins; never counted nor announced. (Apart from ``is_approved``, which is
    # the creator's own moderation of a work's comments.) ``reviewed_at``: when a moderator
    # approved it from the spam queue.
    spam_state = models.CharField(
        max_length=10, choices=SpamState.choices, default=SpamState.CLEAR, blank=True
    )
    held_because = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The text with its links, numbers and markup taken out, hashed: the same pitch sent
    # again with another address in it is found (``social.spam_checks``). Empty when the
    # text is too short to tell ("Loved it!" is written alike by many readers).
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # Hidden by the work's creator or a moderator of its collection: seen by its author,
    # the work's creators, those moderators and admins, marked hidden; not counted.
    is_hidden = models.BooleanField(default=False)
    # No more replies to it (its thread frozen by the same people).
    is_frozen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["chapter", "created_at"]),
            # A work's comment threads are counted on every comment posted: with the work
            # alone, SQLite's planner would take the parent index for "parent IS NULL" and
            # read every top-level comment in the archive.
            models.Index(fields=["work", "parent"], name="comment_threads_of_work"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.work_id}"

    @property
    def author_name(self) -> str:
        if self.user is not None:
            return self.user.username
        return self.guest_name or "Anonymous"

    @property
    def public_author_name(self) -> str:
        """The name others are shown, in notices and on reply pages: a creator commenting
        on their own work in an anonymous collection is "Anonymous Creator" (AO3), so a
        reply does not name them. (The work page's threads ask the same of
        ``comment_html.ThreadOptions.anonymous_creators``, without a query per comment.)"""
        if self.user_id is not None:
            # Read from the database: the work this comment holds may predate its joining
            # an anonymous collection.
            credits = Creatorship.objects.filter(
                work_id=self.work_id,
                work__in_anonymous_collection=True,
                pseud__user_id=self.user_id,
                is_approved=True,
            )
            if credits.exists():
                return ANONYMOUS_CREATOR
        return self.author_name

    @property
    def is_by_guest(self) -> bool:
        return self.user_id is None

    @property
    def is_held(self) -> bool:
        return self.spam_state == SpamState.HELD

    @property
    def is_spam(self) -> bool:
        return self.spam_state in (SpamState.SPAM, SpamState.SPAMMER)


class BookmarkQuerySet(models.QuerySet["Bookmark"]):
    def public(self) -> BookmarkQuerySet:
        """What others may see and the work's count counts: not private, not hidden with
        a spammer's account."""
        return self.filter(is_private=False, spam_state=SpamState.CLEAR)


class ExternalWorkQuerySet(models.QuerySet["ExternalWork"]):
    def shown(self) -> ExternalWorkQuerySet:
        """What bookmark listings show: not hidden by an admin."""
        return self.filter(is_hidden_by_admin=False)


class ExternalWork(models.Model):
    """A work hosted elsewhere that members bookmark, as AO3's external works: one row per
    address (``url_key``, see ``social.external_works``), shared by every bookmarker.

    It is never a work here: no listing, index, feed or download reads this table; only
    bookmark pages and bookmark search show it.
    """

    url = models.URLField(max_length=2000)
    # The address normalised (scheme, "www.", case of the host, default port, fragment and
    # trailing slash aside): two bookmarkers of one work elsewhere share its row.
    url_key = models.CharField(max_length=2000, unique=True)
    title = models.CharField(max_length=255)
    creator = models.CharField(max_length=255, help_text="As the other site names them.")
    summary = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    # Rating, warnings, fandoms, relationships, characters and additional tags, the
    # archive's own tags (so bookmark filters find external works beside works here).
    tags = models.ManyToManyField(Tag, blank=True, related_name="external_works")
    is_hidden_by_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExternalWorkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return f"{self.title} by {self.creator} (external)"


# Newest first, then the columns the visibility rule reads from each bookmark.
NEWEST_WITH_CHECKED_COLUMNS = (
    "-created_at",
    "-id",
    "is_private",
    "spam_state",
    "user",
    "work",
    "series",
    "external_work",
)


class Bookmark(models.Model):
    """A bookmark of a work, a series or an external work (exactly one), with the
    bookmarker's notes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookmarks")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    external_work = models.ForeignKey(
        ExternalWork, null=True, blank=True, on_delete=models.CASCADE, related_name="bookmarks"
    )
    notes = models.TextField(blank=True)
    sanitizer_version = models.PositiveSmallIntegerField(default=0)
    tags = models.CharField(max_length=1000, blank=True, help_text="Comma-separated.")
    is_private = models.BooleanField(default=False)
    is_rec = models.BooleanField(default=False)
    # SPAMMER while its member's account is marked spam (core/spam.py): not shown to others.
    spam_state = models.CharField(
        max_length=10, choices=SpamState.choices, default=SpamState.CLEAR, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookmarkQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, external_work__isnull=True)
                | Q(work__isnull=True, series__isnull=False, external_work__isnull=True)
                | Q(work__isnull=True, series__isnull=True, external_work__isnull=False),
                name="bookmark_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "work"], condition=Q(work__isnull=False), name="bookmark_work_once"
            ),
            models.UniqueConstraint(
                fields=["user", "series"],
                condition=Q(series__isnull=False),
                name="bookmark_series_once",
            ),
            models.UniqueConstraint(
                fields=["user", "external_work"],
                condition=Q(external_work__isnull=False),
                name="bookmark_external_work_once",
            ),
        ]
        indexes = [
            # Public bookmark listings and search, newest first (``social.bookmark_listing``,
            # ``bookmark_counting``). The columns after the order are those every row is
            # checked by (who may see it, its target): the walk then reads the index alone,
            # not each bookmark's row (a fandom's bookmarks at 2,000 works: 138 ms -> 40 ms).
            models.Index(fields=[*NEWEST_WITH_CHECKED_COLUMNS], name="bookmark_newest"),
            models.Index(fields=["user", "-created_at"], name="bookmark_user_newest"),
            # Recs and bookmarks with notes, newest first: bookmark search walks only those
            # when it asks for them, not every bookmark.
            models.Index(
                fields=[*NEWEST_WITH_CHECKED_COLUMNS],
                condition=Q(is_rec=True),
                name="bookmark_recs_newest",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=~Q(notes=""),
                name="bookmark_notes_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"bookmark {self.pk} by {self.user_id}"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class BookmarkTag(models.Model):
    """One of a bookmark's own tags (``Bookmark.tags``) as a row, so bookmark pages filter
    and count by them in SQL. Written only with the bookmark (``actions.save_bookmark``)."""

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="tag_rows")
    name = models.CharField(max_length=1000)
    # The name lowercased: filters match "Fluff" and "fluff" alike, as AO3's tags do.
    key = models.CharField(max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bookmark", "key"], name="bookmark_tag_once")
        ]
        # With the bookmark, so a tag's bookmarks are listed from the index alone.
        indexes = [models.Index(fields=["key", "bookmark"], name="bookmark_tag_key")]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A user follows a work, a series or a creator (exactly one)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subscriptions")
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    creator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="subscribers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(work__isnull=False, series__isnull=True, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=False, creator__isnull=True)
                | Q(work__isnull=True, series__isnull=True, creator__isnull=False),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "work"], condition=Q(work__isnull=False), name="subscribe_work_once"
            ),
            models.UniqueConstraint(
                fields=["user", "series"],
                condition=Q(series__isnull=False),
                name="subscribe_series_once",
            ),
            models.UniqueConstraint(
                fields=["user", "creator"],
                condition=Q(creator__isnull=False),
                name="subscribe_creator_once",
            ),
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} by {self.user_id}"


class InboxKind(models.TextChoices):
    COMMENT = "comment", "Comment"
    REPLY = "reply", "Reply"
    KUDOS = "kudos", "Kudos"
    SUBSCRIPTION = "subscription", "Subscription"
    INSPIRED = "inspired", "Inspired work"
    COLLECTION = "collection", "Collection"
    GIFT = "gift", "Gift"
    ACCOUNT = "account", "Your account"  # e.g. a data export is ready
    DRAFT = "draft", "Your draft"  # the purge will delete it (``social.creator_notices``)
    INVITATION = "invitation", "Co-creator invitation"


class InboxItemQuerySet(models.QuerySet["InboxItem"]):
    def about_works_visible_to(self, user: User) -> InboxItemQuerySet:
        """Items whose work the recipient may still see (a work can be hidden, restricted
        or muted after the item was made); items about no work are kept. A notice of an
        invitation still to answer shows whatever the work's state, as the dashboard shows
        the invitation itself (the invitee is no creator yet and may not see a draft);
        once accepted, the work decides, as for any other notice."""
        return self.filter(
            Q(work__isnull=True)
            | Q(work_visible_to(user))
            | Q(creatorship__is_approved=False)
            | Q(chapter_credit__is_approved=False)
        )


class InboxItem(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_items")
    # The work the item is about, so that visibility is checked again when it is shown or
    # mailed, not only when it was made.
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="inbox_items"
    )
    # The invitation an INVITATION notice tells of (one of the three): the notice goes with
    # it, whatever ends it (withdrawn, declined, the work, chapter or series deleted, an
    # account closed), in the same transaction (``social.creator_notices``).
    creatorship = models.ForeignKey(
        Creatorship, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    chapter_credit = models.ForeignKey(
        ChapterCreatorship, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    series_credit = models.ForeignKey(
        SeriesCreatorship, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=InboxKind.choices)
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=500, blank=True)
    is_read = models.BooleanField(default=False)
    # Kudos and subscription notices are mailed in one digest per recipient, not one by one.
    awaits_digest = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "is_read"]),
            models.Index(fields=["awaits_digest", "recipient"]),
        ]
        constraints = [
            # A notice tells of one invitation at most.
            models.CheckConstraint(
                condition=Q(creatorship__isnull=True, chapter_credit__isnull=True)
                | Q(creatorship__isnull=True, series_credit__isnull=True)
                | Q(chapter_credit__isnull=True, series_credit__isnull=True),
                name="inbox_item_one_invitation",
            )
        ]

    def __str__(self) -> str:
        return self.text


class Reading(models.Model):
    """AO3's reading history row: the last chapter a user opened, when, how often; and
    "Marked for Later". ``scroll_fraction``: how far down that chapter's text they were
    (0 to 1), sent by the reading page's script, for "Continue reading"."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="readings")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="readings")
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL)
    scroll_fraction = models.FloatField(default=0.0)
    last_viewed_at = models.DateTimeField()
    view_count = models.PositiveIntegerField(default=0)
    is_marked_for_later = models.BooleanField(default=False)

    class Meta:
        ordering = ["-last_viewed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="reading_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.work_id}"


class ReadingList(models.Model):
    """A named list beside "Marked for Later" (beyond AO3), public or private."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reading_lists")
    name = models.CharField(max_length=100)
    is_public = models.BooleanField(default=False)
    works: models.ManyToManyField[Work, ReadingListItem] = models.ManyToManyField(
        Work, through="ReadingListItem", related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="reading_list_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ReadingListItem(models.Model):
    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reading_list", "work"], name="reading_list_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.work_id} in {self.reading_list_id}"
