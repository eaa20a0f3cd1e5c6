"""The work page's and listings' prepared reads (``works.prepared_reads``) find what the
visibility rule finds, for every kind of viewer and every state a work can be in, with
the same flags and relations loaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from ficshelf.accounts.models import Mute, User
from ficshelf.core.spam import SpamState
from ficshelf.works.models import (
    MODERATING_ROLES,
    Collection,
    CollectionItem,
    CollectionParticipant,
    Inspiration,
    Series,
    SeriesWork,
    ViewerKind,
    Work,
    viewer_kind,
)
from ficshelf.works.prepared_reads import (
    visible_posted_works_for_blurbs,
    visible_work_with_everything_shown,
    visible_works_for_blurbs,
)
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def _world() -> tuple[list[Work], dict[str, Any]]:
    creator, muted = PseudFactory(), PseudFactory()
    moderator, muter, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    works = {
        "public": WorkFactory(creator=creator, chapters=2),
        "restricted": WorkFactory(restricted=True),
        "draft": WorkFactory(draft=True, creator=creator),
        "hidden": WorkFactory(hidden=True, creator=creator),
        "held": WorkFactory(spam_state=SpamState.HELD),
        "spam": WorkFactory(spam_state=SpamState.SPAM, creator=creator),
        "unrevealed": WorkFactory(in_unrevealed_collection=True),
        "by muted": WorkFactory(creator=muted),
        "staff draft": WorkFactory(draft=True, creator=PseudFactory(user=staff)),
    }
    collection = Collection.objects.create(name="gathering", title="Gathering")
    CollectionParticipant.objects.create(
        collection=collection, user=moderator, role=MODERATING_ROLES[1]
    )
    CollectionItem.objects.create(
        collection=collection, work=works["unrevealed"], is_unrevealed=True
    )
    Mute.objects.create(muter=muter, muted=muted.user)
    series = Series.objects.create(title="Cycle")
    SeriesWork.objects.create(series=series, work=works["public"], position=1)
    Inspiration.objects.create(work=works["restricted"], source=works["public"])
    viewers = {
        "guest": AnonymousUser(),
        "reader": UserFactory(),
        "creator": creator.user,
        "moderator": moderator,
        "muter": muter,
        "staff": staff,
    }
    return list(works.values()), viewers


def test_viewer_kinds_are_the_rules_branches() -> None:
    assert viewer_kind(None) == viewer_kind(AnonymousUser()) == ViewerKind.GUEST
    assert viewer_kind(User(pk=1)) == ViewerKind.MEMBER
    assert viewer_kind(User(pk=1, is_staff=True)) == ViewerKind.STAFF


def test_the_work_page_finds_what_the_rule_finds_for_every_viewer() -> None:
    works, viewers = _world()
    seen = 0
    for name, viewer in viewers.items():
        for work in works:
            try:
                expected = Work.objects.visible_to(viewer).one_with_everything_shown(work.pk)
            except Work.DoesNotExist:
                with pytest.raises(Work.DoesNotExist):
                    visible_work_with_everything_shown(viewer, work.pk)
                continue
            seen += 1
            found = visible_work_with_everything_shown(viewer, work.pk)
            assert found.pk == expected.pk, (name, work.title)
            for flag in (
                "has_series_parts",
                "has_collections",
                "has_chapter_credits",
                "has_gifts",
                "has_inspiration",
                "is_inspiring",
                "creators_refuse_robots",
            ):
                assert getattr(found, flag) == getattr(expected, flag), (name, flag)
            assert [c.pk for c in found.chapters.all()] == [c.pk for c in expected.chapters.all()]
            assert [t.pk for t in found.tags.all()] == [t.pk for t in expected.tags.all()]
            assert [s.series.title for s in found.series_works.all()] == [
                s.series.title for s in expected.series_works.all()
            ]
            assert found.language == expected.language
    # Every kind of viewer saw some works and was refused others.
    assert 0 < seen < len(works) * len(viewers)


def test_listings_find_what_the_rule_finds_for_every_viewer() -> None:
    works, viewers = _world()
    ids = [w.pk for w in works]
    for name, viewer in viewers.items():
        expected = Work.objects.visible_to(viewer).posted().filter(pk__in=ids).for_blurbs()
        for chosen in (ids, ids[:1], ids[2:7], [*ids, *ids, 10**9]):
            found = visible_posted_works_for_blurbs(viewer, chosen)
            wanted = [w for w in expected if w.pk in chosen]
            assert sorted(w.pk for w in found) == sorted(w.pk for w in wanted), name
            by_pk = {w.pk: w for w in wanted}
            for work in found:
                assert work.posted_chapter_count == by_pk[work.pk].posted_chapter_count
                theirs = by_pk[work.pk]
                assert [t.name for t in work.tags.all()] == [t.name for t in theirs.tags.all()]
                assert [(c.pseud.name, c.pseud.user.username) for c in work.creatorships.all()] == [
                    (c.pseud.name, c.pseud.user.username) for c in theirs.creatorships.all()
                ]
                assert [(p.series.title, p.position) for p in work.series_works.all()] == [
                    (p.series.title, p.position) for p in theirs.series_works.all()
                ]
    # More keys than the largest prepared size are read unprepared, alike.
    many = visible_posted_works_for_blurbs(AnonymousUser(), [*ids * 6, *range(10**6, 10**6 + 9)])
    assert sorted(w.pk for w in many) == sorted(
        w.pk for w in Work.objects.visible_to(None).posted().filter(pk__in=ids)
    )
    assert visible_posted_works_for_blurbs(AnonymousUser(), []) == []


def test_bookmark_pages_find_what_the_rule_finds_drafts_included() -> None:
    works, viewers = _world()
    ids = [w.pk for w in works]
    drafts_seen = 0
    for name, viewer in viewers.items():
        expected = Work.objects.visible_to(viewer).filter(pk__in=ids).for_blurbs()
        for chosen in (ids, ids[1:4]):
            found = visible_works_for_blurbs(viewer, chosen)
            wanted = sorted(w.pk for w in expected if w.pk in chosen)
            assert sorted(w.pk for w in found) == wanted, name
            drafts_seen += sum(not w.is_posted for w in found)
    # The creators saw their drafts (the listings' form leaves them out).
    assert drafts_seen > 0
