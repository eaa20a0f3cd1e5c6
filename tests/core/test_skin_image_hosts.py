"""The hosts skins may load images from: an admin-edited list (``core.SkinImageHost``) beside
the hosts ``FICSHELF_IMAGE_HOSTS`` names. The CSS cleaner and the policy's ``img-src`` read
it from the shared cache, and taking a host off stops its images at once: stylesheets are
cleaned again and move to a new address, and pages link the new one."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from ficshelf.accounts.models import SiteSkin
from ficshelf.accounts.skin_actions import choose_site_skin
from ficshelf.core.css_sanitizer import clean_css
from ficshelf.core.image_hosts import parse_image_hosts
from ficshelf.core.models import AuditEntry, SkinImageHost
from ficshelf.core.skin_image_hosts import skin_image_hosts
from ficshelf.moderation.roles import POLICY_AND_ABUSE, ROLE_PERMISSIONS
from ficshelf.works import views
from ficshelf.works.models import Work, WorkSkin
from tests.helpers import page_text
from tests.search.listing_helpers import index_now
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db

IMAGE = "https://img.example.org/banner.png"
SKIN_CSS = f'.banner {{ background: url("{IMAGE}") no-repeat; color: #333 }}'
Commits = Callable[..., Any]


@pytest.fixture
def listed(django_capture_on_commit_callbacks: Commits) -> SkinImageHost:
    with django_capture_on_commit_callbacks(execute=True):
        host: SkinImageHost = SkinImageHost.objects.create(host="img.example.org")
    return host


def remove(host: SkinImageHost, commits: Commits) -> None:
    with commits(execute=True):
        host.delete()


def test_a_skin_takes_images_only_from_listed_hosts() -> None:
    # The archive's default "*" is for images in work text; skins need the list.
    refused = clean_css(SKIN_CSS, scope=None)
    assert "url(" not in refused.css and "host this archive allows" in refused.problems[0]
    with override_settings(FICSHELF_IMAGE_HOSTS=parse_image_hosts("img.example.org")):
        assert IMAGE in clean_css(SKIN_CSS, scope=None).css  # the setting's hosts count


def test_a_listed_host_is_allowed_with_its_subdomains_rule(
    django_capture_on_commit_callbacks: Commits,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        SkinImageHost.objects.create(host="*.example.org")
    assert IMAGE in clean_css(SKIN_CSS, scope=None).css
    assert clean_css(SKIN_CSS.replace("example.org", "example.net"), scope=None).problems


def test_hostile_urls_stay_refused_on_a_listed_host(listed: SkinImageHost) -> None:
    for value in [
        "url(http://img.example.org/a.png)",
        "url(https://img.example.org/a.svg)",
        "url(https://user@img.example.org/a.png)",
        "url(javascript:alert(1))",
    ]:
        assert clean_css(f".x {{ background: {value} }}", scope=None).css == ""


def test_the_list_is_published_to_the_shared_cache_when_a_change_commits(
    listed: SkinImageHost, django_capture_on_commit_callbacks: Commits
) -> None:
    assert skin_image_hosts() == ("img.example.org",)
    key = "skin-image-hosts:v1"
    assert cache.get(key) == ("img.example.org",)  # every server reads it there
    remove(listed, django_capture_on_commit_callbacks)
    assert cache.get(key) == ()
    assert skin_image_hosts() == ()


def test_a_reader_filling_the_cache_never_overwrites_a_newer_list(listed: SkinImageHost) -> None:
    cache.set("skin-image-hosts:v1", ("newer.example.org",))
    assert skin_image_hosts() == ("newer.example.org",)


def test_the_policy_names_listed_hosts_and_drops_a_removed_one_at_once(
    client: Client, listed: SkinImageHost, django_capture_on_commit_callbacks: Commits
) -> None:
    with override_settings(FICSHELF_IMAGE_HOSTS=parse_image_hosts("art.example.com")):
        policy = client.get("/").headers["Content-Security-Policy"]
        assert "img-src 'self' https://art.example.com https://img.example.org;" in policy
        remove(listed, django_capture_on_commit_callbacks)
        policy = client.get("/").headers["Content-Security-Policy"]
        assert "img-src 'self' https://art.example.com;" in policy


def test_removing_a_host_cleans_a_site_skin_again_at_a_new_address(
    listed: SkinImageHost, django_capture_on_commit_callbacks: Commits
) -> None:
    member = writer("member")
    skin = SiteSkin.objects.create(
        owner=member, title="Banner", css=clean_css(SKIN_CSS, scope=None).css
    )
    choose_site_skin(member, skin)
    client = Client()
    client.force_login(member)
    before = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    assert before in page_text(client.get(reverse("works:dashboard")))
    assert IMAGE in client.get(before).content.decode()

    remove(listed, django_capture_on_commit_callbacks)
    after = reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])
    assert after != before
    page = page_text(client.get(reverse("works:dashboard")))
    assert after in page and before not in page
    served = client.get(after).content.decode()
    assert IMAGE not in served and "color: #333;" in served  # the rest of the skin stays
    old = client.get(before)
    assert old.status_code == 302 and old["Location"] == after


def test_removing_a_host_moves_a_work_skins_address_on_pages_kept_for_guests(
    listed: SkinImageHost,
    django_capture_on_commit_callbacks: Commits,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    author = writer("author")
    skin = WorkSkin.objects.create(owner=author, title="Banner", css=clean_css(SKIN_CSS).css)
    work = posted_work(author)
    Work.objects.filter(pk=work.pk).update(work_skin=skin)
    Client().get(work.get_absolute_url())  # the text is cleaned on a first view
    index_now()
    rendered: list[int] = []
    real = views._render_reading

    def counting(request: object, shown: Work, reading: object, **kwargs: bool) -> object:
        rendered.append(shown.pk)
        return real(request, shown, reading, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "_render_reading", counting)
    before = skin.stylesheet_url()
    for _ in range(2):
        assert before in page_text(Client().get(work.get_absolute_url()))
    # The second guest was given the kept page (the first view's copy may serve both).
    kept_after = len(rendered)
    assert kept_after <= 1
    remove(listed, django_capture_on_commit_callbacks)
    after = WorkSkin.objects.get(pk=skin.pk).stylesheet_url()
    page = page_text(Client().get(work.get_absolute_url()))
    assert after in page and before not in page
    assert len(rendered) == kept_after + 1
    assert IMAGE not in Client().get(after).content.decode()


def test_a_skin_without_images_keeps_its_address_when_hosts_change(
    listed: SkinImageHost, django_capture_on_commit_callbacks: Commits
) -> None:
    skin = WorkSkin.objects.create(
        owner=writer(), title="Plain", css="#workskin p {\n  color: red;\n}\n"
    )
    before = skin.version
    remove(listed, django_capture_on_commit_callbacks)
    assert skin.version == before


def test_the_policy_role_edits_the_list() -> None:
    assert "core.delete_skinimagehost" in ROLE_PERMISSIONS[POLICY_AND_ABUSE]


def test_adding_a_host_in_the_admin_is_audited_and_reaches_skins(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/core/skinimagehost/add/", {"host": "IMG.Example.org.", "note": "the art host"}
    )
    assert response.status_code == 302
    assert SkinImageHost.objects.get().host == "img.example.org"
    assert AuditEntry.objects.filter(target_repr="img.example.org").exists()
    assert IMAGE in clean_css(SKIN_CSS, scope=None).css


def test_a_bad_host_is_refused_in_the_admin_and_nothing_is_written(admin_client: Client) -> None:
    response = admin_client.post("/admin/core/skinimagehost/add/", {"host": "not a host"})
    assert response.status_code == 200
    assert "Enter a host name" in response.content.decode()
    assert not SkinImageHost.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_list_begins_with_the_hosts_stored_skins_use() -> None:
    author = writer()
    with override_settings(FICSHELF_IMAGE_HOSTS=parse_image_hosts("*")):
        SiteSkin.objects.create(
            owner=author,
            title="A",
            css='.a {\n  background: url("https://one.example.org/a.png");\n}\n',
        )
        WorkSkin.objects.create(
            owner=author,
            title="B",
            css='#workskin .b {\n  background: url("https://two.example.net/b.png");\n}\n',
        )
    SkinImageHost.objects.create(host="two.example.net")
    seeding = importlib.import_module("ficshelf.works.migrations.0016_seed_skin_image_hosts")
    seeding.seed(apps, None)
    assert sorted(SkinImageHost.objects.values_list("host", flat=True)) == [
        "one.example.org",
        "two.example.net",
    ]
