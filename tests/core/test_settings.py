"""Settings read from the environment: a value that cannot be used is named, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ficshelf.settings import env_int


def test_a_whole_number_is_read_and_an_empty_value_means_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FICSHELF_TEST_NUMBER", " 3 ")
    assert env_int("FICSHELF_TEST_NUMBER", 7) == 3
    monkeypatch.setenv("FICSHELF_TEST_NUMBER", "")
    assert env_int("FICSHELF_TEST_NUMBER", 7) == 7
    monkeypatch.delenv("FICSHELF_TEST_NUMBER")
    assert env_int("FICSHELF_TEST_NUMBER", 7) == 7


def test_anything_else_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FICSHELF_TEST_NUMBER", "two")
    with pytest.raises(ImproperlyConfigured, match="FICSHELF_TEST_NUMBER must be a whole"):
        env_int("FICSHELF_TEST_NUMBER", 7)


def test_the_command_line_says_which_setting_and_exits(tmp_path: Path) -> None:
    env = {**os.environ, "FICSHELF_DATA_DIR": str(tmp_path), "FICSHELF_PDF_PROCESSES": "two"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "ficshelf", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "ficshelf: FICSHELF_PDF_PROCESSES must be a whole number, not 'two'." in result.stderr
    assert "Traceback" not in result.stderr


def settings_in_a_process(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FICSHELF_DATA_DIR": str(tmp_path), **variables}
    for name in ("DJANGO_SETTINGS_MODULE", "REDIS_URL"):
        env.pop(name, None)
    code = (
        "from django.conf import settings; from django.core.cache import caches; "
        "caches['default'].set('k', 1); "
        "print(settings.FICSHELF_TRUSTED_PROXIES, type(caches['default']).__name__, "
        "settings.CACHES['default']['OPTIONS']['size_limit'])"
    )
    return subprocess.run(
        [sys.executable, "-m", "ficshelf", "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_default_cache_is_the_embedded_one_in_the_data_folder(tmp_path: Path) -> None:
    result = settings_in_a_process(tmp_path, FICSHELF_CACHE_SIZE_MB="64")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "EmbeddedCache", str(64 * 1024 * 1024)]
    assert (tmp_path / "cache").is_dir()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FICSHELF_TRUSTED_PROXIES", "-1", "FICSHELF_TRUSTED_PROXIES must be 0 or more, not -1."),
        ("FICSHELF_TRUSTED_PROXIES", "one", "FICSHELF_TRUSTED_PROXIES must be a whole number"),
        ("FICSHELF_CACHE_SIZE_MB", "0", "FICSHELF_CACHE_SIZE_MB must be 16 or more"),
    ],
)
def test_a_proxy_count_or_cache_size_that_cannot_be_used_is_named(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = settings_in_a_process(tmp_path, **{variable: value})
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
