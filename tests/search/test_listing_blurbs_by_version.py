"""A listing keys its blurbs on the works' page versions (``works.kept_blurbs``): a listing
whose blurbs are kept loads no tags, credits or series, and every change a blurb shows, made
through the archive's own actions, shows on the next listing all the same. On the embedded
cache and on Redis (``shared_cache``; Redis where ``FICSHELF_TEST_REDIS_URL`` is set, as in
CI's PostgreSQL run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ficshelf.accounts.actions import rename_pseud
from ficshelf.accounts.moderation import ban_users
from ficshelf.search.models import WorkPageChange
from ficshelf.social.counters import add_hits, add_kudos
from ficshelf.tags.models import Tag, TagType
from ficshelf.works import kept_blurbs
from ficshelf.works.actions import accept_creatorship
from ficshelf.works.models import Creatorship, Series, SeriesWork, Work
from ficshelf.works.series_actions import SeriesFields, edit_series
from tests.factories import PseudFactory, UserFactory
from tests.search.listing_helpers import fandom, freeform, index_now, work

pytestmark = pytest.mark.django_db


def listing(client: Client, sorts: Any) -> str:
    """The works listing in the next of ``sorts``: each listing asks for another order, so
    no kept page or listing part answers it, only kept blurbs can."""
    response = client.get(f"/works/?sort={next(sorts)}")
    assert response.status_code == 200
    return response.content.decode()


def test_kept_blurbs_load_no_tags_credits_or_series(
    shared_cache: str, client: Client, loaded: list[int], rendered: list[int]
) -> None:
    sorts = iter(["hits", "kudos"])
    one = work("The First", fandom("A Fandom"), freeform("Slow Burn"))
    two = work("The Second", fandom("A Fandom"))
    index_now()
    listing(client, sorts)
    assert sorted(loaded) == sorted(rendered) == sorted([one.pk, two.pk])
    loaded.clear()
    rendered.clear()
    through = Work.tags.through._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = listing(client, sorts)
    assert "Slow Burn" in page and "The Second" in page
    assert loaded == [] and rendered == []
    assert not [q["sql"] for q in queries.captured_queries if through in q["sql"]]


def _series_of(made: Work) -> Series:
    series = Series.objects.create(title="The Old Series")
    SeriesWork.objects.create(series=series, work=made, position=1)
    return series


def _add_tag(made: Work) -> str:
    made.tags.add(Tag.objects.create(name="Added Afterwards", type=TagType.FREEFORM))
    return "Added Afterwards"


def _rename_tag(made: Work) -> str:
    tag = made.tags.get(type=TagType.FANDOM)
    tag.name = "A Renamed Fandom"
    tag.save()
    return "A Renamed Fandom"


def _rename_pseud(made: Work) -> str:
    pseud = made.creatorships.get().pseud
    rename_pseud(pseud, name="Renamed Writer")
    return "Renamed Writer"


def _rename_series(made: Work) -> str:
    series = made.series_works.get().series
    edit_series(series, SeriesFields(title="The New Series"), actor=_creator(made))
    return "The New Series"


def _accept_co_creator(made: Work) -> str:
    invited = PseudFactory(name="Second Writer")
    invitation = Creatorship.objects.create(work=made, pseud=invited, is_approved=False)
    accept_creatorship(invitation, actor=invited.user)
    return "Second Writer"


def _ban_creator(made: Work) -> str:
    creator = _creator(made)
    ban_users([creator], reason="spam", actor=UserFactory(is_staff=True))
    # A banned member's pseud is named, no longer a link to their profile.
    return f'<span class="pseud">{creator.pseuds.get().byline}</span>'


def _rename_member(made: Work) -> str:
    # As the admin's user form saves it: the whole row.
    creator = _creator(made)
    creator.username = "renamed_member"
    creator.save()
    return "/users/renamed_member/"


def _kudos(made: Work) -> str:
    add_kudos(made.pk, +7)
    return '<dd class="kudos">7</dd>'


def _hits(made: Work) -> str:
    # Hits move no version (they wait for the periodic drain): the work's own row is in
    # the key.
    add_hits({made.pk: 41})
    return '<dd class="hits">41</dd>'


def _creator(made: Work) -> Any:
    return made.creatorships.get().pseud.user


@pytest.mark.parametrize(
    "change",
    [
        _add_tag,
        _rename_tag,
        _rename_pseud,
        _rename_series,
        _accept_co_creator,
        _ban_creator,
        _rename_member,
        _kudos,
        _hits,
    ],
)
def test_a_change_a_blurb_shows_is_on_the_next_listing(
    shared_cache: str, client: Client, change: Callable[[Work], str], rendered: list[int]
) -> None:
    sorts = iter(["hits", "kudos", "title"])
    made = work("Watched", fandom("Old Fandom"))
    _series_of(made)
    other = work("Untouched", fandom("Elsewhere"))
    index_now()
    before = listing(client, sorts)
    listing(client, sorts)  # kept now
    rendered.clear()
    shown = change(made)
    assert shown not in before
    index_now()
    after = listing(client, sorts)
    assert shown in after
    assert made.pk in rendered
    if change not in (_rename_tag, _ban_creator, _rename_member):
        # Only a change to what many works show (a tag's name, a ban, a username: comments
        # and kudos name members on any work's page) renders every blurb again; a series
        # names its works.
        assert other.pk not in rendered


def test_each_version_is_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same rows at a newer version of the work, or of every work: another key (a
    # change to its tags, credits or series is in no column of the work's own row).
    made = work("Versioned", fandom("Old Fandom"))
    keys = []
    for versions in [(1, 0), (2, 0), (2, 1)]:
        reader = lambda ids, v=versions: ({made.pk: v[0]}, v[1])  # noqa: E731
        monkeypatch.setattr(kept_blurbs, "_version_readers", [reader])
        bare = list(Work.objects.with_blurb_columns().filter(pk=made.pk))
        kept_blurbs._read_versions(bare)
        keys.append(kept_blurbs._key(bare[0], "preferences"))
    assert None not in keys and len(set(keys)) == 3


def test_without_a_version_reader_bare_works_are_keyed_on_their_relations(
    monkeypatch: pytest.MonkeyPatch, rendered: list[int]
) -> None:
    monkeypatch.setattr(kept_blurbs, "_version_readers", [])
    made = work("Bare", fandom("Its Fandom"))
    template = Template("{% load work_display %}{% work_blurbs works %}")

    def page() -> str:
        bare = list(Work.objects.with_blurb_columns().filter(pk=made.pk))
        return template.render(Context({"works": bare, "reader_preferences": None}))

    assert "Its Fandom" in page()
    # With no versions, the key is made of everything it shows: a tag added by a path that
    # moves no version (none should) still makes a new key.
    Work.tags.through.objects.bulk_create(
        [Work.tags.through(work=made, tag=Tag.objects.create(name="Later", type="freeform"))]
    )
    assert "Later" in page()
    assert rendered == [made.pk, made.pk]


def test_a_sign_in_moves_no_version(client: Client) -> None:
    made = work("Signed In Writer", fandom("F"))
    before = WorkPageChange.objects.count()
    client.force_login(_creator(made))  # saves the member's last login
    assert WorkPageChange.objects.count() == before
