"""Tags of each type and the wrangler role, for the wrangling tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission

from ficshelf.accounts.models import User
from ficshelf.tags.models import MetaTagging, Tag, TagType
from ficshelf.works.models import Work
from tests.factories import TagFactory, UserFactory, WorkFactory


def tag(name: str, tag_type: str = TagType.FREEFORM, **kwargs: Any) -> Tag:
    return TagFactory(name=name, type=tag_type, **kwargs)


def canonical(name: str, tag_type: str = TagType.FREEFORM, **kwargs: Any) -> Tag:
    return tag(name, tag_type, is_canonical=True, **kwargs)


def fandom(name: str, *, is_canonical: bool = True) -> Tag:
    return tag(name, TagType.FANDOM, is_canonical=is_canonical)


def synonym(name: str, of: Tag) -> Tag:
    return tag(name, of.type, merger=of)


def meta(sub: Tag, meta_tag: Tag) -> None:
    MetaTagging.objects.create(sub_tag=sub, meta_tag=meta_tag)


def wrangler(username: str = "wrangler") -> User:
    user: User = UserFactory(username=username)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="tags", codename="wrangle_tag")
    )
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


def work_tagged(*tags: Tag, **kwargs: Any) -> Work:
    work: Work = WorkFactory(**kwargs)
    work.tags.add(*tags)
    return work
