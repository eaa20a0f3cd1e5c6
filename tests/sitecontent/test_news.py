"""News posts: publishing (permission, audit), the listing with its tag filter and pages,
comments (who may, cleaned, rate-limited) and the Atom feed."""

from __future__ import annotations

import lxml.etree
import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.core.models import AuditEntry
from ficshelf.sitecontent.models import NewsComment, NewsPost, WhoMayComment
from ficshelf.social.views.kudos_and_comments import COMMENT_LIMIT_PER_ACCOUNT
from tests.factories import UserFactory
from tests.helpers import guarded, page_text
from tests.sitecontent.helpers import publisher

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def post_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Release notes",
        "text_format": "markdown",
        "source": "We fixed **many** things.<script>alert(1)</script>",
        "tags": "Releases, Site news",
        "who_may_comment": WhoMayComment.MEMBERS,
    }
    data.update(overrides)
    return data


def publish(**overrides: str) -> NewsPost:
    client = Client()
    client.force_login(publisher())
    response = client.post(reverse("sitecontent:news_new"), post_data(**overrides))
    assert response.status_code == 302
    return NewsPost.objects.latest("pk")


def test_a_publisher_posts_news_cleaned_tagged_and_audited(client: Client) -> None:
    client.force_login(publisher(username="comms"))

    response = client.post(reverse("sitecontent:news_new"), post_data())

    post = NewsPost.objects.get()
    assert response["Location"] == post.get_absolute_url()
    assert post.html == "<p>We fixed <strong>many</strong> things.</p>"
    assert sorted(tag.name for tag in post.tags.all()) == ["Releases", "Site news"]
    assert AuditEntry.objects.get(action="publish news").actor_name == "comms"
    html = page_text(Client().get(post.get_absolute_url()))
    assert "<strong>many</strong>" in html and "alert(1)" not in html


def test_a_member_without_the_permission_cannot_post_and_nothing_is_written(
    client: Client,
) -> None:
    client.force_login(UserFactory())

    assert client.post(reverse("sitecontent:news_new"), post_data()).status_code == 403
    assert not NewsPost.objects.exists()
    assert not AuditEntry.objects.exists()


def test_too_many_tags_are_refused_with_a_message(client: Client) -> None:
    client.force_login(publisher())

    response = client.post(
        reverse("sitecontent:news_new"), post_data(tags=",".join(f"t{n}" for n in range(11)))
    )

    assert "At most 10 tags" in page_text(response, 400)
    assert not NewsPost.objects.exists()


def test_the_listing_filters_by_news_tag_and_has_pages(client: Client) -> None:
    publish(title="About releases", tags="Releases")
    publish(title="About policy", tags="Policy")
    for number in range(10):
        publish(title=f"Filler {number}", tags="")

    releases = page_text(client.get(reverse("sitecontent:news") + "?tag=releases"))
    first = page_text(client.get(reverse("sitecontent:news")))
    second = page_text(client.get(reverse("sitecontent:news") + "?page=2"))
    unknown = page_text(client.get(reverse("sitecontent:news") + "?tag=nothing"))

    assert "About releases" in releases and "About policy" not in releases
    assert "Filler 9" in first and "About releases" not in first
    assert "About releases" in second and "About policy" in second
    assert "No news posts are tagged" in unknown


def test_news_pages_link_their_feed_and_the_feed_lists_the_posts(client: Client) -> None:
    publish(title="Feed me", tags="Releases")
    feed_url = reverse("sitecontent:news_feed")

    listing = page_text(client.get(reverse("sitecontent:news")))
    home = page_text(client.get("/"))
    response = client.get(feed_url)

    alternate = f'<link rel="alternate" type="application/atom+xml" href="{feed_url}"'
    assert alternate in listing and alternate in home
    assert response["Content-Type"].startswith("application/atom+xml")
    root = lxml.etree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Feed me"]
    assert entries[0].find(f"{ATOM}category").get("term") == "Releases"
    assert "<strong>many</strong>" in entries[0].findtext(f"{ATOM}summary")


def test_the_feed_survives_characters_xml_cannot_carry(client: Client) -> None:
    # A title the form refuses may still come from the admin site or an import.
    post = publish(source="Bell \x07 text")
    NewsPost.objects.filter(pk=post.pk).update(title="Bell \x07 title")

    root = lxml.etree.fromstring(client.get(reverse("sitecontent:news_feed")).content)

    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Bell  title"
    assert "Bell  text" in entry.findtext(f"{ATOM}summary")


