"""schemathesis against the API's own OpenAPI schema, through WSGI (no network): for every
operation, generated requests that fit the schema and ones that do not. No answer is a 5xx,
every answer matches the schema, and input that breaks the schema gets a 4xx with a message.
A handful of examples per operation keeps it to a few seconds in CI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.generation import GenerationMode

from ficshelf.accounts.models import User
from ficshelf.api.api import v1
from ficshelf.social import actions
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Series, SeriesWork, Work
from ficshelf.wsgi import application
from tests.api.helpers import token_for
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

EXAMPLES_PER_OPERATION = 8


def _operations() -> list[str]:
    """Every operation's label ("GET /api/v1/works"), from the schema django-ninja makes."""
    paths = v1.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return [f"{method.upper()} {path}" for path, methods in paths.items() for method in methods]


@pytest.fixture
def connection_kept(archive: None) -> Iterator[None]:
    """schemathesis calls the WSGI application itself, and Django closes the database
    connection after each request; inside the test's transaction (PostgreSQL) that would
    end the test. Django's own test client keeps the connection the same way (and connects
    the handler again after each of its requests: hence after ``archive``)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def archive(db: Any, settings: Any, client: Any) -> None:
    """A little in the archive, so the generated ids and names sometimes find something."""
    settings.FICSHELF_API_REQUESTS_PER_MINUTE = 100_000
    pseud = PseudFactory(user=UserFactory(username="schemawriter"))
    fandom = Tag.objects.create(name="Schema Fandom", type=TagType.FANDOM, is_canonical=True)
    work = WorkFactory(creator=pseud, source_url="https://example.org/s/1")
    work.tags.add(fandom)
    series = Series.objects.create(title="Schema Series")
    SeriesWork.objects.create(series=series, work=work)
    actions.post_comment(work.chapters.get(), actor=UserFactory(), text="A comment")
    actions.save_bookmark(actor=UserFactory(), work=work, notes="A note")
    get_listing(client, "/works/")  # the index holds the works


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", _operations())
def test_the_api_keeps_to_its_schema(
    connection_kept: None, label: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    # A request the schema allows may still name what is not there (a tag id, a language):
    # the listing then says which with a 400, as it says a 404 for a missing work.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "400", "401", "403", "404", "409", "429"]
    )
    operation = schema.find_operation_by_label(label)
    assert operation is not None

    @given(operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call_and_validate()
        if 400 <= response.status_code < 500:
            assert response.json()["detail"], "a refusal says why"

    check()


# The posting endpoints again, with a token that may use them (as the archive's writer):
# without one every request stops at the 401, before the forms and actions are reached.
WORK_WRITES = [
    "POST /api/v1/works",
    "PATCH /api/v1/works/{work_id}",
    "POST /api/v1/works/{work_id}/post",
    "DELETE /api/v1/works/{work_id}",
    "POST /api/v1/works/{work_id}/chapters",
    "PATCH /api/v1/works/{work_id}/chapters/{chapter_id}",
    "DELETE /api/v1/works/{work_id}/chapters/{chapter_id}",
]


VALID_WORK = {
    "title": "Generated",
    "rating": "Not Rated",
    "warnings": ["No Archive Warnings Apply"],
    "fandoms": ["Schema Fandom"],
    "text": "<p>Some words.</p>",
    "language": "en",
}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", WORK_WRITES)
def test_posting_with_a_token_keeps_to_the_schema(
    connection_kept: None, label: str, mode: GenerationMode
) -> None:
    writer = User.objects.get(username="schemawriter")
    headers = {"Authorization": f"Bearer {token_for(writer, 'read', 'write:works')}"}
    # The writer's own work and chapter, so the generated bodies reach the forms (random
    # ids find nothing); a new work gets the fields a form needs, the rest generated.
    work = Work.objects.get(creatorships__pseud__user=writer)
    own = {"work_id": work.pk, "chapter_id": work.chapters.get().pk}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "400", "404", "409"]
    )
    operation = schema.find_operation_by_label(label)
    assert operation is not None

    @given(operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.headers = {**(case.headers or {}), **headers}
        if mode == GenerationMode.POSITIVE:
            case.path_parameters = {
                name: own[name] for name in (case.path_parameters or {}) if name in own
            }
            if label == "POST /api/v1/works" and isinstance(case.body, dict):
                case.body = {**case.body, **VALID_WORK}
        response = case.call_and_validate()
        assert response.status_code != 401, "the token signs the writer in"
        if 400 <= response.status_code < 500:
            assert response.json()["detail"], "a refusal says why"

    check()


def test_the_schema_and_the_docs_page_are_served(client: Any, db: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/works" in schema["paths"]
    assert schema["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Served from the archive, not a CDN; the page's policy is the site's plus data: images.
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "data:" in policy.split("img-src")[1].split(";")[0]
    assert "data:" not in client.get("/works/")["Content-Security-Policy"]
