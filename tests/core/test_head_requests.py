"""HEAD is answered wherever GET is: load balancers and link checkers send HEAD, and a 405
there marks the server down or the link dead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ficshelf.accounts.models import MemberWarning, Pseud, ReaderKey
from ficshelf.api.models import ApiToken
from ficshelf.challenges.models import MemePrompt, PromptMeme, TagSet
from ficshelf.downloads.models import DataExport
from ficshelf.moderation.models import Report
from ficshelf.sitecontent.models import NewsPost
from ficshelf.social.models import ExternalWork, Subscription
from ficshelf.tags.models import TagType
from ficshelf.works.models import Collection, Creatorship, Gift, Series, SeriesWork
from ficshelf.works.skin_models import WorkSkin
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing
from tests.social.factories import (
    BookmarkFactory,
    CommentFactory,
    ReadingFactory,
    ReadingListFactory,
    work_by,
)
from tests.tags.factories import wrangler

pytestmark = pytest.mark.django_db


def named_routes() -> Iterator[tuple[str, list[str]]]:
    """Every route of the site outside the admin: its namespaced name and its arguments."""

    def walk(patterns: list[URLPattern | URLResolver], namespaces: list[str]) -> Iterator[
        tuple[str, list[str]]
    ]:  # fmt: skip
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue  # Django's own, and GET-only pages there answer HEAD already
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                arguments = list(pattern.pattern.regex.groupindex)
                yield ":".join([*namespaces, pattern.name]), arguments

    return walk(get_resolver().url_patterns, [])


@pytest.fixture
def every_kind_of_object() -> tuple[Client, dict[str, object]]:
    """A signed-in member (a wrangler and an admin) with one of everything a route names."""
    member = wrangler("everything")
    member.is_staff = member.is_superuser = True
    member.save()
    work = work_by(member)
    chapter = work.chapters.get()
    series = Series.objects.create(title="A Series")
    SeriesWork.objects.create(series=series, work=work)
    fandom = TagFactory(name="A Fandom", type=TagType.FANDOM, is_canonical=True)
    work.tags.add(fandom)
    Collection.objects.create(name="a_collection", title="A Collection").works.add(work)
    comment = CommentFactory(work=work, user=member)
    bookmark = BookmarkFactory(work=work, user=member)
    reading = ReadingFactory(user=member, work=work)
    reading_list = ReadingListFactory(owner=member)
    reading_list.works.add(work)
    other_pseud = Pseud.objects.create(user=member, name="another_name", is_default=False)
    reader_key = ReaderKey.objects.create(user=member, label="e-reader", key_hash="0" * 64)
    invited = WorkFactory(creator=PseudFactory())
    invitation = Creatorship.objects.create(
        work=invited, pseud=member.pseuds.get(is_default=True), is_approved=False
    )
    someone = UserFactory(username="someone_else")
    subscription = Subscription.objects.create(user=member, work=work)
    api_token = ApiToken.objects.create(
        user=member, name="tool", token_hash="1" * 64, scopes="read", expires_at=timezone.now()
    )
    client = Client()
    client.force_login(member)
    values: dict[str, object] = {
        "work_id": work.pk,
        "chapter_id": chapter.pk,
        "comment_id": comment.pk,
        "bookmark_id": bookmark.pk,
        "external_work_id": ExternalWork.objects.create(
            url="https://elsewhere.example/1",
            url_key="elsewhere.example/1",
            title="Far",
            creator="x",
        ).pk,
        "reading_id": reading.pk,
        "list_id": reading_list.pk,
        "series_id": series.pk,
        "pseud_id": other_pseud.pk,
        "key_id": reader_key.pk,
        "subscription_id": subscription.pk,
        "token_id": api_token.pk,
        "creatorship_id": invitation.pk,
        "tag_id": fandom.pk,
        "tag": fandom.name,
        "username": someone.username,
        "name": "a_collection",
        "set_id": TagSet.objects.create(title="A Tag Set").pk,
        "prompt_id": MemePrompt.objects.create(
            meme=PromptMeme.objects.create(collection=Collection.objects.get()),
            prompter=member,
            title="A Prompt",
        ).pk,
        "gift_id": Gift.objects.create(work=work, recipient_name="someone_else").pk,
        "export_id": DataExport.objects.create(user=member, requested_at=timezone.now()).pk,
        "warning_id": MemberWarning.objects.create(member=member, reason="Careful.").pk,
        "report_id": Report.objects.create(work=work, reason="spam", details="An advert.").pk,
        "what": "note",
        "short": "en",
        "slug": "a-work",
        "extension": "epub",
        "post_id": NewsPost.objects.create(title="News", source="News", html="News").pk,
        "number": 1,
        "uidb64": urlsafe_base64_encode(force_bytes(someone.pk)),
        "token": default_token_generator.make_token(someone),
        # The comment moderation buttons and the spam queue (POST only).
        "change": "hide",
        "kind": "comment",
        "pk": comment.pk,
        "user_id": someone.pk,
        # Skins: a work skin of the member's (the site skins' routes take the same name and
        # answer 404 for it, GET and HEAD alike); a stylesheet's version in its address.
        "skin_id": WorkSkin.objects.create(owner=member, title="A skin", css="").pk,
        "version": "0",
        # A pseud icon's digest, fandoms by medium, a related work's approval, an
        # invitation to co-create a series or a chapter (404s answer HEAD as GET does).
        "digest": "0" * 16,
        "medium": "TV Shows",
        "inspiration_id": 1,
        "invitation_id": 1,
    }
    get_listing(client, "/")  # fills the search index
    return client, values


def test_head_answers_wherever_get_does(
    every_kind_of_object: tuple[Client, dict[str, object]],
) -> None:
    client, values = every_kind_of_object
    answered: dict[str, tuple[int, int]] = {}
    for name, arguments in named_routes():
        url = reverse(name, kwargs={argument: values[argument] for argument in arguments})
        get = client.get(url).status_code
        head = client.head(url).status_code
        answered[url] = (get, head)
    refused = {url: codes for url, codes in answered.items() if codes[0] != 405 == codes[1]}
    assert not refused, f"HEAD refused where GET is allowed: {refused}"
    differs = {url: codes for url, codes in answered.items() if codes[0] == 200 != codes[1]}
    assert not differs, f"HEAD answered otherwise than GET's 200: {differs}"
    # The walk reached real pages, not only 404s and sign-in redirects.
    pages = sum(1 for get, _head in answered.values() if get == 200)
    assert pages >= 60, answered


def test_head_of_a_work_page_has_no_body_but_the_gets_headers() -> None:
    work = WorkFactory()
    client = Client()

    get = client.get(work.get_absolute_url(), HTTP_COOKIE="")
    head = client.head(work.get_absolute_url())

    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
