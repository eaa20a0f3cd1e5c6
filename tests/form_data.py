"""What a browser would send for a page's form: its fields as they are filled in."""

from __future__ import annotations

import lxml.html
from django.http import HttpResponse
from django.test import Client

from ficshelf.core.form_guards import STARTED_FIELD
from tests.helpers import guarded


def form_fields(
    client: Client, url: str, *, having: str, changes: dict[str, str | list[str] | None]
) -> dict[str, list[str]]:
    """The fields of the form on ``url`` that has a field named ``having``, as sent, with
    ``changes`` made (a value, a list of values, or None to untick or empty a field)."""
    response: HttpResponse = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    page = lxml.html.fromstring(response.content.decode())
    forms = [form for form in page.forms if having in form.fields]
    assert forms, f"no form on {url} has a field named {having!r}"
    sent: dict[str, list[str]] = {}
    for name, value in forms[0].form_values():
        sent.setdefault(name, []).append(value)
    if STARTED_FIELD in sent:  # the spam guard's stamp: as if the form was shown a minute ago
        sent[STARTED_FIELD] = [guarded()[STARTED_FIELD]]
    for name, value in changes.items():
        if value is None:
            sent.pop(name, None)
        else:
            sent[name] = [value] if isinstance(value, str) else value
    return sent
