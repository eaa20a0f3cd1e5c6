"""A full disk for real: a small tmpfs, filled. Needs permission to mount (root with
CAP_SYS_ADMIN); skips, saying so, where there is none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def ficshelf_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "FICSHELF_DATA_DIR": str(data_dir)}
    env["FICSHELF_ALLOWED_HOSTS"] = "testserver"
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "FICSHELF_SECRET_KEY"):
        env.pop(name, None)  # the embedded default: SQLite in the data folder
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=REPOSITORY, capture_output=True, text=True, timeout=300
    )


def test_reads_go_on_and_writes_come_back_when_a_real_disk_fills(small_disk: Path) -> None:
    env = ficshelf_env(small_disk / "data")
    migrated = run([sys.executable, "-m", "ficshelf", "migrate", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr
    session = run(
        [sys.executable, "tests/core/full_disk_session.py", str(small_disk / "filler")], env
    )
    assert session.returncode == 0, session.stderr
    answers = json.loads(session.stdout.strip().splitlines()[-1])
    assert answers == {
        "listing": [200, True],
        "search": [200, True],
        "work": [200, True],
        "login page": [200, True],
        "comment while full": [503, True],
        "posting while full": [503, True],
        "comment after": 302,
    }
    assert "Traceback" not in session.stderr
    assert session.stderr.count("The disk is full") == 1


def test_a_first_start_on_a_full_disk_says_so_and_leaves_no_empty_key(small_disk: Path) -> None:
    (small_disk / "filler").write_bytes(b"")
    with (small_disk / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    data_dir = small_disk / "data"
    data_dir.mkdir()
    result = run([sys.executable, "-m", "ficshelf", "check"], ficshelf_env(data_dir))
    assert result.returncode == 1
    assert f"ficshelf: Could not write the secret key to {data_dir / 'secret_key'}" in result.stderr
    assert "(the disk is full)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (data_dir / "secret_key").exists()