def test_a_member_comments_and_the_comment_is_cleaned(client: Client) -> None:
    post = publish()
    client.force_login(UserFactory(username="talker"))

    response = client.post(
        reverse("sitecontent:news_comment", args=[post.pk]),
        guarded({"text": 'Great! <img src="https://example.org/x.png"><b>Thanks</b>'}),
    )

    comment = NewsComment.objects.get()
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.text == "Great! <b>Thanks</b>"
    assert "talker" in page_text(client.get(post.get_absolute_url()))


def test_guests_comment_only_where_the_post_allows_them(client: Client) -> None:
    members_only = publish(who_may_comment=WhoMayComment.MEMBERS)
    everyone = publish(who_may_comment=WhoMayComment.EVERYONE)

    refused = client.post(
        reverse("sitecontent:news_comment", args=[members_only.pk]),
        guarded({"name": "Passer-by", "text": "Hi"}),
    )
    assert "Only members can comment" in page_text(refused, 403)
    assert not NewsComment.objects.exists()

    nameless = client.post(
        reverse("sitecontent:news_comment", args=[everyone.pk]), guarded({"text": "Hi"})
    )
    assert "This field is required" in page_text(nameless, 400)
    assert not NewsComment.objects.exists()

    client.post(
        reverse("sitecontent:news_comment", args=[everyone.pk]),
        guarded({"name": "Passer-by", "text": "Hi"}),
    )
    comment = NewsComment.objects.get()
    assert (comment.user, comment.guest_name, comment.post) == (None, "Passer-by", everyone)


def test_closed_comments_refuse_everyone(client: Client) -> None:
    post = publish(who_may_comment=WhoMayComment.NOBODY)
    client.force_login(UserFactory())

    response = client.post(
        reverse("sitecontent:news_comment", args=[post.pk]), guarded({"text": "Hi"})
    )

    assert "Comments on this post are closed" in page_text(response, 403)
    assert not NewsComment.objects.exists()


def test_comments_are_rate_limited_and_the_refused_one_is_not_saved(client: Client) -> None:
    post = publish()
    client.force_login(UserFactory())
    url = reverse("sitecontent:news_comment", args=[post.pk])
    for number in range(COMMENT_LIMIT_PER_ACCOUNT):
        assert client.post(url, guarded({"text": f"Comment {number}"})).status_code == 302

    response = client.post(url, guarded({"text": "One too many"}))

    text = page_text(response, 429)
    assert "too many comments" in text
    assert "One too many" in text  # kept in the form, to send later
    assert response["Retry-After"]
    assert NewsComment.objects.count() == COMMENT_LIMIT_PER_ACCOUNT


def test_a_publisher_deletes_a_comment_with_a_reason_that_is_audited(client: Client) -> None:
    post = publish()
    NewsComment.objects.create(post=post, user=UserFactory(), text="Spam spam")
    comment = NewsComment.objects.get()
    client.force_login(publisher(username="comms"))
    url = reverse("sitecontent:news_comment_delete", args=[comment.pk])

    client.post(url, guarded({"reason": ""}))
    assert NewsComment.objects.exists()

    client.post(url, guarded({"reason": "Advertising"}))
    assert not NewsComment.objects.exists()
    entry = AuditEntry.objects.get(action="delete news comment")
    assert (entry.actor_name, entry.reason) == ("comms", "Advertising")


def test_nobody_else_deletes_a_comment(client: Client) -> None:
    post = publish()
    comment = NewsComment.objects.create(post=post, user=UserFactory(), text="Mine")
    client.force_login(UserFactory())

    response = client.post(
        reverse("sitecontent:news_comment_delete", args=[comment.pk]), {"reason": "Because"}
    )

    assert response.status_code == 403
    assert NewsComment.objects.filter(pk=comment.pk).exists()


def test_editing_and_deleting_a_post_are_audited(client: Client) -> None:
    post = publish()
    client.force_login(publisher())
    edit_url = reverse("sitecontent:news_edit", args=[post.pk])

    client.post(edit_url, post_data(title="Release notes, corrected", tags="Releases"))
    post.refresh_from_db()
    assert post.title == "Release notes, corrected" and post.edited_at is not None

    client.post(edit_url, {"delete": "yes", "reason": ""})
    assert NewsPost.objects.filter(pk=post.pk).exists()
    client.post(edit_url, {"delete": "yes", "reason": "Posted by mistake"})
    assert not NewsPost.objects.filter(pk=post.pk).exists()
    assert AuditEntry.objects.filter(action__in=["edit news", "delete news"]).count() == 2
