"""The series page: its visible works in part order, and the one visibility rule."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def in_series(series: Series, work: Work, part: int) -> Work:
    SeriesWork.objects.create(series=series, work=work, position=part)
    return work


def test_series_lists_its_works_in_part_order(client: Client) -> None:
    series = Series.objects.create(title="Harbour Stories")
    in_series(series, WorkFactory(title="Second Letter"), 2)
    in_series(series, WorkFactory(title="First Letter"), 1)
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert "Harbour Stories" in html
    assert html.index("First Letter") < html.index("Second Letter")


def test_series_leaves_out_works_the_viewer_may_not_see(client: Client) -> None:
    series = Series.objects.create(title="Harbour Stories")
    in_series(series, WorkFactory(title="Open Letter"), 1)
    in_series(series, WorkFactory(title="Sealed Letter", restricted=True), 2)
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert "Open Letter" in html and "Sealed Letter" not in html


def test_series_of_only_restricted_works_is_404_for_guests(client: Client) -> None:
    series = Series.objects.create(title="Members Only")
    in_series(series, WorkFactory(restricted=True), 1)
    assert client.get(f"/series/{series.pk}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/series/{series.pk}/").status_code == 200


def test_work_page_links_its_series(client: Client) -> None:
    series = Series.objects.create(title="Harbour Stories")
    work = in_series(series, WorkFactory(), 1)
    html = client.get(work.get_absolute_url()).content.decode()
    assert f'href="/series/{series.pk}/"' in html


def test_member_subscribes_to_a_series_from_its_page(client: Client) -> None:
    from ficshelf.social.models import Subscription

    series = Series.objects.create(title="Harbour Stories")
    in_series(series, WorkFactory(), 1)
    reader = UserFactory()
    client.force_login(reader)
    assert b"Subscribe" in client.get(f"/series/{series.pk}/").content
    client.post(f"/series/{series.pk}/subscribe/", {"subscribe": "1"})
    assert Subscription.objects.filter(user=reader, series=series).exists()


def test_series_page_queries_do_not_grow_with_its_works(
    client: Client, django_assert_max_num_queries: object
) -> None:
    series = Series.objects.create(title="Long Series")
    for part in range(1, 9):
        in_series(series, WorkFactory(), part)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        client.get(f"/series/{series.pk}/")
