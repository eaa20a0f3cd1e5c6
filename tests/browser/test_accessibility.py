"""Pages pass axe-core with no serious or critical violations."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from ficshelf.works.models import Work
from tests.browser.axe import assert_accessible, blocking_violations
from tests.browser.conftest import PHONE
from tests.factories import WorkFactory
from tests.fixtures_path import fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def seed() -> Work:
    call_command(
        "import",
        str(fixture("seed/000_54b7f5ba612c50cc.txt")),
        "--as",
        "seedwriter",
        "--rating",
        "Explicit",
        "--no-progress",
    )
    return Work.objects.get(title="The Idol")


def test_index_is_accessible(live_server: LiveServer, page: Page) -> None:
    WorkFactory.create_batch(3)
    page.goto(live_server.url + "/")
    assert_accessible(page)


def test_adult_notice_and_seed_work_page_are_accessible(
    live_server: LiveServer, page: Page
) -> None:
    work = seed()
    page.goto(live_server.url + work.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("button", name="Proceed").click()
    page.wait_for_url("**" + work.get_absolute_url())
    assert_accessible(page)


def test_chaptered_work_and_chapter_index_are_accessible(
    live_server: LiveServer, page: Page
) -> None:
    work = WorkFactory(chapters=3, expected_chapter_count=None)
    page.goto(live_server.url + work.get_absolute_url())
    assert_accessible(page)
    page.goto(live_server.url + work.get_absolute_url() + "?view_full_work=true")
    assert_accessible(page)


def test_work_page_is_accessible_at_phone_width(live_server: LiveServer, page: Page) -> None:
    page.set_viewport_size(PHONE)
    work = WorkFactory(chapters=2)
    page.goto(live_server.url + work.get_absolute_url())
    assert_accessible(page)


def test_missing_page_and_login_are_accessible(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/works/999999/")
    assert_accessible(page)
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)


def test_the_check_itself_catches_a_serious_violation(page: Page) -> None:
    # Guards against a check that cannot fail: an unlabeled form field is "critical".
    page.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')
    assert {v["id"] for v in blocking_violations(page)} >= {"label"}


def test_series_page_is_accessible(live_server: LiveServer, page: Page) -> None:
    from ficshelf.works.models import Series, SeriesWork

    series = Series.objects.create(title="Harbour Stories")
    for part in (1, 2):
        SeriesWork.objects.create(series=series, work=WorkFactory(), position=part)
    page.goto(f"{live_server.url}/series/{series.pk}/")
    assert_accessible(page)
