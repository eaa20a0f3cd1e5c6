"""Public skins (issue 16): a member asks for their site or work skin to be made public, a
reviewer with ``accounts.approve_skins`` approves or rejects it with a reason (audited);
approved ones are offered to every member, frozen while public, and those who chose one
fall back to the archive's look when it stops being public or its author edits it."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from ficshelf.accounts import actions as account_actions
from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.accounts.skin_actions import choose_site_skin, review_site_skin, save_site_skin
from ficshelf.core.models import AuditEntry
from ficshelf.core.public_skins import PublicState, SkinReviewRefused, css_digest
from ficshelf.moderation.roles import SUPPORT, sync_roles
from ficshelf.works import actions as work_actions
from ficshelf.works.actions import SkinChoice
from ficshelf.works.models import Creatorship, Work, WorkSkin
from ficshelf.works.skin_actions import save_work_skin, withdraw_public_work_skin
from tests.helpers import page_text
from tests.works.factories_posting import pseud_of, work_data, work_form_data, writer

pytestmark = pytest.mark.django_db

SITE_CSS = ".site-header { background: #235 }"
WORK_CSS = ".letter { font-style: italic }"
REVIEW = "/skins/review/"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer() -> User:
    user = writer("reviewer")
    user.user_permissions.add(Permission.objects.get(codename="approve_skins"))
    return user


def site_skin(owner: User, state: str = PublicState.PRIVATE, css: str = SITE_CSS) -> SiteSkin:
    skin: SiteSkin = SiteSkin.objects.create(
        owner=owner, title="Harbour", css=css, public_state=state
    )
    return skin


def work_skin(owner: User, state: str = PublicState.PRIVATE, title: str = "Letters") -> WorkSkin:
    skin: WorkSkin = WorkSkin.objects.create(
        owner=owner, title=title, css=f"#workskin {WORK_CSS}", public_state=state
    )
    return skin


def decide(client: Client, kind: str, pk: int, decision: str, reason: str = "") -> object:
    """The review form as the queue shows it now: with the digest of the CSS it shows."""
    model = SiteSkin if kind == "site" else WorkSkin
    read = css_digest(model.objects.get(pk=pk).css)
    return client.post(
        f"{REVIEW}{kind}/{pk}/", {"decision": decision, "reason": reason, "read": read}
    )


def test_the_support_role_grants_approving_skins() -> None:
    sync_roles()
    assert Group.objects.get(name=SUPPORT).permissions.filter(codename="approve_skins").exists()


def test_a_member_asks_and_a_reviewer_approves_with_an_audit_entry(reviewer: User) -> None:
    author = writer("author")
    skin = site_skin(author)
    mine = as_user(author)
    mine.post(reverse("accounts:site_skin_public", args=[skin.pk]), {"step": "request"})
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    assert "Harbour" in page_text(as_user(reviewer).get(REVIEW))
    decide(as_user(reviewer), "site", skin.pk, "approve", "Tidy.")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.APPROVED
    entry = AuditEntry.objects.get(action="approve skin")
    assert entry.actor == reviewer and entry.reason == "Tidy."


def test_a_rejection_needs_a_reason_the_author_then_reads(reviewer: User) -> None:
    skin = site_skin(writer("author"), PublicState.REQUESTED)
    decide(as_user(reviewer), "site", skin.pk, "reject", "")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    assert not AuditEntry.objects.exists()
    decide(as_user(reviewer), "site", skin.pk, "reject", "Hides the menu.")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REJECTED
    html = page_text(as_user(skin.owner).get(reverse("accounts:site_skin_edit", args=[skin.pk])))
    assert "Hides the menu." in html and "not approved" in html


def test_members_without_the_permission_may_not_review_and_nothing_changes() -> None:
    skin = site_skin(writer("author"), PublicState.REQUESTED)
    stranger = as_user(writer("stranger"))
    assert stranger.get(REVIEW).status_code == 403
    assert decide(stranger, "site", skin.pk, "approve").status_code == 403  # type: ignore[attr-defined]
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    assert not AuditEntry.objects.exists()


def test_only_the_owner_asks_for_their_skin_to_be_public() -> None:
    skin = site_skin(writer("author"))
    other = as_user(writer("other"))
    response = other.post(reverse("accounts:site_skin_public", args=[skin.pk]), {"step": "request"})
    assert response.status_code == 404
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE


def test_only_a_waiting_skin_is_approved(reviewer: User) -> None:
    skin = site_skin(writer("author"))
    decide(as_user(reviewer), "site", skin.pk, "approve")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE
    assert not AuditEntry.objects.exists()


def test_a_public_site_skin_is_offered_previewed_and_worn_with_its_author() -> None:
    skin = site_skin(writer("author"), PublicState.APPROVED)
    private = SiteSkin.objects.create(owner=skin.owner, title="Secret", css=SITE_CSS)
    reader = writer("reader")
    client = as_user(reader)
    prefs = page_text(client.get(reverse("accounts:preferences")))
    assert "Harbour (public, by author)" in prefs and "Secret" not in prefs
    listing = page_text(client.get(reverse("accounts:public_site_skins")))
    assert "Harbour" in listing and "by author" in listing and "Secret" not in listing
    stylesheet = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    preview = page_text(client.get(reverse("accounts:public_site_skin_preview", args=[skin.pk])))
    assert f'<link rel="stylesheet" href="{stylesheet}">' in preview
    # Previewing changed nothing; choosing does.
    assert stylesheet not in page_text(client.get(reverse("works:dashboard")))
    client.post(reverse("accounts:public_site_skin_choose", args=[skin.pk]))
    assert f'<link rel="stylesheet" href="{stylesheet}">' in page_text(
        client.get(reverse("works:dashboard"))
    )
    # A private skin of someone else's is neither previewed nor worn.
    assert (
        client.get(reverse("accounts:public_site_skin_preview", args=[private.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("accounts:public_site_skin_choose", args=[private.pk])).status_code
        == 404
    )
    assert Preference.objects.get(user=reader).site_skin == skin


def test_an_inactive_authors_name_is_not_shown() -> None:
    author = writer("author")
    site_skin(author, PublicState.APPROVED)
    author.is_active = False
    author.save()
    listing = page_text(as_user(writer("reader")).get(reverse("accounts:public_site_skins")))
    assert "Harbour" in listing and "author" not in listing.split("Public site skins", 1)[1]


@pytest.mark.parametrize("how", ["edit", "withdraw", "reject", "delete"])
def test_a_site_skin_others_wore_leaves_them_on_the_archives_look(how: str, reviewer: User) -> None:
    author = writer("author")
    skin = site_skin(author, PublicState.APPROVED)
    reader = writer("reader")
    choose_site_skin(reader, skin)
    choose_site_skin(author, skin)
    client = as_user(reader)
    assert skin.version in page_text(client.get(reverse("works:dashboard")))
    owner = as_user(author)
    if how == "edit":
        owner.post(
            reverse("accounts:site_skin_edit", args=[skin.pk]),
            {"title": "Harbour", "css": ".site-header { background: #532 }"},
        )
    elif how == "withdraw":
        owner.post(reverse("accounts:site_skin_public", args=[skin.pk]), {"step": "withdraw"})
    elif how == "reject":
        decide(as_user(reviewer), "site", skin.pk, "reject", "Unreadable contrast.")
    else:
        owner.post(reverse("accounts:site_skin_delete", args=[skin.pk]))
    page = client.get(reverse("works:dashboard"))
    assert page.status_code == 200
    assert "/site-skins/" not in page_text(page)
    assert Preference.objects.get(user=reader).site_skin is None
    if how != "delete":
        skin.refresh_from_db()
        assert skin.public_state != PublicState.APPROVED
        # The owner keeps wearing their own skin.
        assert Preference.objects.get(user=author).site_skin == skin


def test_hostile_css_in_a_skin_asked_to_be_public_is_still_refused() -> None:
    author = writer("author")
    client = as_user(author)
    client.post(
        reverse("accounts:site_skin_new"),
        {"title": "Evil", "css": "body { background: url(javascript:alert(1)); behavior: x }"},
    )
    assert not SiteSkin.objects.exists()
    skin = site_skin(author, PublicState.APPROVED)
    client.post(
        reverse("accounts:site_skin_edit", args=[skin.pk]),
        {"title": "Harbour", "css": "@import url(https://evil.example/x.css); .a { color: red }"},
    )
    skin.refresh_from_db()
    assert skin.css == SITE_CSS and skin.public_state == PublicState.APPROVED


def test_any_creator_may_choose_a_public_work_skin_and_loses_it_when_rejected(
    reviewer: User,
) -> None:
    author = writer("author")
    public = work_skin(author, PublicState.APPROVED)
    private = work_skin(author, title="Drafty")
    creator = writer("creator")
    client = as_user(creator)
    form = page_text(client.get(reverse("works:new")))
    assert "Letters (public, by author)" in form
    assert "Drafty" not in form
    client.post(reverse("works:new"), work_form_data(work_skin=private.pk))
    assert not Work.objects.exists()
    client.post(reverse("works:new"), work_form_data(work_skin=public.pk))
    work = Work.objects.get()
    assert work.work_skin == public
    assert public.version in page_text(Client().get(work.get_absolute_url()))
    decide(as_user(reviewer), "work", public.pk, "reject", "Breaks the page.")
    work.refresh_from_db()
    assert work.work_skin is None
    page = Client().get(work.get_absolute_url())
    assert page.status_code == 200 and public.version not in page_text(page)


def test_editing_a_public_work_skin_makes_it_private_until_approved_again() -> None:
    author = writer("author")
    skin = work_skin(author, PublicState.APPROVED)
    as_user(author).post(
        reverse("works:skin_edit", args=[skin.pk]), {"title": "Letters", "css": ".b { color: red }"}
    )
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE


def test_deleting_an_account_keeps_its_public_skins_naming_nobody() -> None:
    author = writer("author")
    public_site, private_site = site_skin(author, PublicState.APPROVED), site_skin(author)
    public_work, private_work = work_skin(author, PublicState.APPROVED), work_skin(author)
    reader = writer("reader")
    choose_site_skin(reader, public_site)
    account_actions.delete_account(author, orphan_works=True)
    assert list(SiteSkin.objects.all()) == [public_site]
    assert list(WorkSkin.objects.all()) == [public_work]
    public_site.refresh_from_db()
    assert public_site.owner is None and public_site.author_name() == ""
    assert Preference.objects.get(user=reader).site_skin == public_site
    assert not SiteSkin.objects.filter(pk=private_site.pk).exists()
    assert not WorkSkin.objects.filter(pk=private_work.pk).exists()


def test_an_approval_of_css_changed_since_the_reviewer_read_it_is_refused(
    reviewer: User,
) -> None:
    """The owner edits a skin waiting for review while the reviewer reads the queue: the
    approval from that page would publish CSS nobody read, so it is refused and nothing
    changes; the queue then shows the new CSS, approved from there."""
    author = writer("author")
    skin = site_skin(author, PublicState.REQUESTED)
    page = as_user(reviewer).get(REVIEW)
    read = css_digest(skin.css)
    assert f'name="read" value="{read}"' in page.content.decode()
    save_site_skin(owner=author, title="Harbour", css=".site-header { color: #f00 }", skin=skin)
    as_user(reviewer).post(
        f"{REVIEW}site/{skin.pk}/", {"decision": "approve", "reason": "", "read": read}
    )
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    assert not AuditEntry.objects.filter(action="approve skin").exists()
    decide(as_user(reviewer), "site", skin.pk, "approve", "Read again.")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.APPROVED


def test_an_edit_from_a_page_loaded_before_the_approval_takes_the_skin_private(
    reviewer: User,
) -> None:
    """The owner's edit page loaded the skin while it waited; a reviewer approved it
    before the owner saved. The save must not leave the new CSS public."""
    author = writer("author")
    skin = site_skin(author, PublicState.REQUESTED)
    owners_copy = SiteSkin.objects.get(pk=skin.pk)  # as the owner's request loaded it
    review_site_skin(skin, actor=reviewer, approve=True, reason="", read=css_digest(skin.css))
    save_site_skin(owner=author, title="Harbour", css=".site-header { color: #f00 }",
                   skin=owners_copy)  # fmt: skip
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE
    assert "#f00" in skin.css


def test_a_public_work_skin_edited_leaves_a_work_that_only_invited_its_owner() -> None:
    """Works of the skin's owner keep it when it goes private; a work whose creator only
    invited the owner (not accepted) is someone else's and goes back to the archive's look."""
    author = writer("author")
    skin = work_skin(author, PublicState.APPROVED)
    borrower = writer("borrower")
    client = as_user(borrower)
    client.post(reverse("works:new"), work_form_data(work_skin=skin.pk))
    work = Work.objects.get()
    Creatorship.objects.create(work=work, pseud=pseud_of(author), is_approved=False)
    save_work_skin(owner=author, title="Letters", css="#workskin .b { color: red }", skin=skin)
    work.refresh_from_db()
    assert work.work_skin is None


# --- One path for both kinds ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["site", "work"])
def test_withdrawing_a_public_skin_from_its_form_releases_others_of_either_kind(
    kind: str,
) -> None:
    """Both kinds' buttons run the one step (``core.public_skin_views``) with their own
    release: whoever else used the skin goes back to the archive's look; the owner keeps it."""
    author, other = writer("author"), writer("other")
    if kind == "site":
        skin: SiteSkin | WorkSkin = site_skin(author, PublicState.APPROVED)
        choose_site_skin(other, skin)  # type: ignore[arg-type]
        url = reverse("accounts:site_skin_public", args=[skin.pk])
    else:
        skin = work_skin(author, PublicState.APPROVED)
        as_user(other).post(reverse("works:new"), work_form_data(work_skin=skin.pk))
        assert Work.objects.get().work_skin == skin
        url = reverse("works:skin_public", args=[skin.pk])
    response = as_user(author).post(url, {"step": "withdraw"})
    assert response.status_code == 302
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE
    if kind == "site":
        assert Preference.objects.get(user=other).site_skin is None
    else:
        assert Work.objects.get().work_skin is None
    assert as_user(author).post(url, {"step": "dance"}).status_code == 400


