"""Fixtures that watch ``works.kept_blurbs``: which works' relations the blurbs loaded, and
which blurbs were written afresh rather than served kept (a plugin of tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ficshelf.works import kept_blurbs


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The works whose tags, credits and series the blurbs loaded."""
    found: list[int] = []
    real = kept_blurbs.load_for_blurbs

    def counting(works: Any) -> None:
        found.extend(work.pk for work in works)
        real(works)

    monkeypatch.setattr(kept_blurbs, "load_for_blurbs", counting)
    return found


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The works whose blurbs were written afresh."""
    found: list[int] = []
    real = kept_blurbs._render

    def counting(links: Any, preference: Any, work: Any) -> str:
        found.append(work.pk)
        return real(links, preference, work)

    monkeypatch.setattr(kept_blurbs, "_render", counting)
    return found
