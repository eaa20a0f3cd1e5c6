"""Deleting an account removes the member's personal data from every table.

Two tests hold this for models not written yet:

- every model related to a member (a link to a user or to a pseud) or holding an email or
  IP address or a person's name must be listed in ``HANDLED`` with what deletion does to it,
  so a new model that holds member data fails here until someone decides;
- after a member with data in most tables deletes their account, no text column of any
  table (except the ones ``KEPT_ON_PURPOSE`` names, with the reason) holds their name or
  address, and no row points at their account or pseuds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts import actions as account_actions
from ficshelf.accounts.models import (
    Block,
    Invitation,
    InviteRequest,
    Mute,
    Preference,
    Pseud,
    ReaderKey,
    User,
)
from ficshelf.core.audit import record
from ficshelf.core.models import AuditEntry
from ficshelf.downloads import member_data
from ficshelf.moderation.models import Report, ReportReason
from ficshelf.search.models import ExclusionSet
from ficshelf.social import actions as social_actions
from ficshelf.social.external_works import ExternalWorkDetails, bookmark_external_work
from ficshelf.social.models import Comment, InboxItem
from ficshelf.works.collection_items import create_collection
from ficshelf.works.collection_models import Collection, CollectionParticipant
from ficshelf.works.models import Creatorship, Work
from tests.challenges.test_exchange import exchange_with, sign_up
from tests.factories import WorkFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db

DELETED = "deleted with the account (on_delete=CASCADE, or removed by close_account)"
LINK_CLEARED = "kept; the link to the member is cleared (on_delete=SET_NULL)"

# Every model that holds member data, and what deleting an account does to it.
HANDLED: dict[str, str] = {
    "admin.LogEntry": DELETED,
    "core.AuditEntry": "kept on purpose: the audit log is the record of who did what to "
    "whom; actor_name and target_repr stay so moderators' actions remain accountable "
    "(the actor link is cleared)",
    "accounts.User": DELETED,
    "accounts.Pseud": DELETED,
    "accounts.Block": DELETED,
    "accounts.Mute": DELETED,
    "accounts.Invitation": "kept (counted as used); its email is blanked (forget_addresses)",
    "accounts.InviteRequest": "deleted by address (forget_addresses)",
    "accounts.Preference": DELETED,
    "accounts.ReaderKey": DELETED,
    "accounts.MemberProfile": DELETED + " (the profile's about text)",
    "accounts.PseudIcon": DELETED + " with its pseud (the icon and its description)",
    "works.Creatorship": "moved to orphan_account (orphaning) or deleted with the work or "
    "the pseud",
    "works.ChapterCreatorship": DELETED + " (with the pseud); the chapter stays",
    "works.SeriesCreatorship": DELETED + " (with the pseud); the series and its works stay",
    "works.CollectionItem": LINK_CLEARED,
    "works.CollectionParticipant": DELETED,
    "works.Gift": "gifts to the member are deleted (works.receivers.forget_gifts_to); the "
    "works stay",
    "social.Kudos": DELETED,
    "social.Comment": "kept on purpose: other members' threads hang on it; the author link "
    "is cleared (shown without a name). guest_name/guest_email belong to guests, not members",
    "social.Bookmark": DELETED,
    "social.BookmarkTag": DELETED + " (with the member's bookmarks)",
    "social.ExternalWork": "kept: a work hosted elsewhere, shared by everyone who bookmarked "
    "its address; it names no member and no link says who added it",
    "social.Subscription": DELETED,
    "social.InboxItem": "the member's are deleted; their name in others' notices becomes "
    "'(deleted account)' (social.receivers.forget_name_in_notices)",
    "social.Reading": DELETED,
    "social.ReadingList": DELETED,
    "moderation.Report": "kept (moderators may still act on it); the reporter link is "
    "cleared and reporter_email blanked (moderation.receivers)",
    "downloads.DataExport": "deleted with its file (downloads.receivers)",
    "moderation.ReportReply": "kept with its report; the address it was mailed to is "
    "blanked (moderation.receivers); its author (an admin) link is cleared",
    "accounts.MemberNote": DELETED + "; notes an admin wrote keep their text, the author "
    "link is cleared",
    "accounts.MemberWarning": DELETED,
    "otp_totp.TOTPDevice": DELETED + " (two-factor devices)",
    "sitecontent.TermsAcceptance": DELETED,
    "api.ApiToken": DELETED + " (the member's API tokens stop working with the account)",
    "moderation.SpamMark": DELETED + " (marks on the member); marks they made or lifted "
    "keep the mark, the link to them is cleared",
    "sitecontent.BannerDismissal": DELETED,
    "sitecontent.NewsComment": DELETED + " (a member's comments on news posts; guest_name "
    "belongs to guests)",
    "sitecontent.NewsPost": "kept: the archive's announcements; the author link is cleared",
    "sitecontent.PageRevision": "kept on purpose: the site pages' history says who wrote "
    "each revision of the Terms and policies (editor_name stays; the editor link is cleared)",
    "otp_static.StaticDevice": DELETED + " (recovery codes)",
    "search.ExclusionSet": DELETED,
    "challenges.TagSet": "the member leaves its owners (the m2m row is deleted)",
    "challenges.Nomination": DELETED,
    "challenges.SignUp": DELETED,
    "challenges.Assignment": LINK_CLEARED + " (pinch hitter), or deleted with the sign-up",
    "challenges.MemePrompt": DELETED,
    "challenges.Claim": DELETED,
    "challenges.Fill": LINK_CLEARED,
    "accounts.SiteSkin": DELETED + ", except an approved public skin: kept for those who "
    "chose it, its owner link cleared (as AO3 keeps them); it then names nobody",
    "works.WorkSkin": DELETED + " (their works go back to the archive's own look), except an "
    "approved public skin: kept for the works that chose it, its owner link cleared",
}
# Tables whose text may still hold the member's name after deletion, on purpose (above).
KEPT_ON_PURPOSE = {"core.AuditEntry", "sitecontent.PageRevision"}

# Fields that hold a person's address or name, whatever model they are on.
PERSONAL_FIELD_TYPES = (models.EmailField, models.GenericIPAddressField)
PERSONAL_NAME_SUFFIXES = ("_email", "_ip", "_ip_address", "_name", "username")
NOT_PERSONAL = {"name", "codename", "queue_name", "backend_name", "model", "app_label"}


def holds_member_data(model: type[models.Model]) -> list[str]:
    """Why ``model`` holds member data: its links to users or pseuds, its personal fields."""
    reasons = []
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # the other side of a relation: listed on the model that holds it
        related = getattr(field, "related_model", None)
        if field.is_relation and related in (User, Pseud):
            reasons.append(f"{field.name} -> {related.__name__}")
        elif isinstance(field, PERSONAL_FIELD_TYPES):
            reasons.append(f"{field.name} (address)")
        elif (
            isinstance(field, models.CharField)
            and field.name not in NOT_PERSONAL
            and field.name.endswith(PERSONAL_NAME_SUFFIXES)
        ):
            reasons.append(f"{field.name} (a name)")
    return reasons


def test_every_model_holding_member_data_says_what_deletion_does_to_it() -> None:
    unlisted = {
        model._meta.label: holds_member_data(model)
        for model in apps.get_models()
        if holds_member_data(model) and model._meta.label not in HANDLED
    }
    assert unlisted == {}, (
        "These models hold member data: make closing an account delete or anonymise it "
        "(accounts.signals.account_closing), then list them in HANDLED."
    )


NAME = "zqxleaver"
EMAIL = "zqxleaver@example.org"


def member_everywhere() -> User:
    member = writer(NAME)
    member.email = EMAIL
    member.save()
    pen = Pseud.objects.create(user=member, name="zqxleaver-pen")
    account_actions.save_profile_about(member, about=f"<p>I am {NAME}.</p>")
    account_actions.set_pseud_icon(pen, image=b"\x89PNG icon", alt=f"{NAME} as a fox")
    Preference.objects.create(user=member, time_zone="Europe/Oslo")
    friend = writer("friend")
    own = posted_work(member, title="Mine")
    posted_work(friend, title="For a friend", gift_recipients=[NAME])
    others = WorkFactory(title="Theirs", creator=friend.pseuds.get())
    social_actions.post_comment(others.chapters.get(), actor=member, text="<p>Nice.</p>")
    social_actions.leave_kudos(others, actor=member)  # "zqxleaver left kudos" in friend's inbox
    social_actions.leave_kudos(own, actor=friend)
    social_actions.save_bookmark(actor=member, work=others, notes="<p>Keep.</p>")
    bookmark_external_work(
        actor=member,
        details=ExternalWorkDetails(
            url="https://elsewhere.example/works/1", title="Far", creator="someone", fandoms=["F"]
        ),
        tags=f"{NAME} favourites",
    )
    social_actions.subscribe(actor=member, work=others)
    social_actions.subscribe(actor=friend, creator=member)
    social_actions.set_marked_for_later(others, actor=member, is_marked=True)
    social_actions.create_reading_list(actor=member, name="Mine to read")
    Block.objects.create(blocker=member, blocked=friend)
    Mute.objects.create(muter=friend, muted=member)
    Invitation.objects.create(email=EMAIL, used_by=member, used_at=timezone.now())
    InviteRequest.objects.create(email=EMAIL.upper())
    ReaderKey.objects.create(user=member, label="Kobo", key_hash="0" * 64)
    exclusions = ExclusionSet.objects.create(user=friend)
    exclusions.creators.add(member)
    ExclusionSet.objects.create(user=member)
    create_collection(Collection(name="zqx_club", title="Club"), owner=friend)
    CollectionParticipant.objects.create(
        collection=Collection.objects.get(name="zqx_club"), user=member
    )
    Report.objects.create(
        work=others,
        reporter=member,
        reporter_email=EMAIL,
        reason=ReportReason.OTHER,
        details="Looks wrong.",
    )
    _host, exchange = exchange_with()
    sign_up(exchange, "exchanger", ["Moomins"], ["Discworld"])
    exchange.signups.filter(user__username="exchanger").update(user=member)
    member_data.request_export(member)
    record(actor=member, action="test action", target=others)
    return member


def text_fields(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField)
    return [f.name for f in model._meta.get_fields() if f.concrete and isinstance(f, kinds)]


def rows_naming(text: str) -> dict[str, list[str]]:
    """Per model: the text fields of some row that contain ``text``."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        for name in text_fields(model):
            field = model._meta.get_field(name)
            lookup = f"{name}__icontains" if not isinstance(field, models.JSONField) else None
            if lookup is None:
                values = model._default_manager.values_list(name, flat=True)
                if any(text in str(v).lower() for v in values):
                    found.setdefault(model._meta.label, []).append(name)
            elif model._default_manager.filter(**{lookup: text}).exists():
                found.setdefault(model._meta.label, []).append(name)
    return found