# --- A work's skin is checked again when the work is saved --------------------------------


def _withdrawn_on_the_way(monkeypatch: pytest.MonkeyPatch, skin: WorkSkin, name: str) -> None:
    """The skin is made private after the form was checked, before the action saves."""
    real = getattr(work_actions, name)

    def withdrawn_first(*args: object, **kwargs: object) -> object:
        withdraw_public_work_skin(skin, owner=skin.owner)
        return real(*args, **kwargs)

    monkeypatch.setattr(work_actions, name, withdrawn_first)


def test_a_skin_made_private_after_the_form_refuses_the_edit_and_nothing_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skin = work_skin(writer("author"), PublicState.APPROVED)
    creator = writer("creator")
    client = as_user(creator)
    client.post(reverse("works:new"), work_form_data(title="Before"))
    work = Work.objects.get()
    _withdrawn_on_the_way(monkeypatch, skin, "update_work")
    response = client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(title="After", work_skin=skin.pk)
    )
    text = page_text(response, status=200)
    assert "The work skin “Letters” is not yours and no longer public" in text
    work.refresh_from_db()
    assert work.title == "Before" and work.work_skin is None


def test_a_skin_made_private_after_the_form_refuses_a_new_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    skin = work_skin(writer("author"), PublicState.APPROVED)
    _withdrawn_on_the_way(monkeypatch, skin, "create_work")
    response = as_user(writer("creator")).post(
        reverse("works:new"), work_form_data(work_skin=skin.pk)
    )
    assert "no longer public" in page_text(response, status=200)
    assert not Work.objects.exists()


