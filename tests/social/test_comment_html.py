"""The comment threads built in Python write what Django's templates would."""

from __future__ import annotations

import datetime
import random

import pytest
from django.template.defaultfilters import date as format_date
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation

from ficshelf.social.comment_html import COMMENT_DATE, _comment_date, _CommentUrls


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_comment_dates_are_written_as_the_date_filter_writes_them(language: str) -> None:
    rng = random.Random(7)
    moments = [
        datetime.datetime(1999, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
        *(
            datetime.datetime.fromtimestamp(rng.randrange(0, 2_000_000_000), tz=datetime.UTC)
            for _ in range(300)
        ),
    ]
    with translation.override(language), timezone.override("Pacific/Chatham"):
        for moment in moments:
            local = timezone.localtime(moment)
            assert _comment_date(local) == format_date(local, COMMENT_DATE)


def test_comment_urls_are_those_reverse_gives_under_the_request_prefix() -> None:
    set_script_prefix("/archive/")
    try:
        urls = _CommentUrls()
        for name in ("social:reply", "social:edit_comment", "moderation:report_comment"):
            for comment_id in (1, 42, 918273645):
                assert urls(name, comment_id) == reverse(name, args=[comment_id])
        assert urls("social:reply", 7).startswith("/archive/")
    finally:
        set_script_prefix("/")


def test_profile_urls_are_those_reverse_gives_for_every_kind_of_name() -> None:
    """Names ``reverse`` leaves as they are are put into one reversed pattern; others (it
    would quote them) are reversed each."""
    set_script_prefix("/archive/")
    try:
        urls = _CommentUrls()
        names = ["reader", "A.B-c_d", "me+you@home", "Zoë", "名前", "x%41", "a~b", "a'b", ".", ".."]
        for _ in range(2):  # the second time from what was kept
            for name in names:
                assert urls.profile(name) == reverse("users:profile", args=[name])
    finally:
        set_script_prefix("/")
