"""What readers do to works, and the notices that follow.

Each action checks the visibility rule and the blocks itself, so a view can never forget
them; mail leaves only after the transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ficshelf.accounts.access import keeps_history
from ficshelf.accounts.models import User
from ficshelf.core.audit import record
from ficshelf.core.ratelimit import client_address
from ficshelf.core.sanitizer import SANITIZER_VERSION, Profile, sanitize_html
from ficshelf.core.single_line import control_characters, fold_lines
from ficshelf.core.spam import SpamState, count_links, too_many_links
from ficshelf.social.access import (
    comment_moderator_ids,
    comment_refusal,
    creator_user_ids,
    has_blocked,
    is_blocked_by_a_creator,
    is_visible_to,
    is_work_creator,
)
from ficshelf.social.bookmark_tags import bookmark_tag_names, write_tag_rows
from ficshelf.social.comment_pages import comment_url
from ficshelf.social.models import (
    Bookmark,
    Comment,
    ExternalWork,
    InboxItem,
    InboxKind,
    Kudos,
    Reading,
    ReadingList,
    ReadingListItem,
    Subscription,
)
from ficshelf.social.reading_place import ReadingEvent, upsert_reading
from ficshelf.social.spam_checks import Sender, fingerprint, hold_reason
from ficshelf.social.trust import is_trusted
from ficshelf.works.models import Chapter, Series, Work

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None


class ActionRefused(Exception):
    """The reader may not do this; ``str(error)`` is a message to show them."""


def guest_key(request: HttpRequest) -> str:
    # A keyed hash: the database never holds a reader's address.
    return salted_hmac("ficshelf.social.guest", client_address(request)).hexdigest()


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _require_visible(work: Work, actor: Actor) -> None:
    if not is_visible_to(work.pk, actor):
        raise ActionRefused("Sorry, we couldn't find that work.")


# ---- Kudos ----


@transaction.atomic
def leave_kudos(work: Work, *, actor: Actor, guest: str = "") -> Kudos:
    """Kudos from a signed-in ``actor``, or from a guest identified by ``guest`` (guest_key)."""
    _require_visible(work, actor)
    if is_work_creator(actor, work):
        raise ActionRefused("You can't leave kudos on your own work.")
    if is_blocked_by_a_creator(work, actor):
        raise ActionRefused("Sorry, you have been blocked by one or more of this work's creators.")
    user = _user(actor)
    if user is None and not guest:
        raise ActionRefused("Sorry, we couldn't tell who you are.")
    already = (
        Kudos.objects.filter(work=work, user=user)
        if user is not None
        else Kudos.objects.filter(work=work, user__isnull=True, guest_key=guest)
    )
    if already.exists():
        raise ActionRefused("You have already left kudos here. :)")
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(
                work=work, user=user, guest_key="" if user is not None else guest
            )
    except IntegrityError:  # a double click racing itself
        raise ActionRefused("You have already left kudos here. :)") from None
    giver = user.get_username() if user is not None else "A guest"
    recipients = creator_user_ids(work)
    if user is not None:
        # A creator who muted the giver does not hear from them, as with comments.
        recipients -= set(User.objects.filter(mutes_made__muted=user).values_list("pk", flat=True))
    for creator_id in recipients:
        InboxItem.objects.create(
            recipient_id=creator_id,
            work=work,
            kind=InboxKind.KUDOS,
            text=f"{giver} left kudos on {work.title}",
            link=work.get_absolute_url(),
            awaits_digest=True,
        )
    return kudos


# ---- Comments ----


@transaction.atomic
def post_comment(
    chapter: Chapter,
    *,
    actor: Actor,
    text: str,
    parent: Comment | None = None,
    guest_name: str = "",
    guest_email: str = "",
    sender: Sender | None = None,
) -> Comment:
    """Post a comment; a guest's or new member's comment that looks like spam is held for
    moderation (``social.spam_checks``): saved, seen by its author and moderators only,
    announced to nobody until a moderator approves it."""
    work = chapter.work
    _require_visible(work, actor)
    refusal = comment_refusal(work, actor, parent)
    if refusal:
        raise ActionRefused(refusal)
    if parent is not None and parent.is_frozen:
        raise ActionRefused("Sorry, this thread is frozen: it takes no more replies.")
    if parent is not None and (
        parent.work_id != work.pk
        or parent.is_deleted
        or parent.is_hidden
        or parent.spam_state != SpamState.CLEAR
    ):
        raise ActionRefused("Sorry, you can't reply to that comment.")
    user = _user(actor)
    if user is None and not (guest_name.strip() and guest_email.strip()):
        raise ActionRefused("Please enter your name and email address.")
    clean = sanitize_html(text, Profile.COMMENT)
    if not clean:
        raise ActionRefused("Brevity is the soul of wit, but we need your comment to have text.")
    creators = creator_user_ids(work)
    by_creator = user is not None and user.pk in creators
    held_because = hold_reason(
        user=user,
        text=clean,
        sender=sender or Sender(),
        guest_name=guest_name.strip(),
        guest_email=guest_email.strip(),
    )
    comment = Comment.objects.create(
        work=work,
        chapter=chapter,
        parent=parent,
        user=user,
        guest_name="" if user is not None else guest_name.strip(),
        guest_email="" if user is not None else guest_email.strip(),
        text=clean,
        sanitizer_version=SANITIZER_VERSION,
        is_approved=by_creator or not work.moderated_comments,
        spam_state=SpamState.HELD if held_because else SpamState.CLEAR,
        held_because=held_because[:200],
        fingerprint=fingerprint(clean),
    )
    if not held_because:
        notify_of_comment(comment, creators)
    return comment


def notify_of_comment(comment: Comment, creators: set[int]) -> None:
    """Tell the work's creators and the replied-to of a comment now shown (posted, or
    approved from the spam queue)."""
    work = comment.work
    author = comment.public_author_name
    awaiting = "" if comment.is_approved else " (awaiting your approval)"
    notices: dict[int, tuple[str, str]] = {}
    for creator_id in creators:
        notices[creator_id] = (
            InboxKind.COMMENT,
            f"{author} left a comment on {work.title}{awaiting}",
        )
    parent = comment.parent
    if parent is not None and parent.user_id is not None and comment.is_approved:
        notices[parent.user_id] = (
            InboxKind.REPLY,
            f"{author} replied to your comment on {work.title}",
        )
    notices.pop(comment.user_id or 0, None)
    # People who muted the commenter do not hear from them; nobody hears of a work they
    # can no longer see.
    if comment.user_id is not None:
        muters = set(
            User.objects.filter(mutes_made__muted_id=comment.user_id).values_list("pk", flat=True)
        )
        notices = {r: n for r, n in notices.items() if r not in muters}
    link = comment_url(comment)
    items = []
    for recipient in User.objects.filter(pk__in=notices):
        if not is_visible_to(work.pk, recipient):
            continue
        kind, text = notices[recipient.pk]
        items.append(
            InboxItem.objects.create(
                recipient=recipient, work=work, kind=kind, text=text[:500], link=link
            )
        )
    ids = [i.pk for i in items]
    # A guest who left an email address hears of replies by mail (AO3 does the same).
    mail_guest = (
        parent is not None
        and parent.user_id is None
        and bool(parent.guest_email)
        and comment.is_approved
        and is_visible_to(work.pk, None)  # a guest may only hear of what guests can see
    )

    def enqueue() -> None:
        from ficshelf.social.tasks import email_guest_of_reply, email_inbox_item

        for item_id in ids:
            email_inbox_item.enqueue(item_id)
        if mail_guest:
            email_guest_of_reply.enqueue(comment.pk)

    transaction.on_commit(enqueue)


@transaction.atomic
def edit_comment(comment: Comment, *, actor: Actor, text: str) -> Comment:
    user = _user(actor)
    if user is None or comment.user_id != user.pk or comment.is_deleted:
        raise ActionRefused("Sorry, you can't edit that comment.")
    clean = sanitize_html(text, Profile.COMMENT)
    if not clean:
        raise ActionRefused("Brevity is the soul of wit, but we need your comment to have text.")
    comment.text = clean
    comment.sanitizer_version = SANITIZER_VERSION
    comment.edited_at = timezone.now()
    comment.fingerprint = fingerprint(clean)
    fields = ["text", "sanitizer_version", "edited_at", "fingerprint"]
    if comment.spam_state == SpamState.CLEAR and not is_trusted(user) and too_many_links(clean):
        # Links added by an edit count as when the comment was posted.
        comment.spam_state = SpamState.HELD
        comment.held_because = f"{count_links(clean)} links, added by an edit"
        fields += ["spam_state", "held_because"]
    comment.save(update_fields=fields)
    return comment


@transaction.atomic
def delete_comment(comment: Comment, *, actor: Actor, audited: bool = True) -> None:
    """Its author, the work's creators or an admin delete it; with replies it stays as a
    placeholder."""
    user = _user(actor)
    if user is None or comment.is_deleted:
        raise ActionRefused("Sorry, you can't delete that comment.")
    is_moderator = user.is_staff or user.pk in comment_moderator_ids(comment.work, user)
    if comment.user_id != user.pk and not is_moderator:
        raise ActionRefused("Sorry, you can't delete that comment.")
    if comment.user_id != user.pk and audited:
        # Someone else's comment: the log keeps who took it away. (``audited=False``: the
        # caller recorded it with the moderator's reason.)
        record(actor=user, action="delete comment", target=comment)
    if comment.replies.exists():
        comment.is_deleted = True
        comment.text = ""
        comment.guest_email = ""
        comment.save(update_fields=["is_deleted", "text", "guest_email"])
        return
    parent = comment.parent
    comment.delete()
    # A "(Previous comment deleted.)" placeholder whose last reply went goes too.
    while parent is not None and parent.is_deleted and not parent.replies.exists():
        grandparent = parent.parent
        parent.delete()
        parent = grandparent


@transaction.atomic
def approve_comment(comment: Comment, *, actor: Actor) -> Comment:
    if not is_work_creator(actor, comment.work):
        raise ActionRefused("Sorry, only the work's creators can approve comments.")
    comment.is_approved = True
    comment.save(update_fields=["is_approved"])
    return comment


# ---- Bookmarks ----


@transaction.atomic
def save_bookmark(
    *,
    actor: User,
    work: Work | None = None,
    series: Series | None = None,
    external_work: ExternalWork | None = None,
    notes: str = "",
    tags: str = "",
    is_private: bool = False,
    is_rec: bool = False,
) -> Bookmark:
    """Create or update the actor's bookmark of a work, a series or an external work the
    caller fetched for them."""
    if sum(target is not None for target in (work, series, external_work)) != 1:
        raise ValueError("bookmark exactly one of a work, a series or an external work")
    if work is not None:
        _require_visible(work, actor)
    if external_work is not None and external_work.is_hidden_by_admin:
        raise ActionRefused("Sorry, that external work has been hidden by an admin.")
    names = bookmark_tag_names(tags)
    bookmark, _ = Bookmark.objects.update_or_create(
        user=actor,
        work=work,
        series=series,
        external_work=external_work,
        defaults={
            "notes": sanitize_html(notes, Profile.COMMENT),
            "sanitizer_version": SANITIZER_VERSION,
            "tags": ", ".join(names),
            "is_private": is_private,
            "is_rec": is_rec and not is_private,
        },
    )
    write_tag_rows(bookmark, names)
    return bookmark


@transaction.atomic
def delete_bookmark(bookmark: Bookmark, *, actor: User) -> None:
    if bookmark.user_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your bookmark.")
    bookmark.delete()


# ---- Subscriptions and the inbox ----


@transaction.atomic
def subscribe(
    *,
    actor: User,
    work: Work | None = None,
    series: Series | None = None,
    creator: User | None = None,
) -> Subscription:
    if sum(x is not None for x in (work, series, creator)) != 1:
        raise ValueError("subscribe to exactly one of a work, a series or a creator")
    if work is not None:
        _require_visible(work, actor)
    if creator is not None and creator.pk == actor.pk:
        raise ActionRefused("You can't subscribe to yourself.")
    if creator is not None and has_blocked(creator, actor):
        raise ActionRefused("Sorry, you have been blocked by that user.")
    subscription, _ = Subscription.objects.get_or_create(
        user=actor, work=work, series=series, creator=creator
    )
    return subscription


@transaction.atomic
def unsubscribe(subscription: Subscription, *, actor: User) -> None:
    if subscription.user_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your subscription.")
    subscription.delete()


def _subscribers_of(work: Work) -> set[int]:
    series_ids = work.series_works.values_list("series_id", flat=True)
    creators = creator_user_ids(work)
    # A work in an anonymous collection must not tell its creators' subscribers: that
    # would name its creators. They hear of it when the creators are revealed.
    followed = set() if work.in_anonymous_collection else creators
    ids = set(
        Subscription.objects.filter(
            Q(work=work) | Q(series_id__in=series_ids) | Q(creator_id__in=followed)
        ).values_list("user_id", flat=True)
    )
    return ids - creators


def _notify_subscribers(work: Work, text: str, link: str) -> int:
    count = 0
    for subscriber in User.objects.filter(pk__in=_subscribers_of(work), is_active=True):
        # The visibility rule per subscriber: restricted, hidden, draft and muted works stay
        # unknown to those who may not see them.
        if not is_visible_to(work.pk, subscriber):
            continue
        InboxItem.objects.create(
            recipient=subscriber,
            work=work,
            kind=InboxKind.SUBSCRIPTION,
            text=text[:500],
            link=link,
            awaits_digest=True,
        )
        count += 1
    return count


@transaction.atomic
def notify_subscribers_of_new_chapter(chapter: Chapter) -> int:
    """Tell subscribers of the work, its series and its creators about a newly posted chapter.

    Inbox items now (only for subscribers who may see the work), mail in the next digest.
    Returns how many subscribers were told.
    """
    work = Work.objects.get(pk=chapter.work_id)
    if not chapter.is_posted or not work.is_posted:
        return 0
    text = f"{work.title} has a new chapter: {chapter.heading}"
    return _notify_subscribers(work, text, chapter.get_absolute_url())


@transaction.atomic
def notify_subscribers_of_new_work(work: Work) -> int:
    """Tell subscribers of the work's creators and series about a newly posted work."""
    if not work.is_posted:
        return 0
    return _notify_subscribers(work, f"New work: {work.title}", work.get_absolute_url())


