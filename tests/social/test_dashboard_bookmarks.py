"""The dashboard's latest bookmarks (``dashboard_bookmarks``, compiled once per connection
and kind of member) are the member's own, those ``own_bookmarks`` keeps, for each member."""

from __future__ import annotations

import pytest

from ficshelf.accounts.models import Mute, User
from ficshelf.social.access import own_bookmarks
from ficshelf.social.models import Bookmark
from ficshelf.social.templatetags.social import dashboard_bookmarks
from ficshelf.works.models import Series, SeriesWork
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def _expected(user: User) -> list[Bookmark]:
    return list(own_bookmarks(user).select_related("work", "series", "external_work")[:5])


def test_each_members_latest_bookmarks_are_theirs_and_visible_to_them() -> None:
    reader, other, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    muted = PseudFactory()
    Mute.objects.create(muter=reader, muted=muted.user)
    works = {
        "public": WorkFactory(),
        "hidden": WorkFactory(hidden=True),
        "draft": WorkFactory(draft=True),
        "muted": WorkFactory(creator=muted),
        "restricted": WorkFactory(restricted=True),
    }
    series = Series.objects.create(title="Cycle")
    SeriesWork.objects.create(series=series, work=works["public"], position=1)
    for user in (reader, staff):
        for work in works.values():
            Bookmark.objects.create(user=user, work=work)
        Bookmark.objects.create(user=user, series=series)
    Bookmark.objects.create(user=other, work=works["public"], notes="<p>Theirs</p>")
    for user in (reader, other, staff, reader):
        shown = dashboard_bookmarks(user)["bookmarks"]
        expected = _expected(user)
        assert [b.pk for b in shown] == [b.pk for b in expected], user.username
        assert all(b.user_id == user.pk for b in shown)
        for one, theirs in zip(shown, expected, strict=True):
            assert (one.work and one.work.title) == (theirs.work and theirs.work.title)
            assert (one.series and one.series.title) == (theirs.series and theirs.series.title)
    titles = {b.work.title for b in dashboard_bookmarks(reader)["bookmarks"] if b.work}
    # The hidden work and another's draft are gone; the muted creator's work stays listed.
    assert works["hidden"].title not in titles and works["draft"].title not in titles
    assert works["muted"].title in titles
    # Staff see the hidden work (the visibility rule's staff branch).
    staff_titles = {b.work.title for b in dashboard_bookmarks(staff)["bookmarks"] if b.work}
    assert works["hidden"].title in staff_titles
