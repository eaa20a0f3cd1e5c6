"""Reader preferences, and how they change the reading pages."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from ficshelf.accounts.context_processors import reader_preferences
from ficshelf.accounts.models import Preference, User
from ficshelf.tags.models import TagType
from ficshelf.works.models import Work
from tests.accounts.factories import PreferenceFactory
from tests.factories import TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

pytestmark = pytest.mark.django_db


def reader_with(client: Client, **traits: bool) -> User:
    preference = PreferenceFactory(**traits)
    client.force_login(preference.user)
    return preference.user


def warned_work(**kwargs: object) -> Work:
    work = WorkFactory(**kwargs)
    work.tags.add(TagFactory(name="Major Character Death", type=TagType.WARNING))
    work.tags.add(TagFactory(name="Hurt/Comfort", type=TagType.FREEFORM))
    return work


def chaptered_work() -> Work:
    work = WorkFactory(chapters=3, expected_chapter_count=None, is_complete=False)
    for chapter in work.chapters.all():
        chapter.text = f"<p>The words of chapter {chapter.position}.</p>"
        chapter.save()
    return work


def test_preferences_are_created_when_first_saved(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:preferences")).status_code == 200
    assert not Preference.objects.filter(user=user).exists()

    client.post(
        reverse("accounts:preferences"),
        {"hide_warnings": "on", "font_size": "120", "theme": "dark", "hide_adult_notice": "on"},
    )

    preference = Preference.objects.get(user=user)
    assert (preference.hide_warnings, preference.font_size, preference.theme) == (
        True,
        120,
        "dark",
    )


def test_preferences_refuse_a_font_size_off_the_list(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:preferences"), {"font_size": "400", "theme": "dark"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Preference.objects.exists()


def test_dark_theme_and_font_size_become_body_classes(client: Client) -> None:
    reader_with(client, dark=True, font_size=135)

    html = get_listing(client, reverse("works:index")).content.decode()

    assert '<body class="theme-dark font-size-135">' in html


def test_context_processor_gives_guests_no_body_class() -> None:
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    assert reader_preferences(request)["reader_body_class"] == ""


def test_context_processor_reads_preferences_once_per_request(
    django_assert_num_queries: object,
) -> None:
    preference = PreferenceFactory(dark=True)
    request = RequestFactory().get("/")
    request.user = preference.user

    with django_assert_num_queries(1):  # type: ignore[operator]
        reader_preferences(request)
        reader_preferences(request)


def test_hidden_warnings_sit_behind_a_show_warnings_disclosure_on_the_work_page(
    client: Client,
) -> None:
    reader_with(client, warnings_hidden=True)
    work = warned_work()

    html = client.get(work.get_absolute_url()).content.decode()

    assert "<summary>Show warnings</summary>" in html
    assert html.index("<summary>Show warnings</summary>") < html.index("Major Character Death")


def test_hidden_warnings_sit_behind_a_disclosure_in_blurbs(client: Client) -> None:
    reader_with(client, warnings_hidden=True)
    warned_work()

    html = get_listing(client, reverse("works:index")).content.decode()

    assert "<summary>Show warnings</summary>" in html
    assert 'title="Major Character Death"' not in html


def test_warnings_show_plainly_without_the_preference(client: Client) -> None:
    reader_with(client)
    work = warned_work()

    html = client.get(work.get_absolute_url()).content.decode()

    assert "Show warnings" not in html
    assert "Major Character Death" in html


def test_guests_see_warnings_plainly(client: Client) -> None:
    warned_work()

    html = get_listing(client, reverse("works:index")).content.decode()

    assert "Show warnings" not in html
    assert "Major Character Death" in html


def test_hidden_additional_tags_sit_behind_a_disclosure_in_listings(client: Client) -> None:
    reader_with(client, freeforms_hidden=True)
    warned_work()

    html = get_listing(client, reverse("works:index")).content.decode()

    assert "<summary>Show additional tags</summary>" in html
    assert html.index("Show additional tags") < html.index("Hurt/Comfort")


def test_show_whole_work_preference_opens_every_chapter(client: Client) -> None:
    reader_with(client, full_work=True)
    work = chaptered_work()

    html = client.get(work.get_absolute_url()).content.decode()

    for position in (1, 2, 3):
        assert f"The words of chapter {position}." in html


def test_show_whole_work_preference_yields_to_an_explicit_chapter_by_chapter_link(
    client: Client,
) -> None:
    reader_with(client, full_work=True)
    work = chaptered_work()

    html = client.get(work.get_absolute_url() + "?view_full_work=false").content.decode()

    assert "The words of chapter 1." in html
    assert "The words of chapter 2." not in html


def test_member_who_asks_for_the_adult_notice_gets_it(client: Client) -> None:
    reader_with(client, asks_adult_notice=True)
    work = WorkFactory(rating="Explicit")

    html = client.get(work.get_absolute_url()).content.decode()

    assert "This work could have adult content." in html
    assert "Once there was a story" not in html


def test_member_who_hides_the_adult_notice_reads_straight_away(client: Client) -> None:
    reader_with(client, hide_adult_notice=True)
    work = WorkFactory(rating="Explicit")

    html = client.get(work.get_absolute_url()).content.decode()

    assert "This work could have adult content." not in html
    assert "Once there was a story" in html


def test_preferences_page_has_csrf_protection() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:preferences"), {"font_size": "100", "theme": "dark"})

    assert response.status_code == 403
