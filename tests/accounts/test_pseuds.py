"""Pseuds: several per user, exactly one default; create, rename, set default, delete."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import Pseud, User
from ficshelf.works.models import Creatorship
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer(client: Client) -> User:
    pseud = PseudFactory(user=UserFactory(username="writer"), name="writer")
    client.force_login(pseud.user)
    assert pseud.user is not None
    return pseud.user


def defaults(user: User) -> list[str]:
    return list(Pseud.objects.filter(user=user, is_default=True).values_list("name", flat=True))


def test_member_creates_a_second_pseud_that_is_not_the_default(
    client: Client, writer: User
) -> None:
    response = client.post(reverse("accounts:pseuds"), {"name": "Moonlit", "description": ""})

    assert response.status_code == 302
    assert Pseud.objects.filter(user=writer, name="Moonlit", is_default=False).exists()
    assert defaults(writer) == ["writer"]


def test_pseud_names_are_unique_per_user_whatever_the_case(client: Client, writer: User) -> None:
    response = client.post(reverse("accounts:pseuds"), {"name": "WRITER", "description": ""})

    assert "You already have a pseud named" in response.content.decode()
    assert Pseud.objects.filter(user=writer).count() == 1


def test_empty_pseud_name_is_a_form_error(client: Client, writer: User) -> None:
    response = client.post(reverse("accounts:pseuds"), {"name": "   ", "description": ""})

    assert response.status_code == 200
    assert Pseud.objects.filter(user=writer).count() == 1


def test_member_renames_a_pseud(client: Client, writer: User) -> None:
    pseud = Pseud.objects.get(user=writer)

    client.post(
        reverse("accounts:pseud_edit", args=[pseud.pk]), {"name": "Renamed", "description": "Hi"}
    )

    pseud.refresh_from_db()
    assert (pseud.name, pseud.description) == ("Renamed", "Hi")


def test_renamed_pseud_shows_in_bylines_as_pseud_and_user(client: Client, writer: User) -> None:
    pseud = Pseud.objects.get(user=writer)
    work = WorkFactory(creator=pseud)

    client.post(reverse("accounts:pseud_edit", args=[pseud.pk]), {"name": "Moonlit"})

    assert "Moonlit (writer)" in client.get(work.get_absolute_url()).content.decode()


def test_making_a_pseud_default_leaves_exactly_one_default(client: Client, writer: User) -> None:
    other = PseudFactory(user=writer, name="Other", is_default=False)

    client.post(reverse("accounts:pseud_default", args=[other.pk]))

    assert defaults(writer) == ["Other"]


def test_deleting_a_pseud_moves_its_works_to_the_default(client: Client, writer: User) -> None:
    other = PseudFactory(user=writer, name="Other", is_default=False)
    work = WorkFactory(creator=other)

    response = client.post(reverse("accounts:pseud_delete", args=[other.pk]))

    assert response.status_code == 302
    assert not Pseud.objects.filter(pk=other.pk).exists()
    assert Creatorship.objects.get(work=work).pseud.name == "writer"


def test_deleting_a_pseud_asks_for_confirmation_first(client: Client, writer: User) -> None:
    other = PseudFactory(user=writer, name="Other", is_default=False)

    response = client.get(reverse("accounts:pseud_delete", args=[other.pk]))

    assert "Delete the pseud “Other”?" in response.content.decode()
    assert Pseud.objects.filter(pk=other.pk).exists()


def test_default_pseud_cannot_be_deleted(client: Client, writer: User) -> None:
    default = Pseud.objects.get(user=writer)

    client.post(reverse("accounts:pseud_delete", args=[default.pk]))

    assert Pseud.objects.filter(pk=default.pk).exists()


def test_member_cannot_touch_someone_elses_pseud(client: Client, writer: User) -> None:
    theirs = PseudFactory(user=UserFactory(), name="Theirs", is_default=False)

    assert client.post(reverse("accounts:pseud_default", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:pseud_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("accounts:pseud_edit", args=[theirs.pk])).status_code == 404


def test_deleting_a_pseud_on_a_work_the_default_also_credits_leaves_one_credit(
    client: Client, writer: User
) -> None:
    default = Pseud.objects.get(user=writer)
    other = PseudFactory(user=writer, name="Other", is_default=False)
    work = WorkFactory(creator=default)
    Creatorship.objects.create(work=work, pseud=other, position=1)

    client.post(reverse("accounts:pseud_delete", args=[other.pk]))

    assert [c.pseud for c in Creatorship.objects.filter(work=work)] == [default]


def test_account_without_pseuds_gets_a_default_one_named_like_the_username(
    client: Client,
) -> None:
    user = UserFactory(username="admin")
    client.force_login(user)

    html = client.get(reverse("accounts:pseuds")).content.decode()

    assert defaults(user) == ["admin"]
    assert "Default" in html


def test_a_pseud_name_with_a_newline_is_folded(client: Client, writer: User) -> None:
    client.post(reverse("accounts:pseuds"), {"name": "Moon\r\nlit", "description": ""})
    assert Pseud.objects.filter(user=writer, name="Moon lit").exists()


def test_a_pseud_name_with_a_control_character_is_refused(client: Client, writer: User) -> None:
    response = client.post(reverse("accounts:pseuds"), {"name": "Moon\x08", "description": ""})
    assert "control characters" in response.content.decode()
    assert Pseud.objects.filter(user=writer).count() == 1