@pytest.mark.parametrize("works", ["orphan", "delete"])
def test_deleting_an_account_leaves_nothing_of_the_member_outside_the_audit_log(
    works: str, django_capture_on_commit_callbacks: Any
) -> None:
    member = member_everywhere()
    pseud_ids = list(member.pseuds.values_list("pk", flat=True))
    assert set(rows_naming(NAME)) > {"accounts.Pseud", "social.InboxItem", "works.Gift"}
    client = Client()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:delete"),
            {"password": "correct horse battery staple", "works": works, "confirm": "on"},
        )
    assert response.status_code == 200, response.content.decode()[:500]
    assert not User.objects.filter(username=NAME).exists()

    left = {
        label: fields
        for label, fields in {**rows_naming(NAME), **rows_naming(EMAIL)}.items()
        if label not in KEPT_ON_PURPOSE
    }
    assert left == {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is User:
                assert not model._default_manager.filter(**{field.name: member.pk}).exists()
            if field.concrete and field.is_relation and field.related_model is Pseud:
                assert not model._default_manager.filter(
                    **{f"{field.name}__in": pseud_ids}
                ).exists()
    assert not Session.objects.exists()
    # What is kept on purpose is kept, without the link to the account.
    assert AuditEntry.objects.filter(actor_name=NAME, actor__isnull=True).exists()
    comment = Comment.objects.get(text="<p>Nice.</p>")
    assert comment.user_id is None
    assert InboxItem.objects.filter(text__startswith="(deleted account) left kudos").exists()
    assert Report.objects.get().reporter_email == ""
    if works == "orphan":
        assert Work.objects.get(title="Mine").creatorships.get().pseud.name == "orphan_account"
    else:
        assert not Work.objects.filter(title="Mine").exists()
    assert Creatorship.objects.filter(work__title="Theirs").count() == 1
