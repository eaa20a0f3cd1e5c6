"""Two-factor sign-in: setting it up, the second step at sign-in, recovery codes, turning
it off, the limit on guesses, and the admin pages closed to admins without it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ficshelf.accounts.models import User
from ficshelf.moderation import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"


def member(username: str = "reader", **fields: object) -> User:
    user = UserFactory(username=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def set_up(client: Client, user: User) -> list[str]:
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img"' in html  # the QR code, inline: no script, no data: URI
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/setup/", {"code": code_now(device)})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


def test_a_member_turns_it_on_and_then_signs_in_in_two_steps() -> None:
    user = member()
    browser = Client()
    sign_in(browser, user)
    assert 'href="/accounts/two-factor/"' in browser.get("/accounts/settings/").content.decode()
    codes = set_up(browser, user)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=user).confirmed

    later = Client()
    sign_in(later, user)
    # Signed in by password, every page waits for the second step.
    response = later.get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    wrong = later.post("/accounts/two-factor/verify/", {"code": "000000"})
    assert wrong.status_code == 400
    assert later.get("/accounts/settings/").status_code == 302
    device = TOTPDevice.objects.get(user=user)
    # django-otp refuses a code twice (the set-up used this time step's), and after a
    # wrong one waits a second before it checks another: as if that time had passed.
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()
    right = later.post(
        "/accounts/two-factor/verify/?next=/accounts/settings/", {"code": code_now(device)}
    )
    assert right.status_code == 302 and right["Location"] == "/accounts/settings/"
    assert later.get("/accounts/settings/").status_code == 200


def test_a_recovery_code_signs_in_once() -> None:
    user = member()
    codes = set_up(_signed_in(user), user)
    first = Client()
    sign_in(first, user)
    assert first.post("/accounts/two-factor/verify/", {"code": codes[0].upper()}).status_code == 302
    assert first.get("/accounts/settings/").status_code == 200
    again = Client()
    sign_in(again, user)
    assert again.post("/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_new_recovery_codes_replace_the_old_ones() -> None:
    user = member()
    browser = _signed_in(user)
    old = set_up(browser, user)
    response = browser.post("/accounts/two-factor/codes/")
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_guesses_are_limited_and_a_limited_guess_is_not_checked() -> None:
    user = member()
    codes = set_up(_signed_in(user), user)
    browser = Client()
    sign_in(browser, user)
    # Five guesses a quarter hour: the set-up's code was the first.
    for _ in range(4):
        assert browser.post("/accounts/two-factor/verify/", {"code": "123456"}).status_code == 400
    limited = browser.post("/accounts/two-factor/verify/", {"code": codes[0]})
    assert limited.status_code == 429
    assert "Retry-After" in limited
    # The right code sent past the limit was not used up.
    assert StaticToken.objects.filter(device__user=user, token=codes[0]).exists()


def test_a_member_turns_it_off() -> None:
    user = member()
    browser = _signed_in(user)
    set_up(browser, user)
    assert browser.post("/accounts/two-factor/off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    later = Client()
    sign_in(later, user)
    assert later.get("/accounts/settings/").status_code == 200


def test_an_admin_cannot_turn_it_off() -> None:
    user = member("mod")
    user.groups.add(Group.objects.get(name=roles.SUPPORT))
    browser = _signed_in(user)
    set_up(browser, user)
    assert browser.post("/accounts/two-factor/off/").status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/desk/",
        "/desk/audit/",
        "/tags/Rain/edit/",
        "/moderation/spam/",
        "/site/faq/edit/",
        "/news/new/",
        "/banner/",
    ],
)
@pytest.mark.parametrize("kind", ["superuser", "staff", "role"])
def test_admin_pages_wait_for_two_factor(page: str, kind: str) -> None:
    user = member("mod", is_superuser=kind == "superuser", is_staff=kind == "staff")
    if kind == "role":
        user.groups.add(Group.objects.get(name=roles.SUPERADMIN))
    browser = Client()
    sign_in(browser, user)
    response = browser.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    # The member side stays open to them meanwhile.
    assert browser.get("/accounts/settings/").status_code == 200


def test_an_admin_who_sets_it_up_gets_in() -> None:
    user = member("mod")
    user.groups.add(Group.objects.get(name=roles.POLICY_AND_ABUSE))
    browser = Client()
    sign_in(browser, user)
    set_up(browser, user)
    assert browser.get("/desk/").status_code == 200


def test_a_posted_action_without_the_second_step_does_nothing() -> None:
    user = member("mod", is_superuser=True)
    troll = UserFactory(username="troll")
    browser = Client()
    sign_in(browser, user)
    response = browser.post(f"/desk/members/{troll.username}/warn/", {"warn-reason": "No."})
    assert response.status_code == 302
    assert not troll.warnings.exists()


def _signed_in(user: User) -> Client:
    browser = Client()
    sign_in(browser, user)
    return browser


def _request_user(user: User, *, verified: bool) -> User:
    """``user`` as a view sees it: through django-otp's middleware, on a session that has
    or has not passed the second step."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.middleware import OTPMiddleware

    request = RequestFactory().get("/an-admin-page-no-list-names/")
    request.session = SessionStore()
    if verified:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    request.user = user
    seen: list[User] = []
    OTPMiddleware(lambda r: seen.append(r.user) or None)(request)  # type: ignore[arg-type,func-returns-value]
    return seen[0]


@pytest.mark.parametrize("kind", ["superuser", "role", "direct"])
def test_permissions_hold_only_past_the_second_step(kind: str) -> None:
    """The check is where permissions are asked, not in a list of admin paths: an admin
    page nobody listed, or a permission given outside any role, still needs two-factor."""
    from django.contrib.auth.models import Permission

    user = member("mod", is_superuser=kind == "superuser")
    if kind == "role":
        user.groups.add(Group.objects.get(name=roles.POLICY_AND_ABUSE))
    if kind == "direct":
        user.user_permissions.add(Permission.objects.get(codename="suspend_member"))
    user = User.objects.get(pk=user.pk)  # no permission cache
    unverified = _request_user(user, verified=False)
    assert not unverified.has_perm("accounts.suspend_member")
    assert not unverified.has_module_perms("accounts")
    verified = _request_user(User.objects.get(pk=user.pk), verified=True)
    assert verified.has_perm("accounts.suspend_member")
    # Outside a request (the worker, the shell): the permissions as given.
    assert User.objects.get(pk=user.pk).has_perm("accounts.suspend_member")


def test_a_permission_given_outside_a_role_sends_to_two_factor_set_up() -> None:
    from django.contrib.auth.models import Permission

    user = member("helper")
    user.user_permissions.add(Permission.objects.get(codename="publish_news"))
    browser = Client()
    sign_in(browser, user)
    response = browser.get("/news/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