def test_the_action_refuses_a_skin_neither_the_actors_nor_public_nor_the_works() -> None:
    """Called as the API and the form call it, with a choice checked earlier."""
    author, creator = writer("author"), writer("creator")
    skin = work_skin(author, PublicState.APPROVED)
    chosen = work_data(work_skin=SkinChoice(skin))
    work = work_actions.create_work(work_data(title="Before"), actor=creator, post=True)
    withdraw_public_work_skin(skin, owner=author)
    with pytest.raises(work_actions.PostingError) as refused:
        work_actions.update_work(work, chosen, actor=creator, post=True)
    assert refused.value.field == "work_skin"
    with pytest.raises(work_actions.PostingError):
        work_actions.create_work(chosen, actor=creator, post=True)
    work.refresh_from_db()
    assert work.title == "Before" and work.work_skin is None
    assert Work.objects.count() == 1


def test_a_co_creators_skin_the_work_has_is_kept_when_the_work_is_edited() -> None:
    """The form offers the skin the work has, private or not; the action agrees."""
    author, co_creator = writer("author"), writer("co")
    theirs = work_skin(co_creator, title="Theirs")
    work = work_actions.create_work(work_data(), actor=author, post=True)
    Creatorship.objects.create(work=work, pseud=pseud_of(co_creator), is_approved=True)
    work_actions.update_work(
        work, work_data(work_skin=SkinChoice(theirs)), actor=co_creator, post=True
    )
    saved = work_actions.update_work(
        work, work_data(title="Edited", work_skin=SkinChoice(theirs)), actor=author, post=True
    )
    assert saved.work_skin == theirs and saved.title == "Edited"


