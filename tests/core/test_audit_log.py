"""The audit log: moderation and admin actions record who did what to which object, why
and when; admins read it in the admin site and nobody edits it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.core.admin_audit import CONFIRM, AuditedModelAdmin
from ficshelf.core.audit import record
from ficshelf.core.models import AuditEntry
from ficshelf.search.models import IndexQueueEntry
from ficshelf.works.models import Series, Work
from tests.admin_helpers import run_action
from tests.factories import UserFactory, WorkFactory
from tests.form_data import form_fields

pytestmark = pytest.mark.django_db

WORKS = "/admin/works/work/"
LOG = "/admin/core/auditentry/"


@pytest.fixture
def boss(client: Client) -> User:
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_hiding_a_work_records_who_what_which_why_and_when(client: Client, boss: User) -> None:
    work = WorkFactory(title="Mislabelled")

    run_action(client, WORKS, "hide", [work.pk], reason="Rated General, reads Explicit.")

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.action) == (boss, "boss", "hide")
    assert entry.target_type == ContentType.objects.get_for_model(Work)
    assert (entry.target_id, entry.target_repr) == (str(work.pk), "Mislabelled")
    assert entry.reason == "Rated General, reads Explicit."
    assert entry.created_at is not None


def test_the_reason_page_comes_first_and_changes_nothing(client: Client, boss: User) -> None:
    work = WorkFactory(title="Not Yet")

    response = run_action(client, WORKS, "hide", [work.pk], reason=None)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Not Yet" in html and 'name="reason"' in html
    work.refresh_from_db()
    assert not work.is_hidden_by_admin
    assert not AuditEntry.objects.exists()


def test_confirming_without_a_reason_is_refused_and_nothing_is_written(
    client: Client, boss: User
) -> None:
    work = WorkFactory()
    IndexQueueEntry.objects.all().delete()

    response = run_action(client, WORKS, "hide", [work.pk], reason="   ")

    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    work.refresh_from_db()
    assert not work.is_hidden_by_admin
    assert not AuditEntry.objects.exists()
    assert not IndexQueueEntry.objects.exists()


def test_the_change_form_asks_why_a_work_is_hidden(client: Client, boss: User) -> None:
    work = WorkFactory()
    url = f"{WORKS}{work.pk}/change/"
    sent = form_fields(client, url, having="title", changes={"is_hidden_by_admin": "on"})

    refused = client.post(url, {**sent, "_save": "Save"})
    sent["audit_reason"] = ["Spam."]
    done = client.post(url, {**sent, "_save": "Save"})

    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    assert done.status_code == 302
    work.refresh_from_db()
    assert work.is_hidden_by_admin
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason) == ("hide", "Spam.")


def test_deleting_a_work_from_its_change_form_asks_why(client: Client, boss: User) -> None:
    work = WorkFactory(title="Spam Post")
    url = f"{WORKS}{work.pk}/delete/"

    asked = client.get(url)
    refused = client.post(url, {"reason": "", CONFIRM: "yes"})
    done = client.post(url, {"reason": "Advertising.", CONFIRM: "yes"})

    assert asked.status_code == 200 and "Spam Post" in asked.content.decode()
    assert refused.status_code == 400
    assert done.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_repr, entry.reason) == (
        "delete",
        "Spam Post",
        "Advertising.",
    )


def test_an_entry_outlives_its_target_and_its_actor(client: Client, boss: User) -> None:
    work = WorkFactory(title="Short Lived")
    run_action(client, WORKS, "delete_with_reason", [work.pk], reason="Duplicate.")
    boss.delete()

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.target_repr) == (None, "boss", "Short Lived")


def test_admins_read_the_log_and_nobody_edits_it(client: Client, boss: User) -> None:
    run_action(client, WORKS, "hide", [WorkFactory(title="Logged").pk], reason="Why not.")
    entry = AuditEntry.objects.get()

    listing = client.get(LOG)
    shown = client.get(f"{LOG}{entry.pk}/change/")
    changed = client.post(f"{LOG}{entry.pk}/change/", {"reason": "Rewritten."})
    deleted = client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200 and "Logged" in listing.content.decode()
    assert shown.status_code == 200 and "Why not." in shown.content.decode()
    assert client.get(f"{LOG}add/").status_code == 403
    assert changed.status_code == 403 and deleted.status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "Why not."


def test_readers_cannot_see_the_log(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(LOG)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_log_filters_by_actor_action_target_type_and_date(client: Client, boss: User) -> None:
    other = UserFactory(username="deputy", is_staff=True, is_superuser=True)
    run_action(client, WORKS, "hide", [WorkFactory(title="Hidden By Boss").pk], reason="A.")
    deputy = Client()
    deputy.force_login(other)
    run_action(deputy, WORKS, "hide", [WorkFactory(title="Hidden By Deputy").pk], reason="B.")
    run_action(deputy, "/admin/accounts/user/", "ban", [UserFactory().pk], reason="C.")
    today = AuditEntry.objects.first().created_at.date()  # type: ignore[union-attr]
    work_type = ContentType.objects.get_for_model(Work).pk

    def shown(query: str) -> set[str]:
        html = client.get(f"{LOG}?{query}").content.decode()
        return {name for name in ("Hidden By Boss", "Hidden By Deputy", "reader") if name in html}

    assert shown(f"actor__id__exact={other.pk}") == {"Hidden By Deputy", "reader"}
    assert shown("action=hide") == {"Hidden By Boss", "Hidden By Deputy"}
    assert shown(f"target_type__id__exact={work_type}&action=hide") == {
        "Hidden By Boss",
        "Hidden By Deputy",
    }
    assert shown(f"created_at__year={today.year}&created_at__month={today.month}") == {
        "Hidden By Boss",
        "Hidden By Deputy",
        "reader",
    }
    assert shown(f"created_at__year={today.year + 1}") == set()


def test_other_admin_changes_are_recorded_with_their_summary(client: Client, boss: User) -> None:
    series = Series.objects.create(title="Old Name")
    url = f"/admin/works/series/{series.pk}/change/"
    sent = form_fields(client, url, having="title", changes={"title": "New Name"})

    client.post(url, {**sent, "_save": "Save"})

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_repr) == ("change", "New Name")
    assert "Title" in entry.details["change"]


def test_every_admin_page_of_the_archive_records_its_changes() -> None:
    unaudited = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if (model._meta.app_label != "core" and model.__module__.startswith("ficshelf"))
        or model is Group
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []


# serialized_rollback, as on the suite's other transactional tests: without it the flush
# after this test makes the content types again, and the next test's restore collides.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_entry_is_recorded_only_inside_the_actions_transaction() -> None:
    actor = UserFactory()
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        record(actor=actor, action="hide", target=None)
    with transaction.atomic():
        record(actor=actor, action="hide", target=None)
    assert AuditEntry.objects.count() == 1
