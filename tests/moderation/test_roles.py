"""Roles x actions: each admin role can do what moderation/roles.py grants it and nothing
else; a refused action writes nothing. Superusers pass every check; staff without a role
pass none (is_staff alone opens nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.models import MemberNote, MemberWarning, User
from ficshelf.moderation import roles
from ficshelf.moderation.actions import file_report
from ficshelf.moderation.models import Report, ReportReply, ReportStatus
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Work
from tests.admin_helpers import run_action
from tests.factories import UserFactory, WorkFactory
from tests.form_data import form_fields

pytestmark = pytest.mark.django_db

REASON = "Breaks the content policy."


@dataclass
class Scene:
    client: Client
    admin: User
    troll: User
    work: Work
    report: Report
    tag: Tag


def _troll(scene: Scene) -> User:
    return User.objects.get(pk=scene.troll.pk)


def reports_queue(s: Scene) -> bool:
    return s.client.get("/desk/").status_code == 200


def report_page(s: Scene) -> bool:
    return s.client.get(f"/desk/reports/{s.report.pk}/").status_code == 200


def resolve_report(s: Scene) -> bool:
    s.client.post(f"/desk/reports/{s.report.pk}/close/", {"do": "resolve", "reason": REASON})
    return Report.objects.get(pk=s.report.pk).status == ReportStatus.RESOLVED


def reply_to_report(s: Scene) -> bool:
    s.client.post(f"/desk/reports/{s.report.pk}/reply/", {"text": "We are looking."})
    return ReportReply.objects.exists()


def hide_work(s: Scene) -> bool:
    s.client.post(f"/desk/reports/{s.report.pk}/close/", {"do": "hide", "reason": REASON})
    return Work.objects.get(pk=s.work.pk).is_hidden_by_admin


def hide_work_in_admin(s: Scene) -> bool:
    run_action(s.client, "/admin/works/work/", "hide", [s.work.pk], reason=REASON)
    return Work.objects.get(pk=s.work.pk).is_hidden_by_admin


def suspend(s: Scene) -> bool:
    until = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    s.client.post(
        f"/desk/members/{s.troll.username}/suspend/",
        {"suspend-reason": REASON, "suspend-until": until},
    )
    return _troll(s).suspended_now()


def suspend_in_admin(s: Scene) -> bool:
    until = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    run_action(s.client, "/admin/accounts/user/", "suspend", [s.troll.pk], until=until)
    return _troll(s).suspended_now()


def ban(s: Scene) -> bool:
    run_action(s.client, "/admin/accounts/user/", "ban", [s.troll.pk], reason=REASON)
    return not _troll(s).is_active


def warn(s: Scene) -> bool:
    s.client.post(f"/desk/members/{s.troll.username}/warn/", {"warn-reason": REASON})
    return MemberWarning.objects.filter(member=s.troll).exists()


def note(s: Scene) -> bool:
    s.client.post(f"/desk/members/{s.troll.username}/note/", {"text": "Seen before."})
    return MemberNote.objects.filter(member=s.troll).exists()


def next_of_kin(s: Scene) -> bool:
    s.client.post(
        f"/desk/members/{s.troll.username}/kin/",
        {"kin-name": "Sam", "kin-email": "sam@example.org", "kin-reason": "Asked by mail."},
    )
    return _troll(s).next_of_kin_email == "sam@example.org"


def audit_log(s: Scene) -> bool:
    return s.client.get("/desk/audit/").status_code == 200


def admin_audit_log(s: Scene) -> bool:
    return s.client.get("/admin/core/auditentry/").status_code == 200


def change_roles(s: Scene) -> bool:
    url = f"/admin/accounts/user/{s.troll.pk}/change/"
    if s.client.get(url).status_code != 200:
        return False
    support = str(Group.objects.get(name=roles.SUPPORT).pk)
    try:
        sent = form_fields(s.client, url, having="username", changes={"groups": [support]})
    except AssertionError:  # the change form without the roles on it
        return False
    s.client.post(url, sent)
    return _troll(s).groups.filter(name=roles.SUPPORT).exists()


def wrangle_tag(s: Scene) -> bool:
    return s.client.get(f"/tags/{s.tag.name}/edit/").status_code == 200


ACTIONS: dict[str, Callable[[Scene], bool]] = {
    "reports queue": reports_queue,
    "report page": report_page,
    "resolve report": resolve_report,
    "reply to report": reply_to_report,
    "hide work": hide_work,
    "hide work (admin site)": hide_work_in_admin,
    "suspend": suspend,
    "suspend (admin site)": suspend_in_admin,
    "ban": ban,
    "warn": warn,
    "notes": note,
    "next of kin": next_of_kin,
    "audit log": audit_log,
    "audit log (admin site)": admin_audit_log,
    "change roles": change_roles,
    "wrangle tags": wrangle_tag,
}

DESK = {"reports queue", "report page", "resolve report", "reply to report", "notes"}
DESK |= {"audit log", "audit log (admin site)"}
ALLOWED: dict[str, set[str]] = {
    "superuser": set(ACTIONS),
    roles.SUPERADMIN: set(ACTIONS),
    roles.POLICY_AND_ABUSE: DESK
    | {"hide work", "hide work (admin site)", "suspend", "suspend (admin site)", "ban", "warn"},
    roles.SUPPORT: DESK | {"next of kin"},
    roles.TAG_WRANGLING: {"wrangle tags"},
    roles.COMMUNICATIONS: set(),
    "staff without a role": set(),
    "member": set(),
}


def make_scene(who: str) -> Scene:
    if who == "superuser":
        admin = UserFactory(username="acting", is_superuser=True)
    elif who == "staff without a role":
        admin = UserFactory(username="acting", is_staff=True)
    else:
        admin = UserFactory(username="acting")
        if who != "member":
            admin.groups.add(Group.objects.get(name=who))
    troll = UserFactory(username="troll")
    work = WorkFactory(title="Reported")
    report = file_report(work=work, reason="other", details="Look at this.", actor=troll)
    tag = Tag.objects.create(name="Rainy Days", type=TagType.FREEFORM)
    client = Client()
    client.force_login(admin)
    return Scene(client, admin, troll, work, report, tag)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", list(ALLOWED))
def test_role_and_action(who: str, action: str) -> None:
    scene = make_scene(who)
    assert ACTIONS[action](scene) is (action in ALLOWED[who])


def test_every_role_is_a_group_with_exactly_its_permissions() -> None:
    for role in roles.ROLES:
        group = Group.objects.get(name=role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == set(roles.ROLE_PERMISSIONS[role]), role


def test_syncing_again_changes_nothing_and_puts_back_what_was_taken() -> None:
    group = Group.objects.get(name=roles.SUPPORT)
    group.permissions.clear()
    roles.sync_roles()
    roles.sync_roles()
    assert group.permissions.count() == len(roles.ROLE_PERMISSIONS[roles.SUPPORT])
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)


def test_make_wrangler_gives_the_tag_wrangling_role() -> None:
    from django.core.management import call_command

    UserFactory(username="tidy")
    call_command("make_wrangler", "tidy")
    assert User.objects.get(username="tidy").groups.filter(name=roles.TAG_WRANGLING).exists()


def test_changing_roles_is_recorded_with_what_changed() -> None:
    from ficshelf.core.models import AuditEntry

    scene = make_scene(roles.SUPERADMIN)
    assert change_roles(scene)
    entry = AuditEntry.objects.get(action="change roles")
    assert entry.details == {"added": [roles.SUPPORT], "removed": []}
    assert entry.actor_name == "acting"


@pytest.mark.parametrize("who", [roles.SUPPORT, roles.POLICY_AND_ABUSE, "superuser"])
def test_the_desk_links_each_queue_its_member_may_work(who: str) -> None:
    """The skins review and spam queue are reached from the desk, by those who may work them."""
    scene = make_scene(who)
    page = scene.client.get("/desk/").content.decode()
    may_review_skins = scene.admin.has_perm("accounts.approve_skins")
    may_review_spam = scene.admin.has_perm("moderation.review_spam")
    assert ('href="/skins/review/"' in page) is may_review_skins
    assert ('href="/moderation/spam/"' in page) is may_review_spam
    if who == "superuser":
        assert may_review_skins and may_review_spam
