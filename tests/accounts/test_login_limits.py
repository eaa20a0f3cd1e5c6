"""Limits on signing in, at /accounts/login/ and /admin/login/ alike: per address, per
address and username, and per username from everywhere, which an owner's known device
passes, so strangers' failures never lock the owner out."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.login_limits import (
    FAILURES_BY_USERNAME,
    KNOWN_DEVICE_COOKIE,
    KNOWN_DEVICE_SALT,
)
from tests.caches import FakeClock
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password
ARCHIVE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def log_in(  # type: ignore[no-untyped-def]
    client: Client, username: str, password: str = PASSWORD, *, url: str = ARCHIVE_LOGIN, **extra
):
    return client.post(url, {"username": username, "password": password}, **extra)


def stranger_fails(username: str, times: int, *, first: int = 0) -> list[int]:
    """A stranger's wrong guesses, each from another address and browser."""
    return [
        log_in(Client(), username, "a guess", REMOTE_ADDR=f"10.9.{n}.1").status_code
        for n in range(first, first + times)
    ]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_one_address_guessing_one_account_is_refused_after_ten(clock: FakeClock) -> None:
    UserFactory(username="target")
    client = Client()
    codes = [log_in(client, "target", "a guess").status_code for _ in range(10)]
    assert codes == [200] * 10
    sessions_before = Session.objects.count()

    refused = log_in(client, "target")  # the right password is not even checked now

    assert refused.status_code == 429
    assert "Too many attempts. Please try again in 6 minutes." in refused.content.decode()
    assert refused["Retry-After"] == "330"
    assert Session.objects.count() == sessions_before  # nothing written
    assert not signed_in(client)
    clock.advance(330)
    assert log_in(client, "target").status_code == 302


def test_the_username_is_counted_in_any_case() -> None:
    UserFactory(username="target")
    client = Client()
    for n in range(10):
        log_in(client, "TARGET" if n % 2 else "target", "a guess")
    assert log_in(client, " Target ", "a guess").status_code == 429


