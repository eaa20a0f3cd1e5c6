"""The wranglers' pages: a tag's wrangling form and a fandom's unwrangled bin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ficshelf.tags.models import MetaTagging, ParentTagging, Tag, TagType
from ficshelf.tags.naming import tag_to_url_part
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.tags.factories import canonical, fandom, meta, synonym, tag, work_tagged, wrangler

pytestmark = pytest.mark.django_db


def url(name: str, suffix: str) -> str:
    return f"/tags/{tag_to_url_part(name)}/{suffix}"


@pytest.fixture
def wrangling(client: Client) -> Client:
    client.force_login(wrangler())
    return client


def fresh(name: str) -> Tag:
    return Tag.objects.get(name=name)


def edit(client: Client, name: str, **data: Any) -> Any:
    return client.post(url(name, "edit/"), data)


# --- who may --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["edit/", "unwrangled/"])
def test_guests_get_403(client: Client, suffix: str) -> None:
    fandom("Lighthouse (TV)")
    assert client.get(url("Lighthouse (TV)", suffix)).status_code == 403


@pytest.mark.parametrize("suffix", ["edit/", "unwrangled/"])
def test_readers_get_403_even_for_missing_tags(client: Client, suffix: str) -> None:
    client.force_login(UserFactory())
    fandom("Lighthouse (TV)")
    assert client.get(url("Lighthouse (TV)", suffix)).status_code == 403
    assert client.get(url("No Such Fandom", suffix)).status_code == 403


def test_readers_cannot_post_the_form(client: Client) -> None:
    client.force_login(UserFactory())
    canonical("Rain")
    assert edit(client, "Rain", is_canonical="").status_code == 403
    assert fresh("Rain").is_canonical


def test_wranglers_get_404_for_missing_tags(wrangling: Client) -> None:
    assert wrangling.get(url("No Such Tag", "edit/")).status_code == 404


def test_superusers_may_wrangle(client: Client) -> None:
    client.force_login(UserFactory(username="boss", is_superuser=True))
    canonical("Rain")
    assert client.get(url("Rain", "edit/")).status_code == 200


# --- the wrangling form ----------------------------------------------------------------


def test_form_shows_the_tags_state(wrangling: Client) -> None:
    rain = canonical("Rain")
    synonym("rainy", of=rain)
    html = page_text(wrangling.get(url("rainy", "edit/")))
    assert 'value="Rain"' in html and "a synonym of" in html


def test_form_makes_a_tag_canonical(wrangling: Client) -> None:
    work_tagged(tag("Rain"))
    response = edit(wrangling, "Rain", is_canonical="on")
    assert response.status_code == 302 and response["Location"] == url("Rain", "")
    assert fresh("Rain").is_canonical


def test_form_merges_a_tag_into_a_canonical(wrangling: Client) -> None:
    canonical("Rain")
    work_tagged(tag("rainy"))
    response = edit(wrangling, "rainy", synonym_of="Rain")
    assert response.status_code == 302
    assert fresh("rainy").merger == fresh("Rain")
    follow = page_text(wrangling.get(url("rainy", "")))
    assert "“rainy” was wrangled." in follow and "It is a synonym of" in follow


def test_form_finds_the_canonical_whatever_its_case(wrangling: Client) -> None:
    canonical("Rain")
    tag("rainy")
    edit(wrangling, "rainy", synonym_of="rAIN")
    assert fresh("rainy").merger == fresh("Rain")


def test_form_unmerges_when_synonym_of_is_emptied(wrangling: Client) -> None:
    synonym("rainy", of=canonical("Rain"))
    edit(wrangling, "rainy", synonym_of="")
    assert fresh("rainy").merger is None


def test_form_makes_a_tag_uncanonical(wrangling: Client) -> None:
    canonical("Rain")
    edit(wrangling, "Rain")
    assert not fresh("Rain").is_canonical


def test_unknown_synonym_name_is_a_form_error(wrangling: Client) -> None:
    tag("rainy")
    response = edit(wrangling, "rainy", synonym_of="No Such Tag")
    assert "There is no tag named “No Such Tag”." in page_text(response, status=400)
    assert fresh("rainy").merger is None


def test_refused_merge_is_shown_and_nothing_changes(wrangling: Client) -> None:
    tag("rainy")
    tag("Rain")  # not canonical
    response = edit(wrangling, "rainy", synonym_of="Rain", add_meta_tags="")
    assert "only a canonical tag can have synonyms" in page_text(response, status=400)
    assert fresh("rainy").merger is None


def test_a_refused_later_step_undoes_the_earlier_ones(wrangling: Client) -> None:
    tag("Rain")
    tag("weather")  # not canonical: adding it as a meta tag is refused
    response = edit(wrangling, "Rain", is_canonical="on", add_meta_tags="weather")
    assert "not canonical" in page_text(response, status=400)
    assert not fresh("Rain").is_canonical


def test_canonical_and_synonym_at_once_is_a_form_error(wrangling: Client) -> None:
    canonical("Rain")
    tag("rainy")
    response = edit(wrangling, "rainy", is_canonical="on", synonym_of="Rain")
    assert "A synonym can't be canonical too" in page_text(response, status=400)


def test_form_adds_and_removes_meta_tags(wrangling: Client) -> None:
    rain, weather, water = canonical("Rain"), canonical("Weather"), canonical("Water")
    meta(rain, water)
    edit(wrangling, "Rain", is_canonical="on", add_meta_tags="Weather", remove_meta_tags=water.pk)
    assert list(MetaTagging.objects.values_list("sub_tag", "meta_tag")) == [(rain.pk, weather.pk)]


def test_unknown_meta_tag_names_are_listed(wrangling: Client) -> None:
    canonical("Rain")
    response = edit(wrangling, "Rain", is_canonical="on", add_meta_tags="Nope, Nada")
    assert "there is no tag named “Nope”, “Nada”" in page_text(response, status=400)


def test_meta_tag_loop_is_refused_on_the_form(wrangling: Client) -> None:
    rain, weather = canonical("Rain"), canonical("Weather")
    meta(rain, weather)
    response = edit(wrangling, "Weather", is_canonical="on", add_meta_tags="Rain")
    assert "loop" in page_text(response, status=400)


def test_form_adds_and_removes_parent_fandoms(wrangling: Client) -> None:
    keeper = tag("The Keeper", TagType.CHARACTER)
    old, new = fandom("Lighthouse"), fandom("Lighthouse (TV)")
    ParentTagging.objects.create(parent=old, child=keeper)
    edit(wrangling, "The Keeper", add_parents="Lighthouse (TV)", remove_parents=old.pk)
    assert list(keeper.parent_taggings.values_list("parent", flat=True)) == [new.pk]


def test_fandom_form_files_the_fandom_under_media(wrangling: Client) -> None:
    show = fandom("Lighthouse (TV)")
    html = page_text(wrangling.get(url("Lighthouse (TV)", "edit/")))
    assert "Add media" in html and 'data-autocomplete="media"' in html
    edit(wrangling, "Lighthouse (TV)", is_canonical="on", add_parents="TV Shows, Movies")
    assert set(show.parent_taggings.values_list("parent__name", flat=True)) == {
        "TV Shows",
        "Movies",
    }
    movies = fresh("Movies")
    edit(wrangling, "Lighthouse (TV)", is_canonical="on", remove_parents=movies.pk)
    assert list(show.parent_taggings.values_list("parent__name", flat=True)) == ["TV Shows"]


def test_fandom_form_refuses_a_fandom_as_its_medium_and_writes_nothing(
    wrangling: Client,
) -> None:
    show = fandom("Lighthouse (TV)")
    fandom("Sea Stories")
    response = edit(
        wrangling, "Lighthouse (TV)", is_canonical="on", add_parents="TV Shows, Sea Stories"
    )
    assert "must be a media tag" in page_text(response, status=400)
    assert not show.parent_taggings.exists()


def test_a_medium_has_no_wrangling_form(wrangling: Client) -> None:
    response = edit(wrangling, "TV Shows", is_canonical="")
    assert "can't be wrangled" in page_text(response)
    assert fresh("TV Shows").is_canonical


def test_fixed_tag_form_explains_it_cannot_be_wrangled(wrangling: Client) -> None:
    html = page_text(wrangling.get("/tags/Explicit/edit/"))
    assert "fixed tags" in html and '<form method="post" class="form' not in html
    response = wrangling.post("/tags/Explicit/edit/", {"is_canonical": ""}, follow=True)
    assert "can't be wrangled" in page_text(response)
    assert fresh("Explicit").is_canonical


def test_form_posts_need_a_csrf_token(wrangling: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(wrangler("other-wrangler"))
    tag("Rain")
    assert csrf_client.post(url("Rain", "edit/"), {"is_canonical": "on"}).status_code == 403


# --- the unwrangled bin ----------------------------------------------------------------


@pytest.fixture
def lighthouse() -> Tag:
    """A fandom whose works carry tags in every state of wrangling."""
    show = fandom("Lighthouse (TV)")
    keeper = canonical("The Keeper", TagType.CHARACTER)
    parented = tag("keeper's gull", TagType.CHARACTER)
    ParentTagging.objects.create(parent=show, child=parented)
    work_tagged(
        show,
        tag("the gull", TagType.CHARACTER),
        tag("Keeper/Gull", TagType.RELATIONSHIP),
        tag("lamp oil", TagType.FREEFORM),
        keeper,
        synonym("keeper", of=keeper),
        parented,
    )
    work_tagged(synonym("lighthouse tv", of=show), tag("draft only thing"), draft=True)
    work_tagged(fandom("Elsewhere"), tag("elsewhere thing"))
    return show


def test_bin_lists_only_unwrangled_tags_of_the_fandoms_works(
    wrangling: Client, lighthouse: Tag
) -> None:
    html = page_text(wrangling.get(url("Lighthouse (TV)", "unwrangled/")))
    for name in ("the gull", "Keeper/Gull", "lamp oil", "draft only thing"):
        assert f">{name}</label>" in html
    for name in ("The Keeper", "keeper", "keeper's gull", "elsewhere thing"):
        assert f">{name}</label>" not in html
    legends = [html.index(f"<legend>{group}") for group in ("Relat", "Charac", "Additional")]
    assert legends == sorted(legends)


def test_bin_of_a_tag_that_is_not_a_fandom_is_404(wrangling: Client) -> None:
    canonical("Rain")
    assert wrangling.get(url("Rain", "unwrangled/")).status_code == 404


def test_bin_makes_chosen_tags_canonical(wrangling: Client, lighthouse: Tag) -> None:
    chosen = [fresh("the gull").pk, fresh("lamp oil").pk]
    response = wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"), {"tags": chosen, "action": "canonical"}, follow=True
    )
    assert "Made 2 tags canonical." in page_text(response)
    assert fresh("the gull").is_canonical and fresh("lamp oil").is_canonical
    assert not fresh("Keeper/Gull").is_canonical


def test_bin_adds_the_fandom_as_parent(wrangling: Client, lighthouse: Tag) -> None:
    wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"),
        {"tags": [fresh("the gull").pk], "action": "parent"},
    )
    assert ParentTagging.objects.filter(parent=lighthouse, child__name="the gull").exists()
    html = page_text(wrangling.get(url("Lighthouse (TV)", "unwrangled/")))
    assert ">the gull</label>" not in html


def test_bin_merges_chosen_tags_into_a_named_canonical(wrangling: Client, lighthouse: Tag) -> None:
    gull = canonical("The Gull", TagType.CHARACTER)
    wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"),
        {"tags": [fresh("the gull").pk], "action": "merge", "merge_into": "The Gull"},
    )
    assert fresh("the gull").merger == gull


def test_bin_merge_needs_a_name(wrangling: Client, lighthouse: Tag) -> None:
    response = wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"), {"tags": [fresh("the gull").pk], "action": "merge"}
    )
    assert "Name the canonical tag" in page_text(response, status=400)


def test_bin_refuses_all_when_one_merge_is_refused(wrangling: Client, lighthouse: Tag) -> None:
    canonical("The Gull", TagType.CHARACTER)
    chosen = [fresh("the gull").pk, fresh("lamp oil").pk]  # lamp oil is not a character
    response = wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"),
        {"tags": chosen, "action": "merge", "merge_into": "The Gull"},
    )
    assert "only tags of the same type" in page_text(response, status=400)
    assert fresh("the gull").merger is None


def test_bin_needs_a_chosen_tag(wrangling: Client, lighthouse: Tag) -> None:
    response = wrangling.post(url("Lighthouse (TV)", "unwrangled/"), {"action": "canonical"})
    assert "Choose at least one tag." in page_text(response, status=400)


def test_bin_ignores_tags_not_in_it(wrangling: Client, lighthouse: Tag) -> None:
    response = wrangling.post(
        url("Lighthouse (TV)", "unwrangled/"),
        {"tags": [fresh("elsewhere thing").pk], "action": "canonical"},
    )
    assert response.status_code == 400
    assert not fresh("elsewhere thing").is_canonical


def test_empty_bin_says_so(wrangling: Client) -> None:
    fandom("Quiet Fandom")
    assert "Nothing to wrangle here" in page_text(wrangling.get(url("Quiet Fandom", "unwrangled/")))


def test_bin_leaves_sub_fandoms_tags_to_their_own_bins(wrangling: Client) -> None:
    universe, film = fandom("Lighthouse Universe"), fandom("Lighthouse (Film)")
    meta(film, universe)
    work_tagged(film, tag("film only thing"))
    work_tagged(universe, tag("universe thing"))
    html = page_text(wrangling.get(url("Lighthouse Universe", "unwrangled/")))
    assert ">universe thing</label>" in html and "film only thing" not in html
