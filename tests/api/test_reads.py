"""The read endpoints answer what the site's pages show, to the same people."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.social import actions
from ficshelf.social.models import Bookmark, Comment
from ficshelf.tags.models import ParentTagging, Tag, TagType
from ficshelf.works.models import Series, SeriesWork
from tests.api.helpers import call, token_for
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

pytestmark = pytest.mark.django_db


def listing(client: Client, query: str = "", token: str | None = None) -> tuple[int, dict]:
    get_listing(client, "/works/")  # drains the index queue, as the worker would
    return call(client, "GET", f"/api/v1/works{query}", token)


def titles(data: dict) -> list[str]:
    return [work["title"] for work in data["works"]]


def test_the_listing_shows_what_the_html_listing_shows_in_its_order(client: Client) -> None:
    fandom = Tag.objects.create(name="Api Fandom", type=TagType.FANDOM, is_canonical=True)
    first = WorkFactory(title="Older", updated_on="2024-01-01")
    second = WorkFactory(title="Newer", updated_on="2024-06-01")
    first.tags.add(fandom)
    WorkFactory(title="Draft", draft=True)
    WorkFactory(title="Members Only", restricted=True)
    WorkFactory(title="Hidden", hidden=True)
    status, data = listing(client)
    assert status == 200
    assert titles(data) == ["Newer", "Older"]
    assert data["total"] == 2
    assert data["works"][0]["id"] == second.pk
    assert data["works"][1]["fandoms"][0]["name"] == "Api Fandom"
    assert data["works"][1]["rating"]["name"] == "General Audiences"
    status, data = listing(client, f"?include_fandom={fandom.pk}")
    assert titles(data) == ["Older"]
    status, data = listing(client, "?sort=title&order=asc")
    assert titles(data) == ["Newer", "Older"]
    status, data = listing(client, "?q=Older")
    assert titles(data) == ["Older"]


def test_members_see_restricted_works_with_a_read_token(client: Client) -> None:
    WorkFactory(title="Members Only", restricted=True)
    member = UserFactory()
    assert titles(listing(client)[1]) == []
    status, data = listing(client, token=token_for(member, "read"))
    assert status == 200
    assert titles(data) == ["Members Only"]
    assert data["works"][0]["is_restricted"] is True


def test_the_cursor_walks_the_pages_and_refuses_other_filters(client: Client) -> None:
    for n in range(25):
        WorkFactory(title=f"Work {n:02}")
    status, first = listing(client, "?sort=title&order=asc")
    assert len(first["works"]) == 20
    cursor = first["next_cursor"]
    status, second = listing(client, f"?sort=title&order=asc&cursor={cursor}")
    assert status == 200
    assert titles(second) == [f"Work {n:02}" for n in range(20, 25)]
    assert second["next_cursor"] is None
    status, data = listing(client, f"?sort=title&order=desc&cursor={cursor}")
    assert status == 400
    assert "other filters" in data["detail"]
    status, data = listing(client, "?cursor=nonsense")
    assert status == 400


def test_bad_filters_are_named_with_a_message(client: Client) -> None:
    status, data = listing(client, "?words_from=10&words_to=5")
    assert status == 400
    assert "words_to" in data["detail"]
    status, data = listing(client, "?include_fandom=999999")
    assert status == 400
    status, data = listing(client, "?sort=sideways")
    assert status == 422


def test_facets_count_the_tags(client: Client) -> None:
    fandom = Tag.objects.create(name="Counted Fandom", type=TagType.FANDOM, is_canonical=True)
    for _ in range(2):
        WorkFactory().tags.add(fandom)
    _status, data = listing(client, "?facets=true")
    counts = {f["tag"]["name"]: f["count"] for f in data["facets"]["fandom"]}
    assert counts["Counted Fandom"] == 2


def test_a_work_with_its_chapters_as_stored(client: Client) -> None:
    work = WorkFactory(title="Whole", chapters=2)
    status, data = call(client, "GET", f"/api/v1/works/{work.pk}")
    assert status == 200
    assert [c["position"] for c in data["work_chapters"]] == [1, 2]
    assert data["work_chapters"][0]["text"] == "<p>Once there was a story with five words.</p>"
    assert data["creators"][0]["username"] == work.creatorships.get().pseud.user.username


@pytest.mark.parametrize("state", ["draft", "hidden", "restricted"])
def test_a_work_guests_may_not_see_is_not_found(client: Client, state: str) -> None:
    work = WorkFactory(**{state: True})
    status, data = call(client, "GET", f"/api/v1/works/{work.pk}")
    assert status == 404
    assert data["detail"]


def test_creators_see_their_drafts_and_unposted_chapters(client: Client) -> None:
    pseud = PseudFactory()
    work = WorkFactory(draft=True, creator=pseud, chapters=2)
    second = work.chapters.get(position=2)
    second.is_posted = False
    second.save()
    status, data = call(client, "GET", f"/api/v1/works/{work.pk}", token_for(pseud.user, "read"))
    assert status == 200
    assert len(data["work_chapters"]) == 2
    reader = token_for(UserFactory(), "read")
    assert call(client, "GET", f"/api/v1/works/{work.pk}", reader)[0] == 404


def test_a_work_in_an_anonymous_collection_names_no_creator(client: Client) -> None:
    work = WorkFactory()
    type(work).objects.filter(pk=work.pk).update(in_anonymous_collection=True)
    _status, data = call(client, "GET", f"/api/v1/works/{work.pk}")
    assert data["creators"] == []
    assert data["is_anonymous"] is True


def test_muted_creators_works_are_not_found(client: Client) -> None:
    pseud = PseudFactory()
    work = WorkFactory(creator=pseud)
    reader = UserFactory()
    reader.mutes_made.create(muted=pseud.user)
    assert call(client, "GET", f"/api/v1/works/{work.pk}", token_for(reader, "read"))[0] == 404
    assert titles(listing(client, token=token_for(reader, "read"))[1]) == []


def test_a_token_without_read_may_not_read_as_its_member(client: Client) -> None:
    work = WorkFactory(restricted=True)
    token = token_for(UserFactory(), "write:kudos")
    status, data = call(client, "GET", f"/api/v1/works/{work.pk}", token)
    assert status == 403
    assert "read" in data["detail"]


def test_kudos_count_from_the_works_counter(client: Client) -> None:
    work = WorkFactory()
    for _ in range(3):
        actions.leave_kudos(work, actor=UserFactory())
    _status, data = call(client, "GET", f"/api/v1/works/{work.pk}/kudos")
    assert data == {"work_id": work.pk, "kudos": 3}
    _status, data = call(client, "GET", f"/api/v1/works/{work.pk}")
    assert data["counts"]["kudos"] == 3


def test_public_bookmarks_only(client: Client) -> None:
    work = WorkFactory()
    actions.save_bookmark(actor=UserFactory(username="shown"), work=work, notes="<p>Yes</p>")
    actions.save_bookmark(actor=UserFactory(username="private"), work=work, is_private=True)
    _status, data = call(client, "GET", f"/api/v1/works/{work.pk}/bookmarks")
    assert [b["bookmarker"] for b in data["bookmarks"]] == ["shown"]
    assert Bookmark.objects.count() == 2


def test_comments_shown_as_on_the_work_page(client: Client) -> None:
    work = WorkFactory()
    chapter = work.chapters.get()
    actions.post_comment(chapter, actor=UserFactory(username="talker"), text="Lovely")
    Comment.objects.create(
        work=work, chapter=chapter, user=UserFactory(), text="x", is_approved=False
    )
    status, data = call(client, "GET", f"/api/v1/works/{work.pk}/comments")
    assert status == 200
    assert [(c["author"], c["text"]) for c in data["comments"]] == [("talker", "Lovely")]


def test_a_tag_with_its_canonical_synonyms_and_parents(client: Client) -> None:
    canon = Tag.objects.create(name="Canon Tag", type=TagType.CHARACTER, is_canonical=True)
    synonym = Tag.objects.create(name="Syn Tag", type=TagType.CHARACTER, merger=canon)
    fandom = Tag.objects.create(name="Parent Fandom", type=TagType.FANDOM, is_canonical=True)
    ParentTagging.objects.create(parent=fandom, child=canon)
    WorkFactory().tags.add(synonym)
    status, data = call(client, "GET", f"/api/v1/tags/{canon.pk}")
    assert status == 200
    assert [t["name"] for t in data["synonyms"]] == ["Syn Tag"]
    assert [t["name"] for t in data["parents"]] == ["Parent Fandom"]
    status, data = call(client, "GET", f"/api/v1/tags/{synonym.pk}")
    assert data["canonical"]["name"] == "Canon Tag"


def test_a_tag_only_on_a_draft_is_not_found(client: Client) -> None:
    secret = Tag.objects.create(name="Draft Only", type=TagType.FREEFORM)
    WorkFactory(draft=True).tags.add(secret)
    assert call(client, "GET", f"/api/v1/tags/{secret.pk}")[0] == 404


def test_series_while_a_work_in_it_is_visible(client: Client) -> None:
    series = Series.objects.create(title="Api Series")
    work = WorkFactory()
    SeriesWork.objects.create(series=series, work=work)
    _status, data = call(client, "GET", f"/api/v1/series/{series.pk}")
    assert data["title"] == "Api Series"
    type(work).objects.filter(pk=work.pk).update(is_posted=False)
    assert call(client, "GET", f"/api/v1/series/{series.pk}")[0] == 404
    assert listing(client, f"?series_id={series.pk}")[0] == 404


def test_users_and_pseuds(client: Client) -> None:
    pseud = PseudFactory(user=UserFactory(username="apimember"), name="apimember")
    PseudFactory(user=pseud.user, name="Second Name", is_default=False)
    status, data = call(client, "GET", "/api/v1/users/apimember")
    assert status == 200
    assert [p["name"] for p in data["pseuds"]] == ["apimember", "Second Name"]
    type(pseud.user).objects.filter(pk=pseud.user.pk).update(is_active=False)
    assert call(client, "GET", "/api/v1/users/apimember")[0] == 404


def test_a_collection(client: Client) -> None:
    from ficshelf.works.collection_items import add_work, create_collection
    from ficshelf.works.models import Collection

    owner = UserFactory()
    collection = create_collection(Collection(name="api_fest", title="Api Fest"), owner=owner)
    add_work(collection, WorkFactory(), actor=owner)
    status, data = call(client, "GET", "/api/v1/collections/api_fest")
    assert status == 200
    assert data["title"] == "Api Fest"
    assert call(client, "GET", "/api/v1/collections/nope")[0] == 404


def test_saved_exclusions_apply_when_asked(client: Client) -> None:
    from ficshelf.search.models import ExclusionSet

    unwanted = Tag.objects.create(name="Unwanted Trope", type=TagType.FREEFORM, is_canonical=True)
    WorkFactory(title="Kept")
    WorkFactory(title="Left Out").tags.add(unwanted)
    member = UserFactory()
    ExclusionSet.objects.create(user=member).tags.add(unwanted)
    token = token_for(member, "read")
    assert sorted(titles(listing(client, token=token)[1])) == ["Kept", "Left Out"]
    assert titles(listing(client, "?with_exclusions=true", token)[1]) == ["Kept"]


def test_the_kept_listing_is_not_given_to_a_reader_who_would_see_otherwise(
    client: Client,
) -> None:
    """The listing's answer is kept like the HTML listing's part: shared by readers who
    would see the same, never given to one whose mutes or membership make it differ."""
    pseud = PseudFactory()
    WorkFactory(title="Muted Creator's", creator=pseud)
    WorkFactory(title="Members Only", restricted=True)
    guest_first = listing(client)[1]
    assert titles(guest_first) == ["Muted Creator's"]
    assert listing(client)[1] == guest_first
    reader = UserFactory()
    reader.mutes_made.create(muted=pseud.user)
    assert titles(listing(client, token=token_for(reader, "read"))[1]) == ["Members Only"]
    other = token_for(UserFactory(), "read")
    assert sorted(titles(listing(client, token=other)[1])) == ["Members Only", "Muted Creator's"]


def test_addresses_in_answers_lead_to_the_api_and_the_site(client: Client) -> None:
    work = WorkFactory()
    listing(client)
    _status, data = call(client, "GET", f"/api/v1/works/{work.pk}")
    assert data["api_url"] == f"/api/v1/works/{work.pk}"
    assert client.get(data["url"]).status_code == 200
    member = work.creatorships.get().pseud.user
    _status, data = call(client, "GET", f"/api/v1/users/{member.username}")
    status, found = call(client, "GET", data["works_url"])
    assert status == 200
    assert [w["id"] for w in found["works"]] == [work.pk]
