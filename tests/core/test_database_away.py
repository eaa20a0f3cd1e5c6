"""While the database is away (a PostgreSQL restart), pages answer 503 with Retry-After,
not 500, and the log gets one line instead of a traceback per request."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connections
from django.test import Client

from ficshelf.core import error_views

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@pytest.fixture
def database_away(django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every query fails as it does against a stopped PostgreSQL (the driver's edge)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError(REFUSED)

    monkeypatch.setattr(error_views, "_last_logged_at", None)
    with django_db_blocker.unblock():
        monkeypatch.setattr(type(connections["default"]), "create_cursor", refuse)
        yield
        monkeypatch.undo()


@pytest.mark.usefixtures("database_away")
def test_a_page_answers_503_with_retry_after_while_the_database_is_away() -> None:
    response = Client(raise_request_exception=False).get("/works/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "briefly unavailable" in response.content.decode()
    assert "try again in a minute" in response.content.decode()


@pytest.mark.usefixtures("database_away")
def test_a_signed_in_visit_answers_503_too() -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-holds"

    response = client.get("/works/1/")

    assert response.status_code == 503


@pytest.mark.usefixtures("database_away")
def test_the_log_gets_one_line_not_a_traceback_per_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert client.get("/works/").status_code == 503

    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "database is unavailable" in caplog.records[0].getMessage()
    assert "Connection refused" in caplog.records[0].getMessage()
    assert caplog.records[0].exc_info is None


@pytest.mark.django_db
def test_any_other_error_still_answers_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("ficshelf.search.views._render_listing", broken)

    response = Client(raise_request_exception=False).get("/works/")

    assert response.status_code == 500
    assert "Retry-After" not in response
