"""The secret key file: made whole or not at all, and never used empty or short."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ficshelf.core import datadir
from ficshelf.core.datadir import secret_key_from


def test_the_first_start_makes_a_long_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    key = secret_key_from(tmp_path)
    key_file = tmp_path / "secret_key"
    assert len(key) >= 50
    assert key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left
    assert secret_key_from(tmp_path) == key  # one per install, not per run


@pytest.mark.parametrize(
    ("content", "state"), [("", "empty"), ("  \n", "empty"), ("abc", "only 3")]
)
def test_an_empty_or_short_key_file_is_refused_naming_the_file(
    tmp_path: Path, content: str, state: str
) -> None:
    (tmp_path / "secret_key").write_text(content)
    with pytest.raises(ImproperlyConfigured, match=f"{tmp_path / 'secret_key'} is {state}"):
        secret_key_from(tmp_path)


def test_a_key_that_cannot_be_written_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(datadir.os, "fsync", disk_full)
    with pytest.raises(
        ImproperlyConfigured, match="No space left on device \\(the disk is full\\)"
    ):
        secret_key_from(tmp_path)
    assert list(tmp_path.iterdir()) == []  # the next start tries again, nothing half-made


def test_a_key_made_meanwhile_by_another_process_is_the_one_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_link = os.link

    def other_process_first(source: str, target: Path) -> None:
        Path(target).write_text("k" * 60)  # the other process's key lands first
        real_link(source, target)

    monkeypatch.setattr(datadir.os, "link", other_process_first)
    assert secret_key_from(tmp_path) == "k" * 60


def test_the_command_line_names_the_empty_key_file_and_exits(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    env = {**os.environ, "FICSHELF_DATA_DIR": str(tmp_path)}
    env.pop("FICSHELF_SECRET_KEY", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "ficshelf", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"ficshelf: The secret key file {tmp_path / 'secret_key'} is empty" in result.stderr
    assert "Traceback" not in result.stderr
