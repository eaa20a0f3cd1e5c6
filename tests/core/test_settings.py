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
