"""``/health``: database, cache, search index and queue lag, for load balancers."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone

from ficshelf.search.models import IndexQueueEntry
from ficshelf.search.tasks import drain_index_queue
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

ELEVEN_MINUTES_AGO = datetime.timedelta(minutes=11)


def health(client: Client | None = None, **extra: Any) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/health", **extra)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_a_healthy_archive_answers_200_with_every_check() -> None:
    WorkFactory()
    status, answer = health()

    assert status == 200
    assert answer["status"] == "ok"
    assert set(answer["checks"]) == {
        "database", "cache", "task_queue", "search_index", "index_queue"
    }  # fmt: skip
    assert all(check["ok"] for check in answer["checks"].values())
    assert answer["checks"]["index_queue"]["lag_seconds"] >= 0


def test_health_never_reads_a_session_nor_sets_a_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    client.force_login(UserFactory())

    def no_session(self: SessionStore) -> dict[str, Any]:
        raise AssertionError("/health read the session")

    monkeypatch.setattr(SessionStore, "load", no_session)
    response = client.get("/health")

    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "Vary" not in response  # nothing looked at the cookie header


def test_health_answers_head_and_refuses_post() -> None:
    head = Client().head("/health")
    assert head.status_code == 200
    assert head.content == b""
    assert Client().post("/health").status_code == 405


def test_health_answers_a_balancer_whatever_its_host_header_and_over_plain_http(
    settings: Any,
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    status, _answer = health(HTTP_HOST="10.0.0.7:8000")
    assert status == 200


@pytest.fixture
def database_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(type(connections["default"]), "create_cursor", refuse)
    yield
    monkeypatch.undo()


def test_health_answers_503_naming_the_database_when_it_is_away(database_away: None) -> None:
    status, answer = health()

    assert status == 503
    assert answer["status"] == "failing"
    database = answer["checks"]["database"]
    assert database["ok"] is False
    assert "Connection refused" in database["detail"]
    assert answer["checks"]["cache"]["ok"] is True


def test_health_answers_503_when_the_search_index_cannot_be_read() -> None:
    index = settings.DATA_DIR / "search"
    index.mkdir(parents=True)
    (index / "CURRENT").write_text("not a pointer")

    status, answer = health()

    assert status == 503
    assert answer["checks"]["search_index"]["ok"] is False
    assert "unreadable" in answer["checks"]["search_index"]["detail"]


def test_health_answers_503_when_changes_wait_too_long_for_the_index() -> None:
    work = WorkFactory()
    IndexQueueEntry.objects.filter(work_id=work.pk).update(
        queued_at=timezone.now() - ELEVEN_MINUTES_AGO
    )

    status, answer = health()

    assert status == 503
    queue = answer["checks"]["index_queue"]
    assert queue["ok"] is False
    assert queue["lag_seconds"] >= 11 * 60
    assert "worker" in queue["detail"]


def test_health_answers_503_when_tasks_wait_too_long_for_the_worker(settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    drain_index_queue.enqueue()
    status, answer = health()
    assert status == 200
    assert answer["checks"]["task_queue"]["lag_seconds"] < 60

    DBTaskResult.objects.update(enqueued_at=timezone.now() - ELEVEN_MINUTES_AGO)
    status, answer = health()

    assert status == 503
    assert answer["checks"]["task_queue"]["ok"] is False
    assert answer["checks"]["task_queue"]["lag_seconds"] >= 11 * 60
