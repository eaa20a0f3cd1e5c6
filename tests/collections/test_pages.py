"""The collection pages as their users drive them: the listing and its filters, creating
and editing a collection (bad input refused with nothing written), the review queue, the
people page, a creator's answers, and adding a work."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ficshelf.accounts.models import User
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.collection_items import add_work, create_collection
from ficshelf.works.collection_models import HEADER_IMAGE_MAX_BYTES, Approval, Role
from ficshelf.works.models import Collection, CollectionItem, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def image(width: int, height: int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, kind)
    return out.getvalue()


def collection_owned_by(owner: User, **fields: object) -> Collection:
    return create_collection(Collection(name="fest", title="Fest", **fields), owner=owner)


def creator_and_work(name: str = "maker") -> tuple[User, Work]:
    user = UserFactory(username=name)
    return user, WorkFactory(title=f"{name}'s work", creator=PseudFactory(user=user, name=name))


# --- The listing --------------------------------------------------------------------------


def test_the_listing_counts_only_works_the_reader_may_see_and_filters(client: Client) -> None:
    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner)
    closed = create_collection(
        Collection(name="zine", title="Zine", is_open=False, challenge_type="gift_exchange"),
        owner=owner,
    )
    creator, work = creator_and_work()
    hidden_creator, restricted = creator_and_work("quiet")
    restricted.is_restricted = True
    restricted.save()
    add_work(fest, work, actor=creator)
    add_work(fest, restricted, actor=hidden_creator)
    fandom = Tag.objects.create(name="Rare Fandom", type=TagType.FANDOM, is_canonical=True)
    work.tags.add(fandom)

    page = client.get("/collections/").content.decode()
    assert "Fest" in page and "Zine" in page
    assert ">1 work<" in page  # the restricted work is not counted for a guest
    assert ">2 works<" in signed_in(creator).get("/collections/").content.decode()

    def shown(query: str) -> set[str]:
        html = client.get(f"/collections/?{query}").content.decode()
        return {title for title in ("Fest", "Zine") if f">{title}</a>" in html}

    assert shown("state=closed") == {"Zine"}
    assert shown("state=open") == {"Fest"}
    assert shown("challenge=gift_exchange") == {"Zine"}
    assert shown("challenge=none") == {"Fest"}
    assert shown("fandom=rare+fandom") == {"Fest"}
    assert shown("q=zin") == {"Zine"}
    assert closed.pk  # (used above by name)


def test_autocomplete_names_open_collections() -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    create_collection(Collection(name="festclosed", title="Closed", is_open=False), owner=owner)
    answer = json.loads(Client().get("/collections/autocomplete/?term=fes").content)
    assert answer == {"tags": ["fest"]}


# --- Creating and editing -------------------------------------------------------------------


def test_guests_are_sent_to_sign_in_to_start_a_collection(client: Client) -> None:
    response = client.get("/collections/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_creates_a_collection_with_a_header_image() -> None:
    member = UserFactory(username="host")
    client = signed_in(member)
    banner = SimpleUploadedFile("banner.png", image(600, 150), content_type="image/png")
    response = client.post(
        "/collections/new/",
        {
            "name": "sea_week",
            "title": "Sea Week",
            "summary": "<p>Waves <script>alert(1)</script></p>",
            "is_open": "on",
            "header_image_file": banner,
            "header_image_alt": "A wave",
        },
    )
    assert response.status_code == 302
    collection = Collection.objects.get(name="sea_week")
    assert "<script" not in collection.summary
    assert collection.participants.get().user == member
    assert collection.participants.get().role == Role.OWNER
    served = client.get("/collections/sea_week/header")
    assert served["Content-Type"] == "image/png" and served.content[:4] == b"\x89PNG"
    profile = client.get("/collections/sea_week/").content.decode()
    assert 'alt="A wave"' in profile and "Settings" in profile


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image(3000, 100), "3000×100 pixels"),
        (b"not an image at all", "not an image"),
        (b"\x89PNG" + b"0" * (HEADER_IMAGE_MAX_BYTES + 10), "too big"),
    ],
    ids=["too wide", "not an image", "too many bytes"],
)
def test_a_bad_header_image_is_refused_and_nothing_is_written(upload: bytes, message: str) -> None:
    client = signed_in(UserFactory(username="host"))
    response = client.post(
        "/collections/new/",
        {
            "name": "sea_week",
            "title": "Sea Week",
            "header_image_file": SimpleUploadedFile("x.png", upload, content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Collection.objects.exists()


def test_a_bad_or_taken_name_is_refused() -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    client = signed_in(owner)
    for name, message in (("sea week!", "letters, digits and underscores"), ("FEST", "taken")):
        response = client.post("/collections/new/", {"name": name, "title": "X"})
        assert message in response.content.decode().lower() or message in response.content.decode()
    assert Collection.objects.count() == 1


def test_only_moderators_reach_the_settings_queue_and_people(client: Client) -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    stranger = signed_in(UserFactory(username="stranger"))
    for page in ("edit", "items", "participants"):
        assert stranger.get(f"/collections/fest/{page}/").status_code == 404
        assert signed_in(owner).get(f"/collections/fest/{page}/").status_code == 200
    assert stranger.post("/collections/fest/reveal/", {"what": "both"}).status_code == 404


def test_turning_unrevealed_off_in_the_settings_reveals_the_works() -> None:
    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner, is_unrevealed=True)
    creator, work = creator_and_work()
    add_work(fest, work, actor=creator)
    assert Work.objects.get(pk=work.pk).in_unrevealed_collection
    response = signed_in(owner).post("/collections/fest/edit/", {"title": "Fest", "is_open": "on"})
    assert response.status_code == 302
    assert not Work.objects.get(pk=work.pk).in_unrevealed_collection


# --- The review queue ------------------------------------------------------------------------


def test_a_moderator_approves_a_submission_and_invites_a_work_by_address() -> None:
    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner, is_moderated=True)
    creator, work = creator_and_work()
    item = add_work(fest, work, actor=creator).item
    client = signed_in(owner)
    assert (
        "Waiting for your approval (1)" in client.get("/collections/fest/items/").content.decode()
    )

    client.post("/collections/fest/items/", {"item": item.pk, "answer": "approve"})
    assert CollectionItem.objects.get(pk=item.pk).collection_approval == Approval.APPROVED

    _other_creator, other = creator_and_work("other")
    client.post("/collections/fest/items/", {"invite": "1", "work": f"https://x/works/{other.pk}"})
    invited = CollectionItem.objects.get(work=other)
    assert invited.creator_approval == Approval.UNREVIEWED


def test_inviting_something_that_is_not_a_work_says_so_and_writes_nothing() -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    client = signed_in(owner)
    for sent in ("https://elsewhere.example/story", "999999"):
        page = client.post("/collections/fest/items/", {"invite": "1", "work": sent})
        assert page.status_code == 200
        assert "work" in page.content.decode().lower()
    assert not CollectionItem.objects.exists()


def test_owners_add_moderators_and_moderators_cannot() -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    helper = UserFactory(username="helper")
    signed_in(owner).post(
        "/collections/fest/participants/", {"username": "helper", "role": "moderator"}
    )
    assert Collection.objects.get().participants.get(user=helper).role == Role.MODERATOR
    page = signed_in(helper).post(
        "/collections/fest/participants/", {"username": "owner", "role": "member"}, follow=True
    )
    assert "Only the collection" in page.content.decode()
    assert Collection.objects.get().participants.get(user=owner).role == Role.OWNER


# --- A creator's side ------------------------------------------------------------------------


def test_a_creator_answers_an_invitation_and_nobody_else_can() -> None:
    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner)
    creator, work = creator_and_work()
    item = add_work(fest, work, actor=owner).item
    stranger = signed_in(UserFactory(username="stranger"))
    assert (
        stranger.post("/collections/mine/", {"item": item.pk, "answer": "approve"}).status_code
        == 404
    )
    client = signed_in(creator)
    assert "Invitations (1)" in client.get("/collections/mine/").content.decode()
    client.post("/collections/mine/", {"item": item.pk, "answer": "approve"})
    assert CollectionItem.objects.get(pk=item.pk).is_approved


def test_a_creator_adds_a_work_by_the_collections_name() -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    creator, work = creator_and_work()
    client = signed_in(creator)
    assert client.get(f"/works/{work.pk}/collections/add/").status_code == 200
    bad = client.post(f"/works/{work.pk}/collections/add/", {"collection": "nowhere"})
    assert "There is no collection named nowhere." in bad.content.decode()
    assert not CollectionItem.objects.exists()
    done = client.post(f"/works/{work.pk}/collections/add/", {"collection": "Fest"})
    assert done.status_code == 302
    page = client.get(work.get_absolute_url()).content.decode()
    assert '<dd class="collections">' in page and "Fest" in page
    # Someone else's work: the page does not exist for them.
    other = signed_in(UserFactory(username="other"))
    assert other.get(f"/works/{work.pk}/collections/add/").status_code == 404


def test_the_collection_works_listing_links_to_the_profile(client: Client) -> None:
    owner = UserFactory(username="owner")
    collection_owned_by(owner)
    assert 'href="/collections/fest/"' in client.get("/collections/fest/works/").content.decode()


def test_a_parent_collections_listing_holds_its_subcollections_works(client: Client) -> None:
    from ficshelf.search.queue import drain_index_queue
    from tests.search.listing_helpers import titles

    owner = UserFactory(username="owner")
    parent = collection_owned_by(owner)
    child = create_collection(
        Collection(name="round_one", title="Round One", parent=parent), owner=owner
    )
    creator, work = creator_and_work()
    add_work(child, work, actor=creator)
    # Before the worker indexes it (the database answers for queued works) and after.
    assert titles(client.get("/collections/fest/works/").content.decode()) == [work.title]
    drain_index_queue()
    assert titles(client.get("/collections/fest/works/").content.decode()) == [work.title]
    assert titles(client.get("/collections/round_one/works/").content.decode()) == [work.title]
    profile = client.get("/collections/fest/").content.decode()
    assert "Round One</a> (1)" in profile


def test_the_collections_bookmarks_show_public_bookmarks_of_works_the_reader_may_see(
    client: Client,
) -> None:
    from tests.social.factories import BookmarkFactory

    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner)
    creator, work = creator_and_work()
    quiet_creator, restricted = creator_and_work("quiet")
    restricted.is_restricted = True
    restricted.save()
    _outsider, elsewhere = creator_and_work("outsider")
    for each, by in ((work, creator), (restricted, quiet_creator)):
        add_work(fest, each, actor=by)
    BookmarkFactory(user=UserFactory(username="fan"), work=work, notes="<p>Loved it.</p>")
    BookmarkFactory(user=UserFactory(username="shy"), work=work, is_private=True)
    BookmarkFactory(user=UserFactory(username="member_fan"), work=restricted)
    BookmarkFactory(user=UserFactory(username="other_fan"), work=elsewhere)

    page = client.get("/collections/fest/bookmarks/").content.decode()
    assert "fan</strong>" in page and "Loved it." in page
    for absent in ("shy", "member_fan", "other_fan"):
        assert f"{absent}</strong>" not in page
    member_page = signed_in(UserFactory(username="reader")).get("/collections/fest/bookmarks/")
    assert "member_fan</strong>" in member_page.content.decode()


def test_renaming_a_collection_moves_its_works_kept_pages() -> None:
    from ficshelf.search.models import IndexQueueEntry

    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner)
    creator, work = creator_and_work()
    add_work(fest, work, actor=creator)
    guest = Client()
    assert "Fest" in guest.get(work.get_absolute_url()).content.decode()
    IndexQueueEntry.objects.all().delete()
    signed_in(owner).post("/collections/fest/edit/", {"title": "Winter Fest", "is_open": "on"})
    assert IndexQueueEntry.objects.filter(work_id=work.pk).exists()
    assert "Winter Fest" in guest.get(work.get_absolute_url()).content.decode()


def test_an_unanswered_invitation_is_not_counted_as_waiting_for_the_reveal(
    client: Client,
) -> None:
    owner = UserFactory(username="owner")
    fest = collection_owned_by(owner, is_unrevealed=True)
    _creator, work = creator_and_work()
    add_work(fest, work, actor=owner)
    assert "will be revealed" not in client.get("/collections/fest/").content.decode()
