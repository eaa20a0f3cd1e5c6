"""Pseuds, a member's pseuds and imported creators' works, through the profile's lookup and
the visibility rule: a name credited only on works the reader may not see is not found, and
works in anonymous or unrevealed collections never name their creators."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import Block, Pseud, User
from ficshelf.social.models import Subscription
from ficshelf.works.models import Work
from tests.api.helpers import call, token_for
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def imported(name: str = "ao3writer") -> Pseud:
    return PseudFactory(user=None, name=name)


def hidden_in(state: str, pseud: Pseud) -> Work:
    """A work credited to ``pseud`` that a guest may not see, or whose creators are not
    named, for ``state``."""
    if state in {"draft", "hidden", "restricted"}:
        return WorkFactory(creator=pseud, title=f"The {state} one", **{state: True})
    work = WorkFactory(creator=pseud, title=f"The {state} one")
    flag = {"anonymous": "in_anonymous_collection", "unrevealed": "in_unrevealed_collection"}
    Work.objects.filter(pk=work.pk).update(**{flag[state]: True})
    return work


def test_a_members_pseud_and_their_pseuds(client: Client) -> None:
    member = UserFactory(username="maker")
    default = PseudFactory(user=member, name="maker")
    other = PseudFactory(user=member, name="Another Name", is_default=False)
    status, data = call(client, "GET", f"/api/v1/pseuds/{other.pk}")
    assert status == 200
    assert data == {
        "id": other.pk,
        "name": "Another Name",
        "description": "",
        "is_default": False,
        "username": "maker",
        "url": "/users/maker/",
        "works_url": "/api/v1/works?username=maker",
    }
    status, data = call(client, "GET", "/api/v1/users/maker/pseuds")
    assert status == 200
    assert [p["id"] for p in data["pseuds"]] == [default.pk, other.pk]


def test_a_member_without_a_profile_has_no_pseuds_here(client: Client) -> None:
    pseud = PseudFactory(user=UserFactory(username="gone"))
    User.objects.filter(username="gone").update(is_active=False)
    assert call(client, "GET", f"/api/v1/pseuds/{pseud.pk}")[0] == 404
    assert call(client, "GET", "/api/v1/users/gone/pseuds")[0] == 404
    assert call(client, "GET", "/api/v1/pseuds/999999")[0] == 404


def test_an_imported_creator_and_their_works(client: Client) -> None:
    pseud = imported()
    WorkFactory(creator=pseud, title="Brought Over")
    status, data = call(client, "GET", f"/api/v1/pseuds/{pseud.pk}")
    assert status == 200
    assert data["username"] is None
    assert data["url"] == f"/creators/{pseud.pk}/"
    assert data["works_url"] == f"/api/v1/creators/{pseud.pk}/works"
    status, data = call(client, "GET", f"/api/v1/creators/{pseud.pk}/works")
    assert status == 200
    assert [w["title"] for w in data["works"]] == ["Brought Over"]
    assert data["works"][0]["creators"][0]["pseud_id"] == pseud.pk
    assert data["total"] == 1 and data["next_cursor"] is None
    # A member's pseud is no imported creator.
    member_pseud = PseudFactory()
    WorkFactory(creator=member_pseud)
    assert call(client, "GET", f"/api/v1/creators/{member_pseud.pk}/works")[0] == 404


@pytest.mark.parametrize("state", ["draft", "hidden", "restricted", "anonymous", "unrevealed"])
def test_a_name_credited_only_where_the_reader_may_not_look_is_not_found(
    client: Client, state: str
) -> None:
    pseud = imported()
    hidden_in(state, pseud)
    for url in [f"/api/v1/pseuds/{pseud.pk}", f"/api/v1/creators/{pseud.pk}/works"]:
        status, data = call(client, "GET", url)
        assert (status, data) == (404, {"detail": "No such creator."}), url


@pytest.mark.parametrize("state", ["draft", "hidden", "restricted", "anonymous", "unrevealed"])
def test_their_listing_leaves_out_what_the_reader_may_not_see(client: Client, state: str) -> None:
    pseud = imported()
    WorkFactory(creator=pseud, title="Public One")
    hidden_in(state, pseud)
    status, data = call(client, "GET", f"/api/v1/creators/{pseud.pk}/works")
    assert status == 200
    assert [w["title"] for w in data["works"]] == ["Public One"]
    assert data["total"] == 1


def test_members_with_a_read_token_see_restricted_works(client: Client) -> None:
    pseud = imported()
    WorkFactory(creator=pseud, title="Members Only", restricted=True)
    token = token_for(UserFactory(), "read")
    status, data = call(client, "GET", f"/api/v1/creators/{pseud.pk}/works", token)
    assert status == 200
    assert [w["title"] for w in data["works"]] == ["Members Only"]


def test_the_cursor_walks_their_works(client: Client) -> None:
    pseud = imported()
    made = [WorkFactory(creator=pseud).pk for _ in range(21)]
    status, first = call(client, "GET", f"/api/v1/creators/{pseud.pk}/works")
    assert status == 200 and len(first["works"]) == 20 and first["total"] == 21
    url = f"/api/v1/creators/{pseud.pk}/works?cursor={first['next_cursor']}"
    status, second = call(client, "GET", url)
    assert [w["id"] for w in second["works"]] == [min(made)]
    assert second["next_cursor"] is None


def test_subscribing_to_a_member_uses_the_profiles_lookup(client: Client) -> None:
    creator = UserFactory(username="author")
    reader = UserFactory()
    token = token_for(reader, "write:subscriptions")
    User.objects.filter(pk=creator.pk).update(is_active=False)
    status, data = call(client, "PUT", "/api/v1/users/author/subscription", token)
    assert (status, data) == (404, {"detail": "No such user."})
    User.objects.filter(pk=creator.pk).update(is_active=True)
    Block.objects.create(blocker=creator, blocked=reader)
    status, data = call(client, "PUT", "/api/v1/users/author/subscription", token)
    assert status == 403 and "blocked" in data["detail"]
    assert not Subscription.objects.exists()
