from __future__ import annotations

from typing import Any

import pytest

READER_PREFERENCES = "ficshelf.accounts.context_processors.reader_preferences"


def use_members_pages_and_reader_preferences(settings: Any) -> None:
    """Mount /users/ and the preferences context processor, whether or not the project has yet."""
    settings.ROOT_URLCONF = "tests.accounts.urls"
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if READER_PREFERENCES not in processors:
        templates = [dict(settings.TEMPLATES[0])]
        templates[0]["OPTIONS"] = {
            **templates[0]["OPTIONS"],
            "context_processors": [*processors, READER_PREFERENCES],
        }
        settings.TEMPLATES = templates


@pytest.fixture(autouse=True)
def _members_pages_and_reader_preferences(settings: Any) -> None:
    use_members_pages_and_reader_preferences(settings)
