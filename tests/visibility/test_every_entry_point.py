"""The walk: every way to change who sees what, and right after each returns, every surface
agrees with the visibility rule, for a guest and for a member.

Each entry point is driven as its user drives it (the admin site, the report queue, the
creator's pages, the reader's pages, the wrangling form). Before it, the index holds the
archive as the worker left it and every listing has been read once, so its pages are kept;
after it, the worker has not run yet: surfaces must neither show nor count what the viewer
may not see (nor miss what they now may), from kept pages or from the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.models import Mute, Pseud, User
from ficshelf.core.admin_audit import CONFIRM
from ficshelf.core.models import AuditEntry
from ficshelf.core.spam import SpamState
from ficshelf.moderation.models import Report
from ficshelf.moderation.spam_actions import mark_account_spam
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social.models import Comment
from ficshelf.works.collection_items import add_work, create_collection
from ficshelf.works.models import Collection, CollectionItem, Creatorship, Work
from tests.admin_helpers import run_action
from tests.factories import UserFactory
from tests.form_data import form_fields
from tests.visibility.surfaces import Viewer, problems, read_api_listings
from tests.visibility.world import (
    CANON,
    FANDOM,
    SECRET,
    WORD,
    World,
    add_partner,
    build_world,
    index_everything,
    move_word_to_a_second_chapter,
)

pytestmark = pytest.mark.django_db

REASON = "Checked against the archive's rules."


def cached_listing_urls(world: World) -> list[str]:
    """Listings and the work's pages, read before each entry point, so a stale kept copy
    would be served after."""
    return [
        "/",
        f"/works/{world.subject.pk}/?view_full_work=true",
        f"/works/{world.subject.pk}/",
        "/works/",
        f"/tags/{FANDOM}/works/",
        f"/search/?q={WORD}",
        f"/users/{world.creator.username}/works/",
        f"/series/{world.series.pk}/works/",
    ]


def ok(response: object, *codes: int) -> None:
    status = getattr(response, "status_code", None)
    assert status in (codes or (302,)), f"the entry point answered {status}"


# --- What the entry points do ------------------------------------------------------------


def admin_hides_from_the_works_list(world: World) -> None:
    client = world.act_as(world.admin)
    ok(run_action(client, "/admin/works/work/", "hide", [world.subject.pk], reason=REASON))


def admin_hides_from_the_report_queue(world: World) -> None:
    report = Report.objects.create(work=world.subject, reason="ratings", details="Wrong.")
    client = world.act_as(world.admin)
    changelist = "/admin/moderation/report/"
    ok(run_action(client, changelist, "hide_reported_works", [report.pk], reason=REASON))


def _admin_change_form(world: World, **changes: str | None) -> None:
    client = world.act_as(world.admin)
    url = f"/admin/works/work/{world.subject.pk}/change/"
    sent = form_fields(client, url, having="title", changes={**changes, "_save": "Save"})
    ok(client.post(url, sent))


def admin_hides_on_the_change_form(world: World) -> None:
    _admin_change_form(world, is_hidden_by_admin="on", audit_reason=REASON)


def admin_unhides_from_the_works_list(world: World) -> None:
    client = world.act_as(world.admin)
    ok(run_action(client, "/admin/works/work/", "unhide", [world.subject.pk], reason=REASON))


def admin_unhides_on_the_change_form(world: World) -> None:
    _admin_change_form(world, is_hidden_by_admin=None, audit_reason=REASON)


def admin_restricts_on_the_change_form(world: World) -> None:
    _admin_change_form(world, is_restricted="on", audit_reason=REASON)


def admin_unposts_a_chapter_on_the_change_form(world: World) -> None:
    client = world.act_as(world.admin)
    url = f"/admin/works/work/{world.subject.pk}/change/"
    sent = form_fields(client, url, having="title", changes={"_save": "Save"})
    second = next(
        key for key, value in sent.items() if key.endswith("-position") and value == ["2"]
    )
    sent.pop(second.replace("-position", "-is_posted"), None)
    ok(client.post(url, sent))


def admin_deletes_from_the_works_list(world: World) -> None:
    client = world.act_as(world.admin)
    changelist = "/admin/works/work/"
    ok(run_action(client, changelist, "delete_with_reason", [world.subject.pk], reason=REASON))


def admin_deletes_on_the_change_form(world: World) -> None:
    client = world.act_as(world.admin)
    url = f"/admin/works/work/{world.subject.pk}/delete/"
    ok(client.post(url, {"reason": REASON, CONFIRM: "yes"}))


def admin_bans_the_creator(world: World) -> None:
    client = world.act_as(world.admin)
    ok(run_action(client, "/admin/accounts/user/", "ban", [world.creator.pk], reason=REASON))


def admin_suspends_the_creator_until_a_date(world: World) -> None:
    # A suspension changes what the member may do, not what others see of them.
    client = world.act_as(world.admin)
    until = (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    url = f"/desk/members/{world.creator.username}/suspend/"
    ok(client.post(url, {"suspend-reason": REASON, "suspend-until": until}))


def admin_bans_the_creator_on_the_change_form(world: World) -> None:
    client = world.act_as(world.admin)
    url = f"/admin/accounts/user/{world.creator.pk}/change/"
    changes = {"is_active": None, "audit_reason": REASON, "_save": "Save"}
    ok(client.post(url, form_fields(client, url, having="username", changes=changes)))


def admin_unbans_the_creator(world: World) -> None:
    client = world.act_as(world.admin)
    changelist = "/admin/accounts/user/"
    ok(run_action(client, changelist, "unban", [world.creator.pk], reason=REASON))


def admin_deletes_the_creator_and_their_works(world: World) -> None:
    client = world.act_as(world.admin)
    changelist = "/admin/accounts/user/"
    response = run_action(
        client, changelist, "delete_with_reason", [world.creator.pk], reason=REASON, works="delete"
    )
    ok(response)


def admin_deletes_the_creator_orphaning_their_works(world: World) -> None:
    client = world.act_as(world.admin)
    url = f"/admin/accounts/user/{world.creator.pk}/delete/"
    ok(client.post(url, {"reason": REASON, "works": "orphan", CONFIRM: "yes"}))


def creator_deletes_the_work(world: World) -> None:
    ok(world.act_as(world.creator).post(f"/works/{world.subject.pk}/delete/"))


def _creator_edits(world: World, **changes: str | None) -> None:
    client = world.act_as(world.creator)
    url = f"/works/{world.subject.pk}/edit/"
    sent = form_fields(client, url, having="title", changes={**changes, "action": "post"})
    ok(client.post(url, sent))


def creator_restricts_the_work(world: World) -> None:
    _creator_edits(world, is_restricted="on")


def creator_opens_the_work_to_guests(world: World) -> None:
    _creator_edits(world, is_restricted=None)


def creator_removes_the_secret_tag(world: World) -> None:
    client = world.act_as(world.creator)
    url = f"/works/{world.subject.pk}/edit/"
    sent = form_fields(client, url, having="title", changes={"action": "post"})
    sent["freeforms"] = [
        ", ".join(n for n in sent.get("freeforms", [""])[0].split(", ") if n != SECRET)
    ]
    ok(client.post(url, sent))


def creator_orphans_the_work(world: World) -> None:
    ok(world.act_as(world.creator).post(f"/works/{world.subject.pk}/orphan/"))


def creator_leaves_the_co_created_work(world: World) -> None:
    ok(world.act_as(world.creator).post(f"/works/{world.subject.pk}/leave/"))


def partner_accepts_the_invitation(world: World) -> None:
    invitation = Creatorship.objects.get(work=world.subject, pseud__user=world.partner)
    client = world.act_as(world.partner)
    ok(client.post(f"/invitations/{invitation.pk}/", {"answer": "accept"}))


def creator_posts_the_draft(world: World) -> None:
    ok(world.act_as(world.creator).post(f"/works/{world.subject.pk}/post/"))


def creator_posts_the_second_chapter(world: World) -> None:
    second = world.chapter(2)
    client = world.act_as(world.creator)
    ok(client.post(f"/works/{world.subject.pk}/chapters/{second.pk}/post/"))


def creator_deletes_the_second_chapter(world: World) -> None:
    second = world.chapter(2)
    client = world.act_as(world.creator)
    ok(client.post(f"/works/{world.subject.pk}/chapters/{second.pk}/delete/"))


def _creator_closes_the_account(world: World, works: str) -> None:
    client = world.act_as(world.creator)
    sent = {"works": works, "password": "correct horse battery staple", "confirm": "on"}
    ok(client.post("/accounts/delete/", sent), 200)
    assert not type(world.creator).objects.filter(pk=world.creator.pk).exists()


def creator_deletes_the_account_and_the_works(world: World) -> None:
    _creator_closes_the_account(world, "delete")


def creator_deletes_the_account_orphaning_the_works(world: World) -> None:
    _creator_closes_the_account(world, "orphan")


def reader_mutes_the_creator(world: World) -> None:
    ok(world.reader_client.post(f"/users/{world.creator.username}/mute/"))


def reader_unmutes_the_creator(world: World) -> None:
    ok(world.reader_client.post(f"/users/{world.creator.username}/unmute/"))


def reader_blocks_the_creator(world: World) -> None:
    ok(world.reader_client.post(f"/users/{world.creator.username}/block/"))


def wrangler_merges_the_secret_tag(world: World) -> None:
    client = world.act_as(world.wrangler)
    url = f"/tags/{SECRET}/edit/"
    sent = form_fields(client, url, having="synonym_of", changes={"synonym_of": CANON})
    ok(client.post(url, sent))


def admin_deletes_the_secret_tag(world: World) -> None:
    secret = world.tag(SECRET)
    client = world.act_as(world.admin)
    response = client.post(
        "/admin/tags/tag/",
        {"action": "delete_selected", "_selected_action": [secret.pk], "post": "yes"},
    )
    ok(response)


# --- The spam queue (moderation/spam_views.py) and the link limit ------------------------

LINKS = " ".join(f'<a href="https://spam{n}.example/">deal {n}</a>' for n in range(5))


def _spam_decision(world: World, kind: str, pk: int, decision: str) -> None:
    client = world.act_as(world.admin)
    ok(client.post(f"/moderation/spam/{kind}/{pk}/", {"decision": decision, "reason": REASON}))


def creator_adds_links_to_the_posted_work(world: World) -> None:
    _creator_edits(world, summary=f"<p>Read more: {LINKS}</p>")


def queue_approves_the_held_work(world: World) -> None:
    _spam_decision(world, "work", world.subject.pk, "approve")


def queue_marks_the_held_work_spam(world: World) -> None:
    _spam_decision(world, "work", world.subject.pk, "spam")


def queue_marks_the_creators_comment_spam_and_suspends(world: World) -> None:
    comment = Comment.objects.get(user=world.creator)
    _spam_decision(world, "comment", comment.pk, "spam_and_suspend")


def queue_says_the_creator_is_not_a_spammer(world: World) -> None:
    client = world.act_as(world.admin)
    ok(client.post(f"/moderation/spam/accounts/{world.creator.pk}/", {"reason": REASON}))


def held(world: World) -> None:
    Work.objects.filter(pk=world.subject.pk).update(spam_state=SpamState.HELD)


def creator_has_a_held_comment(world: World) -> None:
    Comment.objects.create(
        work=world.bystander,
        chapter=world.bystander.chapters.get(),
        user=world.creator,
        text=f"<p>{LINKS}</p>",
        spam_state=SpamState.HELD,
    )


def creator_marked_a_spammer(world: World) -> None:
    mark_account_spam(world.creator, actor=world.admin, reason=REASON)


# --- Where each starts, and what must have happened --------------------------------------


def hidden(world: World) -> None:
    Work.objects.filter(pk=world.subject.pk).update(is_hidden_by_admin=True)


def restricted(world: World) -> None:
    Work.objects.filter(pk=world.subject.pk).update(is_restricted=True)


def draft(world: World) -> None:
    Work.objects.filter(pk=world.subject.pk).update(is_posted=False)


def co_created(world: World) -> None:
    add_partner(world, approved=True)


def invited_partner(world: World) -> None:
    add_partner(world, approved=False)


def second_chapter_posted(world: World) -> None:
    move_word_to_a_second_chapter(world, posted=True)


def second_chapter_draft(world: World) -> None:
    move_word_to_a_second_chapter(world, posted=False)


def creator_banned(world: World) -> None:
    type(world.creator).objects.filter(pk=world.creator.pk).update(is_active=False)


def creator_muted(world: World) -> None:
    Mute.objects.create(muter=world.reader, muted=world.creator)


# --- Collections ---------------------------------------------------------------------------

MODERATOR = "walkmoderator"


def _collection(world: World, **states: bool) -> Collection:
    moderator = UserFactory(username=MODERATOR)
    collection = Collection(name="walk_fest", title="Walk Fest", **states)
    return create_collection(collection, owner=moderator)


def _moderator(world: World) -> User:
    return User.objects.get(username=MODERATOR)


def creator_adds_the_work_to_an_unrevealed_collection(world: World) -> None:
    _collection(world, is_unrevealed=True)
    client = world.act_as(world.creator)
    url = f"/works/{world.subject.pk}/collections/add/"
    ok(client.post(url, {"collection": "walk_fest"}))


def creator_accepts_an_anonymous_collections_invitation(world: World) -> None:
    item = CollectionItem.objects.get(work=world.subject)
    client = world.act_as(world.creator)
    ok(client.post("/collections/mine/", {"item": item.pk, "answer": "approve"}))


def moderator_reveals_the_collection(world: World) -> None:
    client = world.act_as(_moderator(world))
    ok(client.post("/collections/walk_fest/reveal/", {"what": "both"}))


def moderator_removes_the_work(world: World) -> None:
    item = CollectionItem.objects.get(work=world.subject)
    client = world.act_as(_moderator(world))
    ok(client.post("/collections/walk_fest/items/", {"item": item.pk, "answer": "remove"}))


def invited_to_an_anonymous_collection(world: World) -> None:
    collection = _collection(world, is_anonymous=True)
    add_work(collection, world.subject, actor=_moderator(world))


def in_an_unrevealed_anonymous_collection(world: World) -> None:
    collection = _collection(world, is_anonymous=True, is_unrevealed=True)
    add_work(collection, world.subject, actor=world.creator)


def subject(world: World) -> Work | None:
    return Work.objects.filter(pk=world.subject.pk).first()


@dataclass(frozen=True)
class EntryPoint:
    act: Callable[[World], None]
    done: Callable[[World], bool]
    start: Callable[[World], None] = lambda world: None
    # Whether it changes works the index holds (a mute or a block changes none).
    queues_works: bool = True
    # What the action's audit entry says, for the admin's and moderators' entry points.
    audited: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def gone(world: World) -> bool:
    return subject(world) is None


ENTRY_POINTS = {
    "admin hides, works list": EntryPoint(
        admin_hides_from_the_works_list,
        lambda w: bool(subject(w) and subject(w).is_hidden_by_admin),  # type: ignore[union-attr]
        audited="hide",
    ),
    "admin hides, report queue": EntryPoint(
        admin_hides_from_the_report_queue,
        lambda w: bool(subject(w) and subject(w).is_hidden_by_admin),  # type: ignore[union-attr]
        audited="hide",
    ),
    "admin hides, change form": EntryPoint(
        admin_hides_on_the_change_form,
        lambda w: bool(subject(w) and subject(w).is_hidden_by_admin),  # type: ignore[union-attr]
        audited="hide",
    ),
    "admin unhides, works list": EntryPoint(
        admin_unhides_from_the_works_list,
        lambda w: not subject(w).is_hidden_by_admin,  # type: ignore[union-attr]
        start=hidden,
        audited="unhide",
    ),
    "admin unhides, change form": EntryPoint(
        admin_unhides_on_the_change_form,
        lambda w: not subject(w).is_hidden_by_admin,  # type: ignore[union-attr]
        start=hidden,
        audited="unhide",
    ),
    "admin restricts, change form": EntryPoint(
        admin_restricts_on_the_change_form,
        lambda w: subject(w).is_restricted,  # type: ignore[union-attr]
        audited="edit",
    ),
    "admin unposts a chapter, change form": EntryPoint(
        admin_unposts_a_chapter_on_the_change_form,
        lambda w: not w.chapter(2).is_posted,
        start=second_chapter_posted,
        audited="edit",
    ),
    "admin deletes, works list": EntryPoint(
        admin_deletes_from_the_works_list, gone, audited="delete"
    ),
    "admin deletes, change form": EntryPoint(
        admin_deletes_on_the_change_form, gone, audited="delete"
    ),
    "admin bans the creator, users list": EntryPoint(
        admin_bans_the_creator,
        lambda w: not type(w.creator).objects.get(pk=w.creator.pk).is_active,
        queues_works=False,
        audited="ban",
    ),
    "admin bans the creator, change form": EntryPoint(
        admin_bans_the_creator_on_the_change_form,
        lambda w: not type(w.creator).objects.get(pk=w.creator.pk).is_active,
        queues_works=False,
        audited="ban",
    ),
    "admin unbans the creator": EntryPoint(
        admin_unbans_the_creator,
        lambda w: type(w.creator).objects.get(pk=w.creator.pk).is_active,
        start=creator_banned,
        queues_works=False,
        audited="unban",
    ),
    "admin suspends the creator until a date (desk)": EntryPoint(
        admin_suspends_the_creator_until_a_date,
        lambda w: type(w.creator).objects.get(pk=w.creator.pk).suspended_now(),
        queues_works=False,
        audited="suspend",
    ),
    "admin deletes the creator and their works": EntryPoint(
        admin_deletes_the_creator_and_their_works, gone, audited="delete"
    ),
    "admin deletes the creator, orphaning": EntryPoint(
        admin_deletes_the_creator_orphaning_their_works,
        lambda w: subject(w) is not None and "orphan_account" in subject(w).byline,  # type: ignore[union-attr]
        audited="delete",
    ),
    "creator deletes the work": EntryPoint(creator_deletes_the_work, gone),
    "creator restricts the work": EntryPoint(
        creator_restricts_the_work,
        lambda w: subject(w).is_restricted,  # type: ignore[union-attr]
    ),
    "creator opens the work to guests": EntryPoint(
        creator_opens_the_work_to_guests,
        lambda w: not subject(w).is_restricted,  # type: ignore[union-attr]
        start=restricted,
    ),
    "creator removes a tag": EntryPoint(
        creator_removes_the_secret_tag,
        lambda w: not subject(w).tags.filter(name=SECRET).exists(),  # type: ignore[union-attr]
    ),
    "creator orphans the work": EntryPoint(
        creator_orphans_the_work,
        lambda w: "orphan_account" in subject(w).byline,  # type: ignore[union-attr]
    ),
    "creator leaves the co-created work": EntryPoint(
        creator_leaves_the_co_created_work,
        lambda w: not subject(w).creatorships.filter(pseud__user=w.creator).exists(),  # type: ignore[union-attr]
        start=co_created,
    ),
    "co-creator accepts the invitation": EntryPoint(
        partner_accepts_the_invitation,
        lambda w: subject(w).creatorships.get(pseud__user=w.partner).is_approved,  # type: ignore[union-attr]
        start=invited_partner,
    ),
    "creator posts the draft": EntryPoint(
        creator_posts_the_draft,
        lambda w: subject(w).is_posted,  # type: ignore[union-attr]
        start=draft,
    ),
    "creator posts a chapter": EntryPoint(
        creator_posts_the_second_chapter,
        lambda w: w.chapter(2).is_posted,
        start=second_chapter_draft,
    ),
    "creator deletes a chapter": EntryPoint(
        creator_deletes_the_second_chapter,
        lambda w: subject(w).chapters.count() == 1,  # type: ignore[union-attr]
        start=second_chapter_posted,
    ),
    "creator deletes the account and the works": EntryPoint(
        creator_deletes_the_account_and_the_works, gone
    ),
    "creator deletes the account, orphaning": EntryPoint(
        creator_deletes_the_account_orphaning_the_works,
        lambda w: "orphan_account" in subject(w).byline,  # type: ignore[union-attr]
    ),
    "reader mutes the creator": EntryPoint(
        reader_mutes_the_creator,
        lambda w: Mute.objects.filter(muter=w.reader, muted=w.creator).exists(),
        queues_works=False,
    ),
    "reader unmutes the creator": EntryPoint(
        reader_unmutes_the_creator,
        lambda w: not Mute.objects.filter(muter=w.reader, muted=w.creator).exists(),
        start=creator_muted,
        queues_works=False,
    ),
    "reader blocks the creator": EntryPoint(
        reader_blocks_the_creator,
        lambda w: w.reader.blocks_made.filter(blocked=w.creator).exists(),
        queues_works=False,
    ),
    "creator adds the work to an unrevealed collection": EntryPoint(
        creator_adds_the_work_to_an_unrevealed_collection,
        lambda w: subject(w).in_unrevealed_collection,  # type: ignore[union-attr]
    ),
    "creator accepts an anonymous collection's invitation": EntryPoint(
        creator_accepts_an_anonymous_collections_invitation,
        lambda w: subject(w).in_anonymous_collection,  # type: ignore[union-attr]
        start=invited_to_an_anonymous_collection,
    ),
    "collection moderator reveals the works and creators": EntryPoint(
        moderator_reveals_the_collection,
        lambda w: not (subject(w).in_unrevealed_collection or subject(w).in_anonymous_collection),  # type: ignore[union-attr]
        start=in_an_unrevealed_anonymous_collection,
    ),
    "collection moderator takes the work out": EntryPoint(
        moderator_removes_the_work,
        lambda w: not subject(w).in_unrevealed_collection,  # type: ignore[union-attr]
        start=in_an_unrevealed_anonymous_collection,
    ),
    "creator adds links to the posted work (held)": EntryPoint(
        creator_adds_links_to_the_posted_work,
        lambda w: subject(w).spam_state == SpamState.HELD,  # type: ignore[union-attr]
    ),
    "spam queue approves the held work": EntryPoint(
        queue_approves_the_held_work,
        lambda w: subject(w).spam_state == SpamState.CLEAR,  # type: ignore[union-attr]
        start=held,
        audited="approve held",
    ),
    "spam queue marks the held work spam": EntryPoint(
        queue_marks_the_held_work_spam,
        lambda w: subject(w).spam_state == SpamState.SPAM,  # type: ignore[union-attr]
        start=held,
        audited="mark spam",
    ),
    "spam queue: spam and suspend the creator": EntryPoint(
        queue_marks_the_creators_comment_spam_and_suspends,
        lambda w: subject(w).spam_state == SpamState.SPAMMER,  # type: ignore[union-attr]
        start=creator_has_a_held_comment,
        audited="mark account spam",
    ),
    "spam queue: the creator is not a spammer": EntryPoint(
        queue_says_the_creator_is_not_a_spammer,
        lambda w: subject(w).spam_state == SpamState.CLEAR,  # type: ignore[union-attr]
        start=creator_marked_a_spammer,
        audited="not spam",
    ),
    "wrangler merges a tag": EntryPoint(
        wrangler_merges_the_secret_tag,
        lambda w: w.tag(SECRET).merger_id == w.tag(CANON).pk,
    ),
    "admin deletes a tag": EntryPoint(
        admin_deletes_the_secret_tag,
        lambda w: not type(w.tag(CANON)).objects.filter(name=SECRET).exists(),
        audited="delete",
    ),
}


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_right_after_each_entry_point_every_surface_agrees_with_the_visibility_rule(
    name: str,
) -> None:
    entry = ENTRY_POINTS[name]
    world = build_world()
    entry.start(world)
    index_everything()
    viewers = [
        Viewer("a guest", world.guest_client, None),
        Viewer("a member", world.reader_client, world.reader),
    ]
    for viewer in viewers:
        for url in cached_listing_urls(world):
            viewer.client.get(url)
        read_api_listings(world, viewer)
    audited_before = AuditEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0

    entry.act(world)

    assert entry.done(world), f"{name}: the entry point did not do its change"
    if entry.queues_works:
        assert IndexQueueEntry.objects.exists(), "the worker must still be behind"
    found = [problem for viewer in viewers for problem in problems(world, viewer)]
    assert found == []
    if entry.audited is not None:
        made = AuditEntry.objects.filter(pk__gt=audited_before, action=entry.audited)
        assert made.filter(actor=world.admin, actor_name=world.admin.username).exists()


def test_the_walk_reads_the_surfaces_as_they_are(client: Client) -> None:
    """The walk's own check: before any entry point, the archive reads as built (so a
    surface the walk misreads cannot pass every entry point unnoticed)."""
    world = build_world()
    index_everything()
    for viewer in (
        Viewer("a guest", world.guest_client, None),
        Viewer("a member", world.reader_client, world.reader),
    ):
        assert problems(world, viewer) == []
    assert Pseud.objects.filter(name="walkwriter").exists()
