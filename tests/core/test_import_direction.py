"""The apps depend in one direction (docs/design.md), and ``scripts/test`` keeps it with
import-linter's contracts in pyproject.toml. These run the same contracts on a copy of the
package, so an upward import added by mistake is shown to fail the check, by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.processes import REPOSITORY, sqlite_run_only

# Nothing here reads the database; once is enough.
pytestmark = sqlite_run_only

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """The Python files of ``ficshelf/`` and the pyproject.toml with the contracts."""
    shutil.copytree(
        REPOSITORY / "ficshelf",
        tmp_path / "ficshelf",
        ignore=shutil.ignore_patterns("templates", "static", "__pycache__", "migrations"),
    )
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so the copy is analysed rather than the installed package.
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}\n")


def test_the_apps_keep_the_direction(package_copy: Path) -> None:
    result = lint_imports(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_lower_app_importing_a_higher_one_fails(package_copy: Path) -> None:
    add_import(package_copy / "ficshelf/tags/access.py", "from ficshelf.search import service")

    result = lint_imports(package_copy)

    assert result.returncode == 1
    assert "ficshelf.tags is not allowed to import ficshelf.search" in result.stdout
    assert "ficshelf.tags.access -> ficshelf.search.service" in result.stdout


def test_the_top_apps_are_independent_of_each_other(package_copy: Path) -> None:
    add_import(
        package_copy / "ficshelf/moderation/views.py", "from ficshelf.downloads import files"
    )

    result = lint_imports(package_copy)

    assert result.returncode == 1
    assert "ficshelf.moderation is not allowed to import ficshelf.downloads" in result.stdout


def test_an_app_importing_the_composition_root_fails(package_copy: Path) -> None:
    add_import(package_copy / "ficshelf/core/views.py", "from ficshelf import urls")

    result = lint_imports(package_copy)

    assert result.returncode == 1
    assert "ficshelf.core is not allowed to import ficshelf.urls" in result.stdout
    assert "ficshelf.core.views -> ficshelf.urls" in result.stdout


def test_a_new_package_must_be_given_its_layer(package_copy: Path) -> None:
    (package_copy / "ficshelf/unplaced").mkdir()
    (package_copy / "ficshelf/unplaced/__init__.py").touch()

    result = lint_imports(package_copy)

    assert result.returncode == 1
    assert "ficshelf.unplaced" in result.stdout