def test_one_address_guessing_many_accounts_is_refused_after_twenty() -> None:
    client = Client()
    codes = [log_in(client, f"someone{n}", "a guess").status_code for n in range(21)]
    assert codes == [200] * 20 + [429]
    UserFactory(username="reader")
    assert log_in(client, "reader").status_code == 429
    assert log_in(client, "reader", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_many_addresses_guessing_one_account_are_refused_after_thirty_failures() -> None:
    UserFactory(username="target")
    assert stranger_fails("target", FAILURES_BY_USERNAME.limit) == [200] * 30
    assert stranger_fails("target", 1, first=100) == [429]
    # The owner on a browser that never signed in is refused too, for the hour.
    owner = Client()
    assert log_in(owner, "target", REMOTE_ADDR="192.0.2.7").status_code == 429
    assert not signed_in(owner)


def test_strangers_failures_do_not_lock_the_owner_out_of_a_known_device() -> None:
    UserFactory(username="target")
    owner = Client()
    assert log_in(owner, "target", REMOTE_ADDR="192.0.2.7").status_code == 302
    owner.post(reverse("accounts:logout"))
    assert not signed_in(owner)

    stranger_fails("target", 40)
    assert stranger_fails("target", 1, first=100) == [429]

    assert log_in(owner, "target", REMOTE_ADDR="192.0.2.7").status_code == 302
    assert signed_in(owner)


def test_a_known_devices_own_failures_are_limited() -> None:
    UserFactory(username="target")
    owner = Client()
    log_in(owner, "target")
    owner.post(reverse("accounts:logout"))
    # From ever-changing addresses (a phone), so only the device's own limit counts.
    codes = [
        log_in(owner, "target", "mistyped", REMOTE_ADDR=f"10.5.{n}.1").status_code
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]
    assert log_in(owner, "target", REMOTE_ADDR="10.5.99.1").status_code == 429


def test_a_right_password_is_no_failure() -> None:
    UserFactory(username="target")
    stranger_fails("target", 29)
    for _ in range(5):
        newcomer = Client()  # a browser that never signed in: the username's limit applies
        assert log_in(newcomer, "target", REMOTE_ADDR="192.0.2.8").status_code == 302
    assert stranger_fails("target", 2, first=50) == [200, 429]


def test_a_device_cookie_for_another_account_or_forged_is_no_known_device() -> None:
    UserFactory(username="target")
    other = UserFactory(username="other")
    stranger_fails("target", 30)

    forged = Client()
    forged.cookies[KNOWN_DEVICE_COOKIE] = "[[1, 'x']]"
    assert log_in(forged, "target").status_code == 429

    someone_else = Client()
    someone_else.cookies[KNOWN_DEVICE_COOKIE] = signing.dumps(
        [[other.pk, "token"]], salt=KNOWN_DEVICE_SALT
    )
    assert log_in(someone_else, "target").status_code == 429


def test_signing_in_remembers_the_device_for_a_year_in_a_cookie_scripts_cannot_read() -> None:
    user = UserFactory(username="reader")
    client = Client()
    response = log_in(client, "reader")
    cookie = response.cookies[KNOWN_DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    known = signing.loads(cookie.value, salt=KNOWN_DEVICE_SALT)
    assert [entry[0] for entry in known] == [user.pk]
    # Signing in again keeps the same token: one device, one entry.
    client.post(reverse("accounts:logout"))
    again = log_in(client, "reader").cookies[KNOWN_DEVICE_COOKIE]
    assert signing.loads(again.value, salt=KNOWN_DEVICE_SALT) == known


def test_a_failed_login_marks_no_device() -> None:
    UserFactory(username="reader")
    assert KNOWN_DEVICE_COOKIE not in log_in(Client(), "reader", "wrong").cookies


# ---- The admin site's login ----


@pytest.fixture
def admin_user() -> Any:
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def test_the_admin_login_is_limited(admin_user: Any) -> None:
    client = Client()
    codes = [log_in(client, "boss", "a guess", url=ADMIN_LOGIN).status_code for _ in range(10)]
    assert codes == [200] * 10

    refused = log_in(client, "boss", url=ADMIN_LOGIN)

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many sign-in attempts" in html
    assert "Please try again in" in html
    assert int(refused["Retry-After"]) > 0
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still the login page


def test_the_admin_login_signs_staff_in(admin_user: Any) -> None:
    client = Client()
    response = log_in(client, "boss", url=ADMIN_LOGIN)
    assert response.status_code == 302
    # Signed in; the admin pages wait for the second step (tests/accounts/test_two_factor).
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/setup/")
    assert KNOWN_DEVICE_COOKIE in response.cookies


def test_the_admin_and_archive_logins_share_their_counts(admin_user: Any) -> None:
    client = Client()
    for _ in range(5):
        log_in(client, "boss", "a guess", url=ADMIN_LOGIN)
        log_in(client, "boss", "a guess")
    assert log_in(client, "boss").status_code == 429
    assert log_in(client, "boss", url=ADMIN_LOGIN).status_code == 429


# ---- Behind a reverse proxy ----


def test_x_forwarded_for_is_not_believed_without_trusted_proxies() -> None:
    client = Client()
    codes = [
        log_in(client, f"someone{n}", "a guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(21)
    ]
    assert codes[-1] == 429  # all from the one REMOTE_ADDR


def test_behind_a_trusted_proxy_each_client_address_is_limited_on_its_own(
    settings: Any,
) -> None:
    settings.FICSHELF_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    client = Client()
    codes = [
        log_in(
            client, f"someone{n}", "a guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **proxy
        ).status_code
        for n in range(30)
    ]
    assert codes == [200] * 30  # thirty clients, not one proxy
    one = {"HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.77", **proxy}
    codes = [log_in(client, f"other{n}", "a guess", **one).status_code for n in range(21)]
    assert codes == [200] * 20 + [429]
    # What the client wrote left of the proxy's entry changes nothing.
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 198.51.100.77", **proxy}
    assert log_in(client, "another", "a guess", **spoofed).status_code == 429
