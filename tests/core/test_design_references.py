"""The design the code follows is written in the repository (docs/design.md), and the layers
it states are the ones ``scripts/test`` checks."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from tests.core.processes import REPOSITORY

SKIPPED_FOLDERS = {
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".import_linter_cache",
}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".css", ".js", ".json", ""}


def project_files() -> list[str]:
    found = []
    for folder, subfolders, names in os.walk(REPOSITORY):
        subfolders[:] = [
            name for name in subfolders if name not in SKIPPED_FOLDERS and "egg-info" not in name
        ]
        for name in names:
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
                found.append(str(path.relative_to(REPOSITORY)))
    return found


def test_no_file_points_at_a_design_outside_the_repository() -> None:
    pointing = [
        name
        for name in project_files()
        if "DESIGN.md" in (REPOSITORY / name).read_text(errors="replace")
        and name != "tests/core/test_design_references.py"
    ]
    assert pointing == []


def test_the_design_states_the_layers_the_import_check_enforces() -> None:
    design = (REPOSITORY / "docs" / "design.md").read_text()
    (line,) = re.findall(r"^ {4}(core <- .*)$", design, flags=re.MULTILINE)
    stated = [set(layer.strip().split(" | ")) for layer in line.split(" <- ")]

    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    enforced = [set(layer.split(" | ")) for layer in reversed(layers)]

    assert stated == enforced
