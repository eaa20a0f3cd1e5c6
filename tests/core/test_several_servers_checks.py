"""``ficshelf check --deploy`` with several app servers on one database: each thing they
must share and do not is an error naming the setting; one server by default has none."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ficshelf.core import checks
from ficshelf.core.models import AppServer
from ficshelf.core.servers import SEEN_WITHIN_SECONDS
from tests.core.check_deploy import run_check_deploy

POSTGRES_SEARCH = "ficshelf.search.backends.postgres.PostgresBackend"

pytestmark = pytest.mark.django_db  # servers seen are read from the database


@pytest.fixture
def single_server_default(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a fresh install has: SQLite and the key in the data folder, no Redis, the
    embedded index (also in the test run on PostgreSQL)."""
    monkeypatch.setattr(checks, "_on_postgresql", lambda: False)
    settings.FICSHELF_SERVERS = 1
    settings.REDIS_URL = ""
    settings.SECRET_KEY_IS_PER_FOLDER = True
    settings.FICSHELF_SEARCH_BACKEND = "ficshelf.search.backends.embedded.TantivyBackend"


@pytest.fixture
def on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_on_postgresql", lambda: True)


@pytest.fixture
def everything_shared(settings: Any, on_postgresql: None) -> None:
    settings.REDIS_URL = "redis://cache.example:6379/0"
    settings.SECRET_KEY_IS_PER_FOLDER = False
    settings.FICSHELF_SEARCH_BACKEND = POSTGRES_SEARCH


def ids(messages: list[Any]) -> list[str]:
    return [message.id for message in messages]


def seen(host: str, data_dir: str, *, ago: float = 0) -> None:
    AppServer.objects.create(
        server_id=f"{host}:{data_dir}",
        host=host,
        data_dir=data_dir,
        seen_at=timezone.now() - datetime.timedelta(seconds=ago),
    )


@pytest.mark.usefixtures("single_server_default")
def test_one_server_by_default_has_nothing_to_share() -> None:
    assert checks.check_several_servers(None) == []


@pytest.mark.usefixtures("single_server_default")
def test_several_servers_declared_on_the_default_install_name_all_they_lack(settings: Any) -> None:
    settings.FICSHELF_SERVERS = 2

    messages = checks.check_several_servers(None)

    assert ids(messages) == ["ficshelf.E010", "ficshelf.E011", "ficshelf.E012", "ficshelf.E013"]
    assert all(message.is_serious() for message in messages)
    assert all(message.msg.startswith("FICSHELF_SERVERS is 2, but") for message in messages)
    hints = " ".join(message.hint for message in messages)
    for setting in ("DATABASE_URL=postgres://", "REDIS_URL=redis://", "FICSHELF_SECRET_KEY",
                    f"FICSHELF_SEARCH_BACKEND={POSTGRES_SEARCH}", "ficshelf reindex"):  # fmt: skip
        assert setting in hints
    assert str(settings.DATA_DIR / "secret_key") in messages[2].msg


@pytest.mark.usefixtures("everything_shared")
def test_several_servers_sharing_everything_pass(settings: Any) -> None:
    settings.FICSHELF_SERVERS = 3
    assert checks.check_several_servers(None) == []


@pytest.mark.usefixtures("everything_shared")
@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("REDIS_URL", "", "ficshelf.E011"),
        ("SECRET_KEY_IS_PER_FOLDER", True, "ficshelf.E012"),
        ("FICSHELF_SEARCH_BACKEND", "ficshelf.search.backends.embedded.TantivyBackend",
         "ficshelf.E013"),
    ],
)  # fmt: skip
def test_each_thing_not_shared_is_its_own_error(
    settings: Any, setting: str, value: object, error: str
) -> None:
    settings.FICSHELF_SERVERS = 2
    setattr(settings, setting, value)
    assert ids(checks.check_several_servers(None)) == [error]


@pytest.mark.usefixtures("everything_shared")
def test_servers_seen_running_count_though_nobody_declared_them(settings: Any) -> None:
    settings.REDIS_URL = ""
    seen("web-1", "/srv/ficshelf")
    assert checks.check_several_servers(None) == []  # one server: this one

    seen("web-2", "/srv/ficshelf")
    (message,) = checks.check_several_servers(None)

    assert message.id == "ficshelf.E011"
    assert message.msg.startswith(
        "2 servers ran on this database in the last 5 minutes "
        "(web-1 (/srv/ficshelf), web-2 (/srv/ficshelf)), but REDIS_URL is not set"
    )


@pytest.mark.usefixtures("everything_shared")
def test_a_server_gone_for_longer_than_a_while_no_longer_counts(settings: Any) -> None:
    settings.REDIS_URL = ""
    seen("web-1", "/srv/ficshelf")
    seen("web-2", "/srv/ficshelf", ago=SEEN_WITHIN_SECONDS + 60)
    assert checks.check_several_servers(None) == []


@pytest.mark.usefixtures("single_server_default", "on_postgresql")
def test_one_server_on_postgresql_with_the_key_in_its_folder_is_warned() -> None:
    (message,) = checks.check_several_servers(None)
    assert message.id == "ficshelf.W010"
    assert not message.is_serious()
    assert "FICSHELF_SECRET_KEY" in (message.hint or "")


def deploy_check(folder: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    # Not the test run's own settings.
    skip = ("FICSHELF_", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(FICSHELF_DATA_DIR=str(folder), **environment)
    return run_check_deploy(env)


def test_check_deploy_on_a_fresh_install_has_no_error(tmp_path: Path) -> None:
    done = deploy_check(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ficshelf.E" not in done.stdout + done.stderr
    assert "ficshelf.W010" not in done.stdout + done.stderr


def test_check_deploy_with_several_servers_declared_fails_and_says_what_to_set(
    tmp_path: Path,
) -> None:
    done = deploy_check(tmp_path, FICSHELF_SERVERS="2")
    assert done.returncode == 1
    for error in ("E010", "E011", "E012", "E013"):
        assert f"(ficshelf.{error}) FICSHELF_SERVERS is 2, but" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_number_of_servers_that_is_not_one_is_refused_clearly(tmp_path: Path) -> None:
    done = deploy_check(tmp_path, FICSHELF_SERVERS="0")
    assert done.returncode == 1
    assert "ficshelf: FICSHELF_SERVERS must be 1 or more, not 0." in done.stderr
    assert "Traceback" not in done.stderr
