"""Members' profile pages, blocking and muting."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.access import is_blocked
from ficshelf.accounts.actions import AccountActionError, block_user, mute_user
from ficshelf.accounts.models import Block, Mute, User
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

pytestmark = pytest.mark.django_db


def writer_with_pseuds() -> User:
    user = UserFactory(username="writer")
    PseudFactory(user=user, name="writer")
    PseudFactory(user=user, name="Moonlit", is_default=False)
    return user


def test_profile_lists_pseuds_and_visible_works(client: Client) -> None:
    writer = writer_with_pseuds()
    WorkFactory(title="A Public Story", creator=writer.pseuds.get(name="Moonlit"))

    html = client.get(reverse("users:profile", args=["writer"])).content.decode()

    assert "Moonlit" in html
    assert "A Public Story" in html


def test_profile_hides_works_the_visitor_may_not_see(client: Client) -> None:
    writer = writer_with_pseuds()
    pseud = writer.pseuds.get(name="writer")
    WorkFactory(title="Members Only", creator=pseud, restricted=True)
    WorkFactory(title="Unfinished Draft", creator=pseud, draft=True)

    html = client.get(reverse("users:profile", args=["writer"])).content.decode()

    assert "Members Only" not in html
    assert "Unfinished Draft" not in html
    assert "Works (0)" in html


def test_profile_of_an_unknown_user_is_404(client: Client) -> None:
    assert client.get(reverse("users:profile", args=["nobody"])).status_code == 404


def test_profile_of_a_suspended_user_is_404(client: Client) -> None:
    UserFactory(username="gone", is_active=False)

    assert client.get(reverse("users:profile", args=["gone"])).status_code == 404


def test_block_asks_for_confirmation_before_blocking(client: Client) -> None:
    writer_with_pseuds()
    client.force_login(UserFactory())

    response = client.get(reverse("users:block", args=["writer"]))

    assert "Block writer?" in response.content.decode()
    assert not Block.objects.exists()


def test_member_blocks_and_unblocks_someone(client: Client) -> None:
    writer = writer_with_pseuds()
    me = UserFactory()
    client.force_login(me)

    client.post(reverse("users:block", args=["writer"]))
    assert is_blocked(by=me, other=writer)
    assert "writer" in client.get(reverse("accounts:blocks")).content.decode()

    client.post(reverse("users:unblock", args=["writer"]))
    assert not is_blocked(by=me, other=writer)


def test_blocking_twice_keeps_one_block(client: Client) -> None:
    writer_with_pseuds()
    client.force_login(UserFactory())

    client.post(reverse("users:block", args=["writer"]))
    client.post(reverse("users:block", args=["writer"]))

    assert Block.objects.count() == 1


def test_is_blocked_is_one_way() -> None:
    me, them = UserFactory(), UserFactory()
    block_user(them, actor=me)

    assert is_blocked(by=me, other=them)
    assert not is_blocked(by=them, other=me)


def test_guests_are_never_blocked() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not is_blocked(by=UserFactory(), other=AnonymousUser())


def test_nobody_can_block_or_mute_themselves(client: Client) -> None:
    me = UserFactory(username="me")
    client.force_login(me)

    client.post(reverse("users:block", args=["me"]))
    client.post(reverse("users:mute", args=["me"]))

    assert not Block.objects.exists()
    assert not Mute.objects.exists()
    with pytest.raises(AccountActionError):
        block_user(me, actor=me)


def test_muting_someone_hides_their_works_from_the_index(client: Client) -> None:
    writer = writer_with_pseuds()
    WorkFactory(title="Loud Story", creator=writer.pseuds.get(name="writer"))
    client.force_login(UserFactory())

    client.post(reverse("users:mute", args=["writer"]))

    assert "Loud Story" not in get_listing(client, reverse("works:index")).content.decode()
    assert "writer" in client.get(reverse("accounts:mutes")).content.decode()


def test_unmuting_brings_their_works_back(client: Client) -> None:
    writer = writer_with_pseuds()
    WorkFactory(title="Loud Story", creator=writer.pseuds.get(name="writer"))
    me = UserFactory()
    mute_user(writer, actor=me)
    client.force_login(me)

    client.post(reverse("users:unmute", args=["writer"]))

    assert "Loud Story" in get_listing(client, reverse("works:index")).content.decode()


def test_block_and_mute_need_a_signed_in_user(client: Client) -> None:
    writer_with_pseuds()

    response = client.post(reverse("users:block", args=["writer"]))

    assert response.status_code == 302
    assert not Block.objects.exists()


def test_block_form_has_csrf_protection() -> None:
    writer_with_pseuds()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    assert client.post(reverse("users:block", args=["writer"])).status_code == 403


def test_profile_offers_block_and_mute_to_other_members(client: Client) -> None:
    writer_with_pseuds()
    client.force_login(UserFactory())

    html = client.get(reverse("users:profile", args=["writer"])).content.decode()

    assert reverse("users:block", args=["writer"]) in html
    assert reverse("users:mute", args=["writer"]) in html