@transaction.atomic
def mark_inbox_items_read(*, actor: User, item_ids: list[int] | None = None) -> int:
    """Mark the given items (all when None) of the actor's inbox as read."""
    items = InboxItem.objects.filter(recipient=actor, is_read=False)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    return items.update(is_read=True)


# ---- History, Marked for Later, reading lists ----


def record_reading(
    request: HttpRequest, work: Work, chapter: Chapter | None, *, is_chapter_address: bool
) -> None:
    """Remember that a signed-in reader opened ``work`` (at ``chapter``, None = whole work):
    one statement (``reading_place``). ``is_chapter_address``: the reader opened that
    chapter's own address, which makes it their place in the work; the work's own address
    leaves a place they had where it was."""
    if not _keeps_history(request, work):
        return
    assert request.user.pk is not None  # a member: guests keep no history
    event = ReadingEvent.CHAPTER_OPENED if is_chapter_address else ReadingEvent.WORK_OPENED
    upsert_reading(
        user_id=request.user.pk,
        work_id=work.pk,
        chapter_id=chapter.pk if chapter is not None else None,
        event=event,
    )


def record_reading_place(
    request: HttpRequest, work: Work, chapter: Chapter, fraction: float
) -> None:
    """The reading page's script says how far down ``chapter`` the reader is (0 to 1)."""
    if not _keeps_history(request, work):
        return
    assert request.user.pk is not None  # a member: guests keep no history
    upsert_reading(
        user_id=request.user.pk,
        work_id=work.pk,
        chapter_id=chapter.pk,
        event=ReadingEvent.PLACE_SENT,
        fraction=min(max(fraction, 0.0), 1.0),
    )


