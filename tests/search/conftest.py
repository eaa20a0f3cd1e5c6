from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ficshelf.search.backends.embedded import TantivyBackend
from ficshelf.search.documents import WorkDocument

MakeDocument = Callable[..., WorkDocument]


def work_document(work_id: int, **fields: Any) -> WorkDocument:
    """A plain, public, one-chapter work; tests override what they are about."""
    values: dict[str, Any] = {
        "title": f"Work {work_id}",
        "creator_names": [f"writer{work_id}"],
        "creator_user_ids": [work_id + 1000],
        "summary": "",
        "notes": "",
        "tag_names": [],
        "chapter_texts": ["Once upon a time."],
        "published_on": datetime.date(2024, 1, 1),
        "updated_on": datetime.date(2024, 1, 1),
    }
    values.update(fields)
    return WorkDocument(work_id=work_id, **values)


@pytest.fixture
def index_location(tmp_path: Path) -> str:
    return str(tmp_path / "search")


@pytest.fixture
def backend(index_location: str) -> TantivyBackend:
    return TantivyBackend(index_location)


@pytest.fixture
def make_document() -> MakeDocument:
    return work_document
