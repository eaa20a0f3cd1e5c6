"""Helpers for the listing tests: works made with factories, indexed, then read off the page."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

from django.test import Client

from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Work
from tests.factories import TagFactory, WorkFactory

_TITLE = re.compile(r'id="work_\d+_title" href="[^"]*">([^<]*)</a>')


def index_now() -> None:
    """What the worker does after a change: the index then holds every work made so far."""
    drain_index_queue()


def tag(name: str, tag_type: str = TagType.FREEFORM, **kwargs: Any) -> Tag:
    return TagFactory(name=name, type=tag_type, **kwargs)


def work(title: str, *tags: tuple[str, str], **kwargs: Any) -> Work:
    """A posted public work with ``(type, name)`` tags (the factory adds a rating)."""
    made = WorkFactory(title=title, **kwargs)
    for tag_type, name in tags:
        made.tags.add(tag(name, tag_type))
    return made


def fandom(name: str) -> tuple[str, str]:
    return (TagType.FANDOM, name)


def character(name: str) -> tuple[str, str]:
    return (TagType.CHARACTER, name)


def relationship(name: str) -> tuple[str, str]:
    return (TagType.RELATIONSHIP, name)


def freeform(name: str) -> tuple[str, str]:
    return (TagType.FREEFORM, name)


def warning(name: str) -> tuple[str, str]:
    return (TagType.WARNING, name)


def category(name: str) -> tuple[str, str]:
    return (TagType.CATEGORY, name)


def url_with(path: str, params: dict[str, Any] | list[tuple[str, Any]] | None = None) -> str:
    if not params:
        return path
    return f"{path}?{urlencode(params, doseq=True)}"


def page(client: Client, path: str, params: Any = None, *, status: int = 200) -> str:
    """The page's text (entities undone), after checking its status."""
    response = client.get(url_with(path, params))
    assert response.status_code == status, f"expected {status}, got {response.status_code}"
    return unescape(response.content.decode())


def titles(html: str) -> list[str]:
    """The titles of the works listed, in order."""
    return [unescape(t) for t in _TITLE.findall(html)]


def tag_id(name: str) -> int:
    return Tag.objects.get(name=name).pk
