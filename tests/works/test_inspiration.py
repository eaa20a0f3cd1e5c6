"""Works inspired by other works (AO3's related works): named on the posting form by address,
shown on both works' pages as each reader may see them, and the source's creators told."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works.models import Inspiration, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.works.factories_posting import work_form_data

pytestmark = pytest.mark.django_db


def source_by(username: str, **kwargs: Any) -> Work:
    return WorkFactory(
        title=kwargs.pop("title", "The Lighthouse"),
        creator=PseudFactory(name=username, user__username=username),
        **kwargs,
    )


def post_inspired(client: Client, **overrides: Any) -> Any:
    return client.post(reverse("works:new"), work_form_data(title="The Keeper", **overrides))


def writer(client: Client) -> User:
    user = UserFactory(username="fanwriter")
    client.force_login(user)
    return user


def test_a_work_inspired_by_one_here_is_listed_on_it_once_its_creator_approves(
    client: Client,
) -> None:
    source = source_by("original")
    writer(client)
    response = post_inspired(client, inspired_by_url=f"http://testserver/works/{source.pk}/")
    assert response.status_code == 302
    child = Work.objects.get(title="The Keeper")
    assert Inspiration.objects.get(work=child).source == source
    child_page = client.get(child.get_absolute_url()).content.decode()
    assert (
        f'Inspired by <a href="/works/{source.pk}/">The Lighthouse</a> by original.' in child_page
    )
    # Not on the source until its creator approves.
    assert "The Keeper" not in client.get(source.get_absolute_url()).content.decode()
    (item,) = InboxItem.objects.filter(kind=InboxKind.INSPIRED)
    assert item.recipient.username == "original"
    assert item.text == (
        "The Keeper was inspired by your work The Lighthouse: approve it to list it on your work"
    )
    assert item.link == f"/works/{source.pk}/related/"
    # The writer cannot approve it for the source's creator.
    row = Inspiration.objects.get()
    assert (
        client.post(f"/works/{source.pk}/related/{row.pk}/", {"answer": "approve"}).status_code
        == 404
    )
    client.force_login(User.objects.get(username="original"))
    related = client.get(item.link).content.decode()
    assert "The Keeper" in related and "Waiting for approval" in related
    client.post(f"/works/{source.pk}/related/{row.pk}/", {"answer": "approve"})
    source_page = client.get(source.get_absolute_url()).content.decode()
    assert "Works inspired by this one:" in source_page
    assert f'<a href="/works/{child.pk}/">The Keeper</a>' in source_page
    # Removed: off the source's page; the work still names its source.
    client.post(f"/works/{source.pk}/related/{row.pk}/", {"answer": "remove"})
    source_page = client.get(source.get_absolute_url()).content.decode()
    assert f'<a href="/works/{child.pk}/">The Keeper</a>' not in source_page
    assert "Inspired by" in client.get(child.get_absolute_url()).content.decode()


def test_an_address_without_the_host_works_too(client: Client) -> None:
    source = source_by("original")
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}")
    assert Inspiration.objects.get().source == source


def test_a_source_elsewhere_needs_its_title_and_is_linked_as_given(client: Client) -> None:
    writer(client)
    response = post_inspired(client, inspired_by_url="https://example.org/story/9")
    assert "Give the title of the work yours was inspired by." in response.content.decode()
    post_inspired(
        client,
        inspired_by_url="https://example.org/story/9",
        inspired_by_title="Sea Glass",
        inspired_by_creator="someone else",
        is_translation="on",
    )
    child = Work.objects.get(title="The Keeper")
    page = client.get(child.get_absolute_url()).content.decode()
    assert (
        'A translation of <a href="https://example.org/story/9" rel="nofollow">Sea Glass</a> '
        "by someone else." in page
    )


def test_someone_elses_draft_cannot_be_named_and_its_address_reveals_nothing(
    client: Client,
) -> None:
    draft = source_by("secretive", title="Not Yet", draft=True)
    writer(client)
    response = post_inspired(client, inspired_by_url=f"/works/{draft.pk}/")
    html = response.content.decode()
    assert "There is no work at that address that you can see." in html
    assert "Not Yet" not in html
    assert not Work.objects.filter(title="The Keeper").exists()


def test_a_title_without_an_address_is_refused(client: Client) -> None:
    writer(client)
    response = post_inspired(client, inspired_by_title="Something")
    assert "Give the address of the work yours was inspired by." in response.content.decode()


def test_a_work_cannot_be_inspired_by_itself(client: Client) -> None:
    user = writer(client)
    work = WorkFactory(title="Ouroboros", creator=PseudFactory(user=user))
    response = client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(title="Ouroboros", inspired_by_url=f"/works/{work.pk}/"),
    )
    assert "A work cannot be inspired by itself." in response.content.decode()


def test_the_edit_form_shows_the_source_and_can_remove_it(client: Client) -> None:
    source = source_by("original")
    user = writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/")
    child = Work.objects.get(title="The Keeper")
    form = client.get(reverse("works:edit", args=[child.pk])).context["form"]
    assert form.initial["inspired_by_url"] == f"/works/{source.pk}/"
    client.post(reverse("works:edit", args=[child.pk]), work_form_data(title="The Keeper"))
    assert not Inspiration.objects.filter(work=child).exists()
    assert user.pk  # the writer stayed signed in throughout


def test_a_restricted_source_is_not_named_to_guests(client: Client) -> None:
    source = source_by("original", title="Members Only Story", restricted=True)
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/")
    child = Work.objects.get(title="The Keeper")
    client.logout()
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Inspired by a work that is not available." in page
    assert "Members Only Story" not in page


def test_inspired_works_a_reader_may_not_see_are_not_listed(client: Client) -> None:
    source = source_by("original")
    child = WorkFactory(title="Restricted Child", restricted=True)
    Inspiration.objects.create(work=child, source=source, title=source.title, approval="approved")
    assert "Restricted Child" not in client.get(source.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert "Restricted Child" in client.get(source.get_absolute_url()).content.decode()


def test_a_draft_tells_the_source_creator_only_when_posted(client: Client) -> None:
    source = source_by("original")
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/", action="preview")
    assert not InboxItem.objects.filter(kind=InboxKind.INSPIRED).exists()
    child = Work.objects.get(title="The Keeper")
    client.post(reverse("works:post", args=[child.pk]))
    assert InboxItem.objects.filter(kind=InboxKind.INSPIRED).count() == 1


def test_a_deleted_source_is_still_named_without_a_link(client: Client) -> None:
    source = source_by("original", title="Gone Now")
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/")
    source.delete()
    child = Work.objects.get(title="The Keeper")
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Inspired by Gone Now by original." in page


def test_editing_a_work_whose_source_was_deleted_keeps_the_line(client: Client) -> None:
    source = source_by("original", title="Gone Now")
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/")
    source.delete()
    child = Work.objects.get(title="The Keeper")
    response = client.post(
        reverse("works:edit", args=[child.pk]), work_form_data(title="The Keeper, Revised")
    )
    assert response.status_code == 302
    page = client.get(child.get_absolute_url()).content.decode()
    assert "Inspired by Gone Now by original." in page


def test_an_edit_that_leaves_the_source_alone_tells_nobody_again(client: Client) -> None:
    source = source_by("original")
    writer(client)
    post_inspired(client, inspired_by_url=f"/works/{source.pk}/")
    child = Work.objects.get(title="The Keeper")
    initial = client.get(reverse("works:edit", args=[child.pk])).context["form"].initial
    client.post(
        reverse("works:edit", args=[child.pk]),
        work_form_data(title="The Keeper", inspired_by_url=initial["inspired_by_url"]),
    )
    assert InboxItem.objects.filter(kind=InboxKind.INSPIRED).count() == 1


def test_the_works_inspired_by_one_are_read_in_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    from ficshelf.works.inspiration import inspired_works

    source = source_by("original")
    for number in range(5):
        child = WorkFactory(title=f"Answer {number}", creator=PseudFactory(name=f"fan{number}"))
        Inspiration.objects.create(
            work=child, source=source, title=source.title, approval="approved"
        )
    with django_assert_max_num_queries(4):
        bylines = [child.byline for child in inspired_works(source, None)]
    assert len(bylines) == 5 and all("(" in byline for byline in bylines)


def test_a_work_names_several_sources_and_each_creator_is_asked(client: Client) -> None:
    first = source_by("original", title="The Lighthouse")
    second = source_by("another", title="The Harbour")
    writer(client)
    post_inspired(
        client,
        inspired_by_url=f"/works/{first.pk}/",
        inspired_by_url_2=f"/works/{second.pk}/",
    )
    child = Work.objects.get(title="The Keeper")
    assert {row.source for row in Inspiration.objects.filter(work=child)} == {first, second}
    page = client.get(child.get_absolute_url()).content.decode()
    assert "The Lighthouse</a> by original." in page and "The Harbour</a> by another." in page
    told = InboxItem.objects.filter(kind=InboxKind.INSPIRED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["another", "original"]
    # The edit form shows both, and a third slot to name one more.
    form = client.get(reverse("works:edit", args=[child.pk])).context["form"]
    assert form.initial["inspired_by_url_2"] == f"/works/{second.pk}/"
    assert "inspired_by_url_3" in form.fields


def test_a_bad_second_source_is_refused_and_nothing_is_written(client: Client) -> None:
    source = source_by("original")
    writer(client)
    response = post_inspired(
        client, inspired_by_url=f"/works/{source.pk}/", inspired_by_url_2="/works/99999/"
    )
    assert "There is no work at that address that you can see." in response.content.decode()
    assert not Work.objects.filter(title="The Keeper").exists()
    assert not Inspiration.objects.exists()


def test_a_translation_is_listed_apart_with_its_language(client: Client) -> None:
    from ficshelf.works.models import Language

    source = source_by("original")
    writer(client)
    french = Language.objects.get_or_create(short="fr", defaults={"name": "Français"})[0]
    post_inspired(
        client, inspired_by_url=f"/works/{source.pk}/", is_translation="on", language=french.pk
    )
    child = Work.objects.get(title="The Keeper")
    assert "A translation of" in client.get(child.get_absolute_url()).content.decode()
    row = Inspiration.objects.get()
    client.force_login(User.objects.get(username="original"))
    client.post(f"/works/{source.pk}/related/{row.pk}/", {"answer": "approve"})
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Translations:" in page and "(Français)" in page
    assert "Works inspired by this one:" not in page
    # Downloads list it too, apart from the works inspired by it.
    from tests.downloads.conftest import download

    text = download(client, source, "txt").decode()
    assert "Translations:\n\n[Français] The Keeper by fanwriter" in text
    assert "Works inspired by this one:" not in text


def test_naming_ones_own_work_needs_no_approval(client: Client) -> None:
    user = writer(client)
    mine = WorkFactory(title="My Earlier Work", creator=PseudFactory(user=user))
    post_inspired(client, inspired_by_url=f"/works/{mine.pk}/")
    assert Inspiration.objects.get().approval == "approved"
    assert "The Keeper" in client.get(mine.get_absolute_url()).content.decode()
    assert not InboxItem.objects.filter(kind=InboxKind.INSPIRED).exists()


def test_related_works_page_is_only_for_the_sources_creators(client: Client) -> None:
    source = source_by("original")
    writer(client)
    assert client.get(f"/works/{source.pk}/related/").status_code == 404
