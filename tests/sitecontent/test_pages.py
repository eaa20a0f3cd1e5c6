"""The site pages: their defaults, editing (permission, revision, audit), the FAQ's
questions and anchors, the history, old revisions and the diff of two."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.core.models import AuditEntry
from ficshelf.sitecontent.models import PageKind, PageRevision, SitePage
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.sitecontent.helpers import editor

pytestmark = pytest.mark.django_db

FAQ_SOURCE = """Read this first.

## Accounts

Everything about accounts.

### How do I sign up?

Use the *Sign up* link.

### How do I sign up?

Asked twice: each gets its own link.

## Posting

### Can I post images?

Yes, from the hosts the archive allows.
"""


def edit_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Frequently Asked Questions",
        "text_format": "markdown",
        "source": FAQ_SOURCE,
        "summary": "Wrote the first questions",
    }
    data.update(overrides)
    return data


def test_every_site_page_exists_after_migrate_with_placeholder_text(client: Client) -> None:
    for kind in PageKind:
        text = page_text(client.get(reverse("sitecontent:page", args=[kind.value])))
        assert "This is placeholder text" in text
        assert "expected to replace it" in text
    terms = SitePage.objects.get(slug="terms").current_revision
    assert terms is not None and terms.terms_version == 1


def test_an_unknown_page_is_a_404(client: Client) -> None:
    assert client.get("/site/nothing-here/").status_code == 404


def test_an_editor_edits_the_faq_and_readers_get_sections_questions_and_anchors(
    client: Client,
) -> None:
    client.force_login(editor(username="ed"))

    response = client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())

    assert response.status_code == 302
    html = page_text(Client().get(reverse("sitecontent:page", args=["faq"])))
    assert '<h2 id="accounts">Accounts</h2>' in html
    assert '<h3 id="how-do-i-sign-up">How do I sign up?' in html
    assert '<h3 id="how-do-i-sign-up-2">How do I sign up?' in html
    assert '<a href="#can-i-post-images">Can I post images?</a>' in html
    assert "<em>Sign up</em>" in html


def test_the_text_is_cleaned_whichever_format_it_is_written_in(client: Client) -> None:
    client.force_login(editor())
    source = '<p onclick="steal()">Hello</p><script>alert(1)</script><style>p{}</style>'

    for text_format in ("html", "markdown"):
        client.post(
            reverse("sitecontent:page_edit", args=["about"]),
            edit_data(title="About", source=source, text_format=text_format),
        )
        html = page_text(client.get(reverse("sitecontent:page", args=["about"])))
        assert "Hello" in html
        assert "steal" not in html and "alert(1)" not in html and "p{}" not in html


def test_each_edit_is_a_revision_with_who_when_and_why_and_is_audited(client: Client) -> None:
    client.force_login(editor(username="ed"))

    client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())

    revision = SitePage.objects.get(slug="faq").current_revision
    assert revision is not None
    assert (revision.number, revision.editor_name, revision.summary) == (
        2,
        "ed",
        "Wrote the first questions",
    )
    entry = AuditEntry.objects.get(action="edit site page")
    assert entry.actor_name == "ed"
    assert entry.reason == "Wrote the first questions"
    assert entry.details == {"revision": 2}


def test_a_member_without_the_permission_cannot_edit_and_nothing_is_written(
    client: Client,
) -> None:
    client.force_login(UserFactory())

    assert client.get(reverse("sitecontent:page_edit", args=["faq"])).status_code == 403
    response = client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())

    assert response.status_code == 403
    assert PageRevision.objects.filter(page__slug="faq").count() == 1
    assert not AuditEntry.objects.exists()


def test_a_guest_is_sent_to_sign_in_to_edit(client: Client) -> None:
    response = client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert PageRevision.objects.filter(page__slug="faq").count() == 1


def test_an_edit_without_a_summary_is_refused_with_a_message(client: Client) -> None:
    client.force_login(editor())

    response = client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data(summary="   "))

    assert "This field is required" in page_text(response, 400)
    assert PageRevision.objects.filter(page__slug="faq").count() == 1


def test_history_lists_revisions_and_an_old_revision_shows_its_text(client: Client) -> None:
    client.force_login(editor(username="ed"))
    client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())
    reader = Client()

    history = page_text(reader.get(reverse("sitecontent:page_history", args=["faq"])))
    old = page_text(reader.get(reverse("sitecontent:revision", args=["faq", 1])))

    assert "Revision 2" in history and "Revision 1" in history
    assert "Wrote the first questions" in history and "ed" in history
    assert "How do I create an account?" in old  # the placeholder's question
    assert "An old revision" in old


def test_the_diff_shows_lines_added_and_removed(client: Client) -> None:
    client.force_login(editor())
    client.post(reverse("sitecontent:page_edit", args=["faq"]), edit_data())
    changed = FAQ_SOURCE.replace("Use the *Sign up* link.", "Use the *Join* link.")
    client.post(
        reverse("sitecontent:page_edit", args=["faq"]),
        edit_data(source=changed, summary="Renamed the link"),
    )

    html = page_text(Client().get(reverse("sitecontent:page_diff", args=["faq"]) + "?from=2&to=3"))

    assert (
        '<del><span class="visually-hidden">Removed: </span>Use the *Sign up* link.</del>' in html
    )
    assert '<ins><span class="visually-hidden">Added: </span>Use the *Join* link.</ins>' in html
    assert "Renamed the link" in html


def test_a_diff_of_revisions_that_do_not_exist_is_a_404(client: Client) -> None:
    url = reverse("sitecontent:page_diff", args=["faq"])
    assert client.get(url + "?from=1&to=9").status_code == 404
    assert client.get(url + "?from=abc").status_code == 404


def test_site_pages_are_linked_from_every_pages_footer(client: Client) -> None:
    html = page_text(client.get(reverse("works:index")))

    for slug in ("terms", "privacy", "content-policy", "faq", "about"):
        assert f'href="{reverse("sitecontent:page", args=[slug])}"' in html
