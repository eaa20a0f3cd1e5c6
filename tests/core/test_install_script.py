"""``scripts/install`` (run by ``scripts/serve`` and ``scripts/test``) says what it does in a
line or two, not pip's and setuptools' output, and shows the error when it fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.core.processes import REPOSITORY, sqlite_run_only

pytestmark = sqlite_run_only

PROJECT = """
[build-system]
requires = ["setuptools>=77", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "probe"
version = "0.1.0"
requires-python = "{python}"

[tool.setuptools.packages.find]
include = ["probe*"]
"""


def a_project(folder: Path, python: str = ">=3.11") -> Path:
    """A small project installed the way Ficshelf is (editable, by setuptools), beside a
    folder of its package's name, which is what makes setuptools warn."""
    (folder / "scripts").mkdir(parents=True)
    shutil.copy(REPOSITORY / "scripts" / "install", folder / "scripts" / "install")
    (folder / "pyproject.toml").write_text(PROJECT.format(python=python))
    (folder / "probe").mkdir()
    (folder / "probe" / "__init__.py").touch()
    return folder


def install(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["scripts/install"], cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )


def test_a_first_install_says_what_it_does_and_nothing_else(tmp_path: Path) -> None:
    done = install(a_project(tmp_path))

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "Creating .venv ...",
        "Installing Ficshelf into .venv (a minute the first time) ...",
    ]
    assert done.stderr == ""
    assert install(tmp_path).stdout == ""  # nothing to do the second time


def test_a_failing_install_shows_why_and_exits_non_zero(tmp_path: Path) -> None:
    done = install(a_project(tmp_path, python=">=9"))

    assert done.returncode == 1
    assert "requires a different Python" in done.stderr
    assert "Installing failed; the whole output is in .venv/install.log." in done.stderr