def _keeps_history(request: HttpRequest, work: Work) -> bool:
    # A creator reading their own work is not a reader of it; history off keeps nothing.
    return keeps_history(request) and not is_work_creator(request.user, work)


@transaction.atomic
def set_marked_for_later(work: Work, *, actor: User, is_marked: bool) -> Reading:
    _require_visible(work, actor)
    reading, created = Reading.objects.get_or_create(
        user=actor,
        work=work,
        defaults={"last_viewed_at": timezone.now(), "is_marked_for_later": is_marked},
    )
    if not created and reading.is_marked_for_later != is_marked:
        reading.is_marked_for_later = is_marked
        reading.save(update_fields=["is_marked_for_later"])
    return reading


@transaction.atomic
def delete_reading(reading: Reading, *, actor: User) -> None:
    if reading.user_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your history.")
    reading.delete()


@transaction.atomic
def clear_history(*, actor: User) -> int:
    """Forget every work the member read; works they marked for later stay marked (a list
    they made on purpose), with the reading itself forgotten. Returns how many were cleared."""
    readings = Reading.objects.filter(user=actor)
    cleared, _ = readings.filter(is_marked_for_later=False).delete()
    marked = list(readings.filter(is_marked_for_later=True))
    for reading in marked:
        reading.chapter = None
        reading.view_count = 0
        reading.save(update_fields=["chapter", "view_count"])
    return cleared + len(marked)


