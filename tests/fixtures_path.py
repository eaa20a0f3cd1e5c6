"""Where the shared AO3/EPUB fixtures live, and how tests ask for one.

The fixtures are third-party files kept next to the repository (``../shared/fixtures``),
never committed. A test that needs one calls ``fixture("ao3/...")``: it skips with a reason
when the folder is missing, or fails when ``FICSHELF_REQUIRE_FIXTURES=1`` (CI with fixtures).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT.parent / "shared" / "fixtures"


def fixture(relpath: str) -> Path:
    path = FIXTURES / relpath
    if path.exists():
        return path
    reason = f"shared fixture {relpath} not found under {FIXTURES}"
    if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)