def test_a_skin_deleted_after_the_form_refuses_the_save() -> None:
    author = writer("author")
    skin = work_skin(author)
    chosen = work_data(work_skin=SkinChoice(skin))
    WorkSkin.objects.filter(pk=skin.pk).delete()
    with pytest.raises(work_actions.PostingError, match="deleted"):
        work_actions.create_work(chosen, actor=author, post=True)
    assert not Work.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
def test_an_edit_racing_a_withdrawal_waits_for_it_and_is_refused() -> None:
    """The owner withdraws their public skin while a creator saves a work with it: the
    save waits on the skin's row, then sees it private and writes nothing. (Checked
    without the lock, the save would see it public, and the work would keep a skin the
    withdrawal had already released others from.)"""
    author, creator = writer("author"), writer("creator")
    skin = work_skin(author, PublicState.APPROVED)
    work = work_actions.create_work(work_data(title="Before"), actor=creator, post=True)
    chosen = work_data(title="After", work_skin=SkinChoice(skin))
    withdrawn, finish = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def withdraw_slowly() -> None:
        try:
            with transaction.atomic():
                withdraw_public_work_skin(skin, owner=author)
                withdrawn.set()
                finish.wait(10)
        finally:
            connections.close_all()

    def save() -> None:
        try:
            work_actions.update_work(work, chosen, actor=creator, post=True)
            outcome["saved"] = True
        except work_actions.PostingError as refusal:
            outcome["refused"] = str(refusal)
        finally:
            connections.close_all()

    owner = threading.Thread(target=withdraw_slowly)
    owner.start()
    assert withdrawn.wait(10)
    saving = threading.Thread(target=save)
    saving.start()
    saving.join(0.5)
    assert saving.is_alive()  # waiting for the skin's row
    finish.set()
    owner.join(10)
    saving.join(10)
    assert "no longer public" in str(outcome.get("refused"))
    work.refresh_from_db()
    assert work.title == "Before" and work.work_skin is None


