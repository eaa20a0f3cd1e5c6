from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from ficshelf.core.embedded_cache import EmbeddedCache, embedded_cache_settings

# The shared-cache fixtures (``shared_cache``, ``clock``) and the kept-blurb spies
# (``loaded``, ``rendered``) for every test.
pytest_plugins = ["tests.caches", "tests.blurb_spies"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: pytest.FixtureRequest) -> None:
    # Tests run background tasks in-process, at once (docs/design.md).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session", autouse=True)
def _the_embedded_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cache the archive runs with (diskcache in a folder), not a stand-in: rate limits
    and sessions are tested against its real increments, expiry and eviction. One folder
    for the run (opening a fresh one costs ~50 ms); each test starts with it empty."""
    folder = tmp_path_factory.mktemp("cache")
    with override_settings(CACHES={"default": embedded_cache_settings(folder, size_limit_mb=64)}):
        yield
        embedded = caches["default"]
        if isinstance(embedded, EmbeddedCache):
            embedded.close_connections()


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_cache(settings: pytest.FixtureRequest) -> None:
    # Argon2 is slow on purpose; tests need speed, not resistance to cracking.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with empty rate-limit counters.
    from ficshelf.core import process_cache

    cache.clear()
    process_cache.clear_process_cache()


@pytest.fixture(autouse=True)
def _data_folder_of_its_own(
    settings: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory
) -> None:
    # Files a test makes (download caches, bulk zips) go to a folder of its own.
    settings.DATA_DIR = tmp_path / "data"  # type: ignore[operator]


@pytest.fixture(autouse=True)
def _admins_signed_in_with_two_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(admin)`` stands for a whole sign-in, the second step included:
    an admin role's session is marked as having passed two-factor (an authenticator set
    up for them). Tests of the second step itself sign in through the pages, or with
    ``tests.helpers.sign_in_password_only``."""
    from django.test import Client

    from tests.helpers import pass_second_step

    original = Client.force_login

    def force_login(self: Client, user: object, backend: str | None = None) -> None:
        original(self, user, backend)  # type: ignore[arg-type]
        from ficshelf.core.staff import has_admin_role

        if has_admin_role(user):
            pass_second_step(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", original, raising=False)


@pytest.fixture
def work_page_renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The work pages actually rendered, by work id, not served from a kept copy
    (``search.page_cache.cached_work_page_for_guests``): for the kept pages' tests."""
    from ficshelf.works import views

    rendered: list[int] = []
    real = views._render_reading

    def counting(request: object, work: object, reading: object, **kwargs: bool) -> object:
        rendered.append(work.pk)  # type: ignore[attr-defined]
        return real(request, work, reading, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "_render_reading", counting)
    return rendered
