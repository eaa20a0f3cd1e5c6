"""What ``ficshelf check --deploy`` says about ``FICSHELF_SEARCH=per-host-embedded``, and
the indexer command outside that mode."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ficshelf.core import checks as core_checks
from ficshelf.search.checks import check_per_host_indexes, check_search_index_queue_drained
from ficshelf.search.host_index import follow_once
from ficshelf.search.models import IndexHost, IndexQueueEntry
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

EMBEDDED = "ficshelf.search.backends.embedded.TantivyBackend"


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


@pytest.fixture
def per_host(settings: Any) -> None:
    settings.FICSHELF_SEARCH = "per-host-embedded"
    settings.FICSHELF_SEARCH_BACKEND = EMBEDDED


@pytest.mark.usefixtures("per_host")
def test_several_servers_with_an_index_each_are_not_told_to_share_one(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_checks, "_on_postgresql", lambda: True)
    settings.FICSHELF_SERVERS = 2
    settings.REDIS_URL = "redis://cache.example:6379/0"
    settings.SECRET_KEY_IS_PER_FOLDER = False

    assert core_checks.check_several_servers(None) == []

    settings.FICSHELF_SEARCH = "one-index"
    errors = core_checks.check_several_servers(None)
    assert ids(errors) == ["ficshelf.E013"]
    assert "FICSHELF_SEARCH=per-host-embedded" in errors[0].hint


@pytest.mark.usefixtures("per_host")
def test_deploy_check_says_where_this_host_and_the_others_stand(settings: Any) -> None:
    WorkFactory()
    follow_once()
    IndexHost.objects.create(
        host_id="gone",
        host="old-box",
        data_dir="/srv/old",
        position=0,
        seen_at=timezone.now() - datetime.timedelta(days=1),
    )

    messages = check_per_host_indexes(None)

    assert ids(messages) == ["ficshelf.I025", "ficshelf.I026"]
    assert not any(message.is_serious() for message in messages)
    assert "has applied the index queue through entry" in messages[0].msg
    assert str(settings.DATA_DIR) in messages[0].msg  # the live host, this one
    assert "old-box" not in messages[0].msg
    assert messages[1].msg.startswith("1 search host not seen")


@pytest.mark.usefixtures("per_host")
def test_per_host_indexes_need_the_embedded_backend(settings: Any) -> None:
    settings.FICSHELF_SEARCH_BACKEND = "ficshelf.search.backends.database.DatabaseBackend"

    messages = check_per_host_indexes(None)

    assert ids(messages) == ["ficshelf.E025"]
    assert messages[0].is_serious()


def test_one_index_mode_has_nothing_to_say() -> None:
    assert check_per_host_indexes(None) == []


@pytest.mark.usefixtures("per_host")
def test_entries_only_other_hosts_still_need_are_not_this_hosts_lag() -> None:
    WorkFactory()
    IndexHost.objects.create(
        host_id="other", host="other-box", data_dir="/srv/b", position=0, seen_at=timezone.now()
    )
    follow_once()
    follow_once()
    assert IndexQueueEntry.objects.exists()  # held for the other host
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    IndexQueueEntry.objects.update(queued_at=an_hour_ago)
    assert check_search_index_queue_drained(None) == []

    WorkFactory()  # not applied here yet
    IndexQueueEntry.objects.update(queued_at=an_hour_ago)
    assert ids(check_search_index_queue_drained(None)) == ["ficshelf.W002"]


def test_the_indexer_refuses_to_run_when_the_archive_keeps_one_index() -> None:
    with pytest.raises(CommandError, match="keeps one search index"):
        call_command("search_indexer")