# --- Nobody approves their own skin --------------------------------------------------------


def test_a_reviewer_may_not_approve_their_own_skin(reviewer: User) -> None:
    skin = site_skin(reviewer, PublicState.REQUESTED)
    client = as_user(reviewer)
    page = client.get(REVIEW).content.decode()
    assert "You wrote this skin: another reviewer approves it." in page
    assert 'value="reject">Reject' in page and 'value="approve"' not in page
    response = decide(client, "site", skin.pk, "approve", "Mine, and lovely.")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert "“Harbour”: You wrote this skin: another reviewer approves it." in page_text(
        client.get(REVIEW)
    )
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED and skin.reviewed_at is None
    assert not AuditEntry.objects.exists()
    with pytest.raises(SkinReviewRefused, match="another reviewer"):
        review_site_skin(skin, actor=reviewer, approve=True, reason="", read=css_digest(skin.css))
    # Another reviewer approves it.
    other = writer("other-reviewer")
    other.user_permissions.add(Permission.objects.get(codename="approve_skins"))
    decide(as_user(other), "site", skin.pk, "approve")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.APPROVED


def test_a_reviewers_own_work_skin_is_refused_too_and_a_superuser_may_approve_theirs(
    reviewer: User,
) -> None:
    skin = work_skin(reviewer, PublicState.REQUESTED)
    decide(as_user(reviewer), "work", skin.pk, "approve")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    admin = writer("admin")
    admin.is_superuser = True
    admin.save()
    theirs = work_skin(admin, PublicState.REQUESTED, title="Admin's")
    decide(as_user(admin), "work", theirs.pk, "approve")
    theirs.refresh_from_db()
    assert theirs.public_state == PublicState.APPROVED
    assert AuditEntry.objects.get(action="approve skin").actor == admin


