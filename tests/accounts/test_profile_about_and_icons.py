"""A member's "About me" text and their pseuds' icons: editing, cleaning, refusing what is
not an image (nothing written), and serving the icons with their version in the address."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ficshelf.accounts import actions
from ficshelf.accounts.icons import icon_digest
from ficshelf.accounts.models import MemberProfile, Pseud, PseudIcon, User
from ficshelf.core.sanitizer import SANITIZER_VERSION
from tests.accounts.images import png_bomb, png_bytes, upload
from tests.factories import PseudFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_HTML = (
    '<p onclick="steal()">Hello</p><script>alert("about")</script>'
    '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">link</a>'
    '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>'
)


def member(username: str = "foxglove") -> User:
    user = UserFactory(username=username)
    PseudFactory(user=user, name=username)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def profile_html(client: Client, username: str = "foxglove") -> str:
    response = client.get(reverse("users:profile", args=[username]))
    assert response.status_code == 200
    return response.content.decode()


# ---- About me ----


def test_about_text_is_saved_and_shown_on_the_profile(client: Client) -> None:
    writer = member()
    response = signed_in(writer).post(
        reverse("accounts:edit_profile"), {"about": "<p>I write <em>foxes</em>.</p>"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("users:profile", args=["foxglove"])
    assert "<p>I write <em>foxes</em>.</p>" in profile_html(client)


def test_about_text_loses_everything_that_could_run_or_restyle(client: Client) -> None:
    writer = member()
    signed_in(writer).post(reverse("accounts:edit_profile"), {"about": HOSTILE_HTML})

    stored = MemberProfile.objects.get(user=writer)
    assert stored.sanitizer_version == SANITIZER_VERSION
    html = profile_html(client)
    assert "Hello" in html
    for hostile in ("steal()", 'alert("about")', "onerror", "javascript:", "evil.example"):
        assert hostile not in stored.about
        assert hostile not in html
    assert "display:none" not in html


def test_about_text_stored_under_older_rules_is_cleaned_when_shown(client: Client) -> None:
    writer = member()
    MemberProfile.objects.create(user=writer, about=HOSTILE_HTML, sanitizer_version=0)

    html = profile_html(client)

    assert "steal()" not in html and "onerror" not in html
    assert MemberProfile.objects.get(user=writer).sanitizer_version == SANITIZER_VERSION


def test_the_edit_form_shows_the_saved_text() -> None:
    writer = member()
    actions.save_profile_about(writer, about="<p>Already here.</p>")

    page = signed_in(writer).get(reverse("accounts:edit_profile")).content.decode()

    assert "&lt;p&gt;Already here.&lt;/p&gt;" in page


def test_about_text_over_the_limit_is_refused_and_nothing_is_written() -> None:
    writer = member()
    response = signed_in(writer).post(reverse("accounts:edit_profile"), {"about": "x" * 2001})

    assert response.status_code == 400
    assert "at most 2,000 characters long (it has 2,001)" in response.content.decode()
    assert not MemberProfile.objects.exists()


def test_guests_are_sent_to_log_in_to_edit_a_profile(client: Client) -> None:
    response = client.post(reverse("accounts:edit_profile"), {"about": "<p>Who?</p>"})

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not MemberProfile.objects.exists()


def test_a_suspended_member_cannot_change_their_profile_or_icons() -> None:
    writer = member()
    writer.suspended_until = timezone.now() + timedelta(days=3)
    writer.save()
    client = signed_in(writer)
    pseud = writer.pseuds.get()

    about = client.post(reverse("accounts:edit_profile"), {"about": "<p>Sneaky.</p>"})
    icon = client.post(
        reverse("accounts:pseud_icon", args=[pseud.pk]),
        {"icon_file": upload(png_bytes()), "icon_alt": "A fox"},
    )

    assert about.status_code == 403 and icon.status_code == 403
    assert not MemberProfile.objects.exists()
    assert not PseudIcon.objects.exists()


# ---- Icons ----


def post_icon(client: Client, pseud: Pseud, **data: object) -> object:
    return client.post(reverse("accounts:pseud_icon", args=[pseud.pk]), data)


def test_an_uploaded_icon_becomes_a_100_pixel_square_png() -> None:
    writer = member()
    pseud = writer.pseuds.get()

    response = signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]),
        {"icon_file": upload(png_bytes(300, 200)), "icon_alt": "A red fox"},
    )

    assert response.status_code == 302
    icon = PseudIcon.objects.get(pseud=pseud)
    assert icon.alt == "A red fox"
    assert icon.digest == icon_digest(bytes(icon.image))
    with Image.open(io.BytesIO(bytes(icon.image))) as image:
        assert image.format == "PNG"
        assert image.size == (100, 100)
        # Fitted, not stretched: the picture's own colour in the middle, clear above it.
        assert image.convert("RGBA").getpixel((50, 50))[:3] == (0xC0, 0x39, 0x2B)
        assert image.convert("RGBA").getpixel((50, 2))[3] == 0


def test_jpeg_gif_and_webp_are_taken_too() -> None:
    writer = member()
    pseud = writer.pseuds.get()
    client = signed_in(writer)
    for kind in ("JPEG", "GIF", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (120, 120), "#2980b9").save(out, format=kind)
        client.post(
            reverse("accounts:pseud_icon", args=[pseud.pk]),
            {"icon_file": upload(out.getvalue(), f"icon.{kind.lower()}"), "icon_alt": kind},
        )
        assert PseudIcon.objects.get(pseud=pseud).alt == kind


def test_the_icon_is_served_with_its_version_in_the_address_and_kept_for_good(
    client: Client,
) -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(100, 100), alt="A fox")
    icon = PseudIcon.objects.get(pseud=pseud)

    url = icon.get_absolute_url()
    response = client.get(url)

    assert url == f"/users/foxglove/icons/{pseud.pk}/{icon.digest}.png"
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "immutable" in cache_control
    assert "max-age=31536000" in cache_control
    assert response.content == bytes(icon.image)


def test_a_new_icon_gets_a_new_address_and_the_old_one_leads_to_it(client: Client) -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(colour="#000000"), alt="Old")
    old_url = PseudIcon.objects.get(pseud=pseud).get_absolute_url()

    signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]),
        {"icon_file": upload(png_bytes(colour="#ffffff")), "icon_alt": "New"},
    )

    new_url = PseudIcon.objects.get(pseud=pseud).get_absolute_url()
    assert new_url != old_url
    response = client.get(old_url)
    assert response.status_code == 302 and response["Location"] == new_url
    assert "max-age=31536000" not in response.get("Cache-Control", "")


def test_the_description_alone_can_change() -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(), alt="Old words")
    before = PseudIcon.objects.get(pseud=pseud)

    response = signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]), {"icon_alt": "New words"}
    )

    assert response.status_code == 302
    after = PseudIcon.objects.get(pseud=pseud)
    assert after.alt == "New words" and after.digest == before.digest


def test_an_icon_can_be_removed(client: Client) -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(), alt="A fox")
    url = PseudIcon.objects.get(pseud=pseud).get_absolute_url()

    signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]), {"remove_icon": "on", "icon_alt": ""}
    )

    assert not PseudIcon.objects.exists()
    assert client.get(url).status_code == 404


def test_icons_and_their_descriptions_show_on_the_profile(client: Client) -> None:
    writer = member()
    second = PseudFactory(user=writer, name="Nightjar", is_default=False)
    actions.set_pseud_icon(writer.pseuds.get(name="foxglove"), image=png_bytes(), alt="A fox")
    actions.set_pseud_icon(second, image=png_bytes(colour="#111111"), alt="A bird at dusk")

    html = profile_html(client)

    for pseud in writer.pseuds.all():
        assert PseudIcon.objects.get(pseud=pseud).get_absolute_url() in html
    assert 'alt="A fox"' in html and 'alt="A bird at dusk"' in html


def test_alt_text_cannot_break_out_of_its_attribute(client: Client) -> None:
    writer = member()
    hostile = '"><script>alert("alt")</script><img src=x onerror=alert(1) alt="'
    signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[writer.pseuds.get().pk]),
        {"icon_file": upload(png_bytes()), "icon_alt": hostile},
    )
    assert PseudIcon.objects.get().alt == hostile  # plain text, kept as written

    for html in (
        profile_html(client),
        signed_in(writer)
        .get(reverse("accounts:pseud_edit", args=[writer.pseuds.get().pk]))
        .content.decode(),
    ):
        assert '<script>alert("alt")' not in html
        assert "<img src=x" not in html
        assert "&quot;&gt;&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 not a picture at all", "icon.png", "not an image we can show"),
        (b"GIF89a" + b"\x00" * 40, "icon.gif", "not an image we can show"),
        (png_bomb(), "bomb.png", "7072×7072 pixels: at most 2000×2000"),
        (png_bytes(2001, 10), "wide.png", "2001×10 pixels"),
        (b"\x89PNG" + b"\x00" * 500_001, "heavy.png", "too big: at most 500 KB"),
    ],
    ids=["not-an-image", "broken-gif", "50-megapixel-bomb", "too-wide", "too-heavy"],
)
def test_what_is_not_a_usable_image_is_refused_and_nothing_is_written(
    data: bytes, name: str, message: str
) -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(), alt="The one before")
    before = PseudIcon.objects.get(pseud=pseud)

    response = signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]),
        {"icon_file": upload(data, name), "icon_alt": "Changed?"},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    after = PseudIcon.objects.get(pseud=pseud)
    assert (bytes(after.image), after.alt, after.digest) == (
        bytes(before.image),
        "The one before",
        before.digest,
    )


def test_the_bomb_is_refused_before_it_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[object] = []
    original_load = Image.Image.load

    def load(self: Image.Image) -> object:
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(Image.Image, "load", load)
    writer = member()
    pseud = writer.pseuds.get()

    response = signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]),
        {"icon_file": upload(png_bomb()), "icon_alt": "Boom"},
    )

    assert response.status_code == 400
    assert (7072, 7072) not in decoded
    assert not PseudIcon.objects.exists()


def test_a_first_icon_needs_a_picture() -> None:
    writer = member()
    pseud = writer.pseuds.get()

    response = signed_in(writer).post(
        reverse("accounts:pseud_icon", args=[pseud.pk]), {"icon_alt": "Nothing to describe"}
    )

    assert response.status_code == 400
    assert "Choose a picture for the icon." in response.content.decode()
    assert not PseudIcon.objects.exists()


def test_nobody_sets_an_icon_on_another_members_pseud() -> None:
    owner = member()
    response = signed_in(member("intruder")).post(
        reverse("accounts:pseud_icon", args=[owner.pseuds.get().pk]),
        {"icon_file": upload(png_bytes()), "icon_alt": "Mine now"},
    )

    assert response.status_code == 404
    assert not PseudIcon.objects.exists()


def test_icons_of_unknown_pseuds_and_closed_accounts_are_not_found(client: Client) -> None:
    writer = member()
    pseud = writer.pseuds.get()
    actions.set_pseud_icon(pseud, image=png_bytes(), alt="A fox")
    icon = PseudIcon.objects.get()

    assert client.get(f"/users/foxglove/icons/{pseud.pk + 1}/{icon.digest}.png").status_code == 404
    assert client.get(f"/users/someoneelse/icons/{pseud.pk}/{icon.digest}.png").status_code == 404
    writer.is_active = False
    writer.save()
    assert client.get(icon.get_absolute_url()).status_code == 404


def test_the_profile_asks_the_same_queries_however_many_pseuds_have_icons(
    client: Client,
) -> None:
    writer = member()
    url = reverse("users:profile", args=["foxglove"])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        pseud = PseudFactory(user=writer, name=f"pen{n}", is_default=False)
        actions.set_pseud_icon(pseud, image=png_bytes(colour=f"#00000{n}"), alt=f"Pen {n}")
    with CaptureQueriesContext(connection) as six:
        html = client.get(url).content.decode()

    assert html.count('class="pseud-icon pseud-icon-small"') == 5
    assert len(six) == len(one)
    assert not any(
        "image" in query["sql"] and "accounts_pseudicon" in query["sql"] for query in six
    )
