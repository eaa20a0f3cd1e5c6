"""Saved exclusions: kept for members and for guests' visits, applied to every listing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.client import RequestFactory
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.search.exclusions import Exclusions, exclusions_for_user, save_exclusions_for_user
from ficshelf.search.models import ExclusionSet
from ficshelf.search.query import WorkQuery
from ficshelf.search.service import find_works
from ficshelf.tags.models import Tag, TagType
from tests.factories import PseudFactory, UserFactory
from tests.search.listing_helpers import (
    fandom,
    freeform,
    index_now,
    page,
    relationship,
    tag,
    titles,
    warning,
    work,
)

pytestmark = pytest.mark.django_db

EXCLUSIONS = "/exclusions/"


def save(client: Client, **fields: object) -> str:
    data = {"tags": "", "creators": "", "max_fandoms": "", "max_relationships": ""}
    data.update({k: v for k, v in fields.items()})  # type: ignore[misc]
    response = client.post(EXCLUSIONS, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def angst_and_fluff() -> None:
    work("Sad", freeform("Angst"))
    work("Happy", freeform("Fluff"))
    index_now()


def test_exclusions_page_has_its_url_name(client: Client) -> None:
    assert reverse("search:exclusions") == EXCLUSIONS
    assert "Saved exclusions" in page(client, EXCLUSIONS)


@pytest.mark.usefixtures("angst_and_fluff")
def test_a_guests_excluded_tag_is_hidden_for_the_rest_of_the_visit(client: Client) -> None:
    save(client, tags="Angst")

    assert titles(page(client, "/works/")) == ["Happy"]
    assert "1 – 1 of 1 Work" in page(client, "/works/")
    assert Client().get("/works/").content.decode().count('class="blurb"') == 2


@pytest.mark.usefixtures("angst_and_fluff")
def test_a_members_exclusions_are_kept_in_the_database_across_visits(client: Client) -> None:
    member = UserFactory()
    client.force_login(member)
    save(client, tags="angst")

    assert list(ExclusionSet.objects.get(user=member).tags.values_list("name", flat=True)) == [
        "Angst"
    ]
    later = Client()
    later.force_login(member)
    assert titles(page(later, "/works/")) == ["Happy"]


@pytest.mark.usefixtures("angst_and_fluff")
def test_exclusions_apply_to_tag_listings_and_search(client: Client) -> None:
    work("Sad Fluff", freeform("Angst"), freeform("Fluff"))
    index_now()
    save(client, tags="Angst")

    assert titles(page(client, "/tags/Fluff/works/")) == ["Happy"]
    assert titles(page(client, "/search/", {"q": "story"})) == ["Happy"]


def test_an_excluded_warning_hides_its_works(client: Client) -> None:
    work("Violent", warning("Graphic Depictions Of Violence"))
    work("Calm", warning("No Archive Warnings Apply"))
    index_now()
    violence = Tag.objects.get(name="Graphic Depictions Of Violence")

    save(client, warnings=[violence.pk])

    assert titles(page(client, "/works/")) == ["Calm"]


def test_excluding_a_tag_hides_works_tagged_with_its_synonyms(client: Client) -> None:
    canonical = tag("Major Angst", TagType.FREEFORM, is_canonical=True)
    by_synonym = work("Tagged With Synonym")
    by_synonym.tags.add(tag("angsty", TagType.FREEFORM, merger=canonical))
    work("Untouched")
    index_now()

    save(client, tags="Major Angst")

    assert titles(page(client, "/works/")) == ["Untouched"]


def test_an_excluded_creators_works_are_hidden(client: Client) -> None:
    work("By Someone", creator=PseudFactory(user=UserFactory(username="someone")))
    work("By Another")
    index_now()

    save(client, creators="Someone")

    assert titles(page(client, "/works/")) == ["By Another"]


def test_works_with_too_many_fandoms_are_hidden(client: Client) -> None:
    work("Three Fandoms", fandom("A"), fandom("B"), fandom("C"))
    work("Two Fandoms", fandom("A"), fandom("B"))
    index_now()

    save(client, max_fandoms=2)

    assert titles(page(client, "/works/")) == ["Two Fandoms"]


def test_works_with_too_many_relationships_are_hidden(client: Client) -> None:
    work("Many Ships", relationship("A/B"), relationship("C/D"))
    work("One Ship", relationship("A/B"))
    index_now()

    save(client, max_relationships=1)

    assert titles(page(client, "/works/")) == ["One Ship"]


def test_unknown_tag_names_are_form_errors_and_nothing_is_saved(client: Client) -> None:
    tag("Angst", is_canonical=True)
    member = UserFactory()
    client.force_login(member)

    response = client.post(EXCLUSIONS, {"tags": "Angst, Nonexistent Tag", "creators": ""})

    assert response.status_code == 200
    assert "No tag is called “Nonexistent Tag”" in response.content.decode()
    assert not ExclusionSet.objects.filter(user=member).exists()


def test_unknown_usernames_are_form_errors(client: Client) -> None:
    response = client.post(EXCLUSIONS, {"tags": "", "creators": "ghost"})

    assert "No one has the username “ghost”" in response.content.decode()


def test_the_form_shows_what_is_saved(client: Client) -> None:
    tag("Angst", is_canonical=True)
    client.force_login(UserFactory())
    save(client, tags="Angst", creators="", max_fandoms=4)

    html = page(client, EXCLUSIONS)

    assert "Angst</textarea>" in html
    assert 'name="max_fandoms" value="4"' in html
    assert "Now hiding: 1 tag, works with more than 4 fandoms." in html


def test_emptying_the_form_clears_the_exclusions(client: Client) -> None:
    tag("Angst", is_canonical=True)
    save(client, tags="Angst")
    save(client, tags="")

    assert "Now hiding" not in page(client, EXCLUSIONS)


def test_the_listing_sidebar_summarises_and_links_to_the_exclusions(client: Client) -> None:
    tag("Angst", is_canonical=True)
    save(client, tags="Angst")

    html = page(client, "/works/")

    assert "Your saved exclusions hide 1 tag from every listing." in html
    assert f'href="{EXCLUSIONS}">Edit saved exclusions</a>' in html


def test_a_readers_own_works_page_ignores_their_exclusions(client: Client) -> None:
    me = PseudFactory(user=UserFactory(username="me"))
    work("My Angst", freeform("Angst"), creator=me)
    index_now()
    client.force_login(me.user)
    save(client, tags="Angst")

    assert titles(page(client, "/users/me/works/")) == ["My Angst"]


def test_readers_never_hide_their_own_works_as_creators(client: Client) -> None:
    me = PseudFactory(user=UserFactory(username="me"))
    work("Mine", creator=me)
    index_now()
    client.force_login(me.user)
    save(client, creators="me")

    assert titles(page(client, "/works/")) == ["Mine"]


def test_feeds_and_the_api_get_a_members_exclusions_from_the_user(client: Client) -> None:
    work("Sad", freeform("Angst"))
    work("Happy", freeform("Fluff"))
    index_now()
    member = UserFactory()
    save_exclusions_for_user(member, Exclusions(tags=(Tag.objects.get(name="Angst"),)))

    found = find_works(member, WorkQuery())

    assert [w.title for w in found.works] == ["Happy"]
    assert found.total == 1


def test_exclusions_can_be_left_out_on_request(client: Client) -> None:
    work("Sad", freeform("Angst"))
    index_now()
    member = UserFactory()
    save_exclusions_for_user(member, Exclusions(tags=(Tag.objects.get(name="Angst"),)))
    request = RequestFactory().get("/")
    request.user = member

    assert find_works(request, WorkQuery(), apply_exclusions=False).total == 1
    assert find_works(request, WorkQuery()).total == 0


def test_guests_have_no_saved_exclusions_outside_a_request() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert exclusions_for_user(AnonymousUser()).is_empty
    assert exclusions_for_user(None).is_empty


def test_a_deleted_user_drops_out_of_a_members_exclusions(client: Client) -> None:
    other = UserFactory(username="leaving")
    member = UserFactory()
    save_exclusions_for_user(member, Exclusions(creators=(other,)))
    User.objects.filter(pk=other.pk).delete()

    assert exclusions_for_user(member).creators == ()


def test_a_tag_only_on_someone_elses_draft_is_unknown_to_the_form(client: Client) -> None:
    work("Secret", freeform("Secret Plot Twist"), draft=True)

    response = client.post(EXCLUSIONS, {"tags": "Secret Plot Twist", "creators": ""})

    assert "No tag is called “Secret Plot Twist”" in response.content.decode()
