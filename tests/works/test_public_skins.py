"""Public skins (issue 16): a member asks for their site or work skin to be made public, a
reviewer with ``accounts.approve_skins`` approves or rejects it with a reason (audited);
approved ones are offered to every member, frozen while public, and those who chose one
fall back to the archive's look when it stops being public or its author edits it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from ficshelf.accounts import actions as account_actions
from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.accounts.skin_actions import choose_site_skin, review_site_skin, save_site_skin
from ficshelf.core.models import AuditEntry
from ficshelf.core.public_skins import PublicState, css_digest
from ficshelf.moderation.roles import SUPPORT, sync_roles
from ficshelf.works.models import Creatorship, Work, WorkSkin
from ficshelf.works.skin_actions import save_work_skin
from tests.helpers import page_text
from tests.works.factories_posting import pseud_of, work_form_data, writer

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