@transaction.atomic
def create_reading_list(*, actor: User, name: str, is_public: bool = False) -> ReadingList:
    # The work page's "new list" box posts here without a form: the name gets the same
    # rules as every single-line field (folded, no control characters, a named limit).
    name = fold_lines(name).strip()
    limit = ReadingList._meta.get_field("name").max_length or 100
    if not name:
        raise ActionRefused("Please give the list a name.")
    if len(name) > limit:
        raise ActionRefused(f"A list's name can be at most {limit} characters long.")
    if control_characters(name):
        raise ActionRefused("A list's name can't contain control characters.")
    if ReadingList.objects.filter(owner=actor, name=name).exists():
        raise ActionRefused(f"You already have a list called “{name}”.")
    return ReadingList.objects.create(owner=actor, name=name, is_public=is_public)


@transaction.atomic
def add_to_reading_list(reading_list: ReadingList, work: Work, *, actor: User) -> None:
    if reading_list.owner_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your list.")
    _require_visible(work, actor)
    ReadingListItem.objects.get_or_create(reading_list=reading_list, work=work)


@transaction.atomic
def remove_from_reading_list(reading_list: ReadingList, work_id: int, *, actor: User) -> None:
    if reading_list.owner_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your list.")
    ReadingListItem.objects.filter(reading_list=reading_list, work_id=work_id).delete()


@transaction.atomic
def delete_reading_list(reading_list: ReadingList, *, actor: User) -> None:
    if reading_list.owner_id != actor.pk:
        raise ActionRefused("Sorry, that isn't your list.")
    reading_list.delete()