# --- A public site skin reads nothing off the page ------------------------------------------


LEAKY_CSS = 'input[value^="a"] { color: red }\n\n.x:not([href*="/works/"]) { color: red }\n'


def test_a_site_skin_testing_attributes_that_hold_data_is_not_made_public() -> None:
    author = writer("author")
    skin = site_skin(author, css=LEAKY_CSS)
    client = as_user(author)
    client.post(reverse("accounts:site_skin_public", args=[skin.pk]), {"step": "request"})
    skin.refresh_from_db()
    assert skin.public_state == PublicState.PRIVATE
    page = page_text(client.get(reverse("accounts:site_skin_edit", args=[skin.pk])))
    assert 'input[value^="a"]: a public site skin can\'t test [value]' in page.replace(
        "&quot;", '"'
    ).replace("&#x27;", "'")
    assert ".x:not([href*=" in page.replace("&quot;", '"')


def test_a_site_skin_testing_only_the_archives_own_attributes_may_be_public() -> None:
    author = writer("author")
    skin = site_skin(author, css='input[type="submit"], details[open] { color: red }\n')
    request = reverse("accounts:site_skin_public", args=[skin.pk])
    as_user(author).post(request, {"step": "request"})
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED


def test_an_approval_checks_the_attributes_again(reviewer: User) -> None:
    """Asked before the rule (or edited while waiting): the approval refuses it."""
    skin = site_skin(writer("author"), PublicState.REQUESTED, css=LEAKY_CSS)
    decide(as_user(reviewer), "site", skin.pk, "approve")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.REQUESTED
    assert not AuditEntry.objects.exists()
    with pytest.raises(SkinReviewRefused, match=r"input\[value\^=\"a\"\]"):
        review_site_skin(skin, actor=reviewer, approve=True, reason="", read=css_digest(skin.css))


def test_a_work_skin_may_test_attributes_of_the_works_text(reviewer: User) -> None:
    """Its selectors reach only the work's text, which its readers read anyway."""
    author = writer("author")
    skin = WorkSkin.objects.create(
        owner=author, title="Titles", css='#workskin span[title^="a"] { color: red }'
    )
    as_user(author).post(reverse("works:skin_public", args=[skin.pk]), {"step": "request"})
    decide(as_user(reviewer), "work", skin.pk, "approve")
    skin.refresh_from_db()
    assert skin.public_state == PublicState.APPROVED
