"""The spam guard on sign-up, comment and report forms: a honeypot and a signed time stamp
(``core.form_guards``). A tripped guard says what to do and writes nothing."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.core.form_guards import (
    HONEYPOT_FIELD,
    STARTED_FIELD,
    TOO_FAST,
    TOO_OLD,
    TRIPPED,
    fresh_stamp,
    guard_problem,
)
from ficshelf.moderation.models import Report
from ficshelf.social.models import Comment
from tests.factories import UserFactory, WorkFactory
from tests.form_data import form_fields
from tests.helpers import guarded, page_text

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "newreader",
    "email": "newreader@example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
    "is_at_least_13": "on",
    "accepts_terms": "on",
}
GUEST_COMMENT = {"text": "A fine chapter.", "guest_name": "Pat", "guest_email": "p@example.org"}


def comment_url(work: object) -> str:
    chapter = work.chapters.first()  # type: ignore[attr-defined]
    return reverse("social:post_comment", args=[work.pk, chapter.pk])  # type: ignore[attr-defined]


def test_the_stamp_is_checked_for_its_age_and_its_signature() -> None:
    now = time.time()
    assert guard_problem("", fresh_stamp(now - 10), now=now) is None
    assert guard_problem("", fresh_stamp(now - 1), now=now) == TOO_FAST
    assert guard_problem("", fresh_stamp(now - 3 * 24 * 3600), now=now) == TOO_OLD
    assert guard_problem("", "", now=now) == TOO_FAST
    forged = fresh_stamp(now - 10)[:-2] + "xx"
    assert guard_problem("", forged, now=now) == TOO_FAST
    assert guard_problem("http://spam.example", fresh_stamp(now - 10), now=now) == TRIPPED


@pytest.mark.parametrize(
    "changes",
    [
        {HONEYPOT_FIELD: "http://cheap.example"},
        {STARTED_FIELD: "now"},  # sent at once
        {STARTED_FIELD: "made-up"},
        {STARTED_FIELD: None},
    ],
)
def test_a_tripped_sign_up_guard_creates_no_account(client: Client, changes: dict) -> None:
    data = guarded(SIGNUP)
    for name, value in changes.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = fresh_stamp() if value == "now" else value
    response = client.post(reverse("accounts:signup"), data)
    text = page_text(response, status=200)
    assert "could not be accepted" in text or "That was quick" in text
    assert not User.objects.filter(username="newreader").exists()


def test_a_sign_up_sent_too_fast_can_be_sent_again_a_moment_later(
    client: Client, settings: object
) -> None:
    data = {**SIGNUP, STARTED_FIELD: fresh_stamp(time.time() - 1)}  # a second: too soon
    response = client.post(reverse("accounts:signup"), data)
    assert "That was quick" in page_text(response)
    # The page shown again carries a fresh stamp in place of the refused one.
    assert f'value="{data[STARTED_FIELD]}"' not in response.content.decode()
    assert 'name="form_started"' in response.content.decode()
    response = client.post(reverse("accounts:signup"), guarded(SIGNUP))
    assert response.status_code == 302
    assert User.objects.filter(username="newreader").exists()


def test_the_sign_up_page_hides_the_honeypot_from_people(client: Client) -> None:
    html = client.get(reverse("accounts:signup")).content.decode()
    assert 'class="guard-honeypot"' in html and 'tabindex="-1"' in html
    assert 'type="hidden" name="form_started"' in html


def test_a_guest_comment_sent_at_once_is_refused_and_nothing_written() -> None:
    work = WorkFactory()
    response = Client().post(comment_url(work), {**GUEST_COMMENT, STARTED_FIELD: fresh_stamp()})
    assert "That was quick" in page_text(response, status=400)
    assert not Comment.objects.exists()


def test_a_members_comment_with_the_honeypot_filled_is_refused() -> None:
    work = WorkFactory()
    client = Client()
    client.force_login(UserFactory())
    data = {**guarded({"text": "Hi"}), HONEYPOT_FIELD: "x"}
    response = client.post(comment_url(work), data)
    assert "could not be accepted" in page_text(response, status=400)
    assert not Comment.objects.exists()


def test_the_work_pages_comment_form_passes_the_guard_when_filled_in_later() -> None:
    work = WorkFactory()
    client = Client()
    sent = form_fields(client, work.get_absolute_url(), having="text", changes=GUEST_COMMENT)
    assert client.post(comment_url(work), sent).status_code == 302
    assert Comment.objects.count() == 1


def test_a_kept_work_page_gives_each_guest_a_fresh_stamp() -> None:
    work = WorkFactory()
    first = Client().get(work.get_absolute_url()).content.decode()
    time.sleep(0.2)  # stamps are to a tenth of a second
    second = Client().get(work.get_absolute_url()).content.decode()

    def stamp(html: str) -> str:
        start = html.index('name="form_started" value="') + len('name="form_started" value="')
        return html[start : html.index('"', start)]

    assert guard_problem("", stamp(first), now=time.time() + 10) is None
    assert stamp(first) != stamp(second)


def test_a_report_sent_at_once_is_refused_and_no_report_written() -> None:
    work = WorkFactory()
    url = reverse("moderation:report_work", args=[work.pk])
    data = {"reason": "spam", "details": "An advert.", "reporter_email": "r@example.org"}
    response = Client().post(url, {**data, STARTED_FIELD: fresh_stamp()})
    assert "That was quick" in page_text(response)
    assert not Report.objects.exists()
    assert Client().post(url, guarded(data)).status_code == 302
    assert Report.objects.count() == 1


def test_an_unbound_forms_guard_is_the_templates_with_a_fresh_stamp_each_time() -> None:
    """``FormGuard.guard_fields_html`` keeps an unbound form's two fields once per kind of
    form and puts a new stamp in each time: the same markup the template writes."""
    import re

    from django.template.loader import render_to_string

    from ficshelf.core.form_guards import fresh_stamp, guard_problem
    from ficshelf.social.forms import CommentForm, GuestCommentForm

    def stamp_of(written: str) -> str:
        found = re.search(r'form_started" value="([^"]+)"', written)
        assert found is not None
        return found.group(1)

    for form_class, prefix in ((GuestCommentForm, None), (CommentForm, None), (CommentForm, "r")):
        shown = []
        for moment in (1_000.0, 2_000.0, 3_000.0):
            form = form_class(prefix=prefix)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(time, "time", lambda moment=moment: moment)
                written = str(form.guard_fields_html)
                expected = render_to_string(
                    "core/_form_guard.html", {"form": form_class(prefix=prefix)}
                )
                assert stamp_of(written) == fresh_stamp(moment)
            assert written == expected  # both stamped at the same moment
            assert guard_problem("", stamp_of(written), now=moment + 10) is None
            shown.append(stamp_of(written))
        assert len(set(shown)) == 3
        assert ("r-website" in written) is (prefix == "r")
    bound = GuestCommentForm(data={"website": "spam <b>", "form_started": "old"})
    written = str(bound.guard_fields_html)
    assert 'value="spam &lt;b&gt;"' in written and 'value="old"' in written
