"""Gifts to several people in one field, members and plain names alike: a member's name links
to their gifts and they are told; a plain name (no member) is only text, and nobody is told."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.social.models import InboxItem, InboxKind
from ficshelf.works.models import Gift
from tests.works.factories_posting import work_form_data, writer

pytestmark = pytest.mark.django_db


def test_gifts_to_a_member_and_to_plain_names(client: Client) -> None:
    giver = writer("giver")
    writer("wren")
    client.force_login(giver)
    client.post(
        "/works/new/", work_form_data(gift_recipients="wren, My Sister Ada, Someone Elsewhere")
    )
    gifts = {g.recipient_name: g for g in Gift.objects.select_related("recipient")}
    assert set(gifts) == {"wren", "My Sister Ada", "Someone Elsewhere"}
    assert gifts["wren"].recipient is not None
    assert gifts["My Sister Ada"].recipient is None
    # Only the member hears of it.
    notices = InboxItem.objects.filter(kind=InboxKind.GIFT)
    assert list(notices.values_list("recipient__username", flat=True)) == ["wren"]
    work = gifts["wren"].work
    html = client.get(work.get_absolute_url()).content.decode()
    assert '<a href="/users/wren/gifts/">wren</a>' in html
    assert '<span class="recipient">My Sister Ada</span>' in html
    assert '<span class="recipient">Someone Elsewhere</span>' in html


def test_a_plain_name_is_shown_as_text_never_as_html(client: Client) -> None:
    client.force_login(writer("giver"))
    client.post("/works/new/", work_form_data(gift_recipients='<img src=x onerror="alert(1)">'))
    gift = Gift.objects.get()
    html = client.get(gift.work.get_absolute_url()).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
