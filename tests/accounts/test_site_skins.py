"""Site skins: the archive's own (default, dark, low vision) and a member's own CSS."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.accounts.skin_actions import delete_site_skin
from tests.form_data import form_fields
from tests.helpers import page_text
from tests.works.factories_posting import writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client: Client) -> User:
    user = writer("reader")
    client.force_login(user)
    return user


def choose(client: Client, **changes: str | None) -> object:
    url = reverse("accounts:preferences")
    return client.post(url, form_fields(client, url, having="theme", changes=changes))


def test_the_archive_ships_three_skins_to_choose_from(client: Client, member: User) -> None:
    html = client.get(reverse("accounts:preferences")).content.decode()
    for value in ["light", "dark", "contrast"]:
        assert f'value="{value}"' in html
    choose(client, theme="contrast")
    assert 'class="theme-contrast"' in client.get(reverse("works:dashboard")).content.decode()


def test_a_member_writes_a_site_skin_for_the_whole_page(client: Client, member: User) -> None:
    client.post(
        reverse("accounts:site_skin_new"),
        {
            "title": "Night",
            "css": "body { background: #111; color: #eee } /* x */ .blurb { padding: 2em }",
        },
    )
    skin = SiteSkin.objects.get(owner=member)
    assert (
        skin.css
        == "body {\n  background: #111;\n  color: #eee;\n}\n\n.blurb {\n  padding: 2em;\n}\n"
    )


def test_a_hostile_site_skin_is_refused_whole(client: Client, member: User) -> None:
    response = client.post(
        reverse("accounts:site_skin_new"),
        {"title": "Bad", "css": "@import url(https://evil.example/x.css); body { color: red }"},
    )
    assert "@import" in page_text(response, status=400)
    assert not SiteSkin.objects.exists()


def test_the_chosen_site_skin_is_linked_on_every_page_of_its_owner(
    client: Client, member: User
) -> None:
    skin = SiteSkin.objects.create(owner=member, title="Night", css="body {\n  color: #eee;\n}\n")
    choose(client, site_skin=str(skin.pk))
    url = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    for page in [reverse("works:dashboard"), reverse("works:index")]:
        assert f'<link rel="stylesheet" href="{url}">' in client.get(page).content.decode()
    assert url not in Client().get(reverse("works:index")).content.decode()  # not to guests
    sheet = client.get(url)
    assert sheet["Content-Type"] == "text/css; charset=utf-8"
    assert sheet.content.decode() == skin.css


def test_an_edited_site_skin_is_linked_by_its_new_digest_at_once(
    client: Client, member: User
) -> None:
    skin = SiteSkin.objects.create(owner=member, title="Night", css="")
    Preference.objects.create(user=member, site_skin=skin)
    before = client.get(reverse("works:dashboard")).content.decode()
    client.post(
        reverse("accounts:site_skin_edit", args=[skin.pk]),
        {"title": "Night", "css": "body { color: #eee }"},
    )
    skin.refresh_from_db()
    after = client.get(reverse("works:dashboard")).content.decode()
    assert skin.version in after and skin.version not in before


def test_another_members_site_skin_cannot_be_chosen(client: Client, member: User) -> None:
    theirs = SiteSkin.objects.create(owner=writer("other"), title="Theirs", css="")
    assert "Theirs" not in client.get(reverse("accounts:preferences")).content.decode()
    response = choose(client, site_skin=str(theirs.pk))
    assert "Select a valid choice" in page_text(response, status=200)
    assert not Preference.objects.filter(user=member, site_skin=theirs).exists()


def test_deleting_the_chosen_skin_goes_back_to_the_archives(client: Client, member: User) -> None:
    skin = SiteSkin.objects.create(owner=member, title="Night", css="body {\n  color: #eee;\n}\n")
    Preference.objects.create(user=member, site_skin=skin)
    client.post(reverse("accounts:site_skin_delete", args=[skin.pk]))
    assert not SiteSkin.objects.exists()
    assert (
        "site-skins/"
        not in client.get(reverse("works:dashboard")).content.decode().split("</head>")[0]
    )


def test_the_preferences_call_the_choice_site_skin_and_say_what_it_offers(
    client: Client, member: User
) -> None:
    """Public skins are offered beside the member's own: not "My own site skin"."""
    html = client.get(reverse("accounts:preferences")).content.decode()
    assert '<label for="id_site_skin">Site skin:</label>' in html
    assert "My own site skin" not in html
    help_text = html.split('id="id_site_skin_helptext"', 1)[1].split("</div>", 1)[0]
    assert "one of your own" in help_text and "a public one" in help_text
    assert f'href="{reverse("accounts:public_site_skins")}"' in help_text


def test_a_skin_deleted_from_two_tabs_is_deleted_once_without_an_error(member: User) -> None:
    skin = SiteSkin.objects.create(owner=member, title="Night", css="body {\n  color: #eee;\n}\n")
    stale = SiteSkin.objects.get(pk=skin.pk)  # the second tab's page, loaded before
    delete_site_skin(skin, owner=member)
    delete_site_skin(stale, owner=member)  # finds it gone: nothing to do, no error
    assert not SiteSkin.objects.filter(pk=skin.pk).exists()
