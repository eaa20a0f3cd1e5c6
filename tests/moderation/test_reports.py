"""Reports: anyone who can see a work can report it; admins work the queue."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.works.models import Work
from tests.admin_helpers import run_action
from tests.caches import FakeClock
from tests.factories import UserFactory, WorkFactory
from tests.helpers import guarded

pytestmark = pytest.mark.django_db


def report_url(work: Work) -> str:
    return f"/works/{work.pk}/report/"


def test_guest_reports_a_work_with_an_email(client: Client) -> None:
    work = WorkFactory()
    response = client.post(
        report_url(work),
        guarded(
            {
                "reason": "ratings",
                "details": "Explicit scenes, rated General.",
                "reporter_email": "r@e.org",
            }
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.work == work and report.reporter is None
    assert report.reporter_email == "r@e.org"
    assert report.status == ReportStatus.OPEN


def test_signed_in_report_is_credited_to_the_reader(client: Client) -> None:
    reader = UserFactory()
    client.force_login(reader)
    client.post(report_url(WorkFactory()), guarded({"reason": "spam", "details": "An advert."}))
    assert Report.objects.get().reporter == reader


def test_report_without_details_is_refused_with_a_form_error(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), guarded({"reason": "spam", "details": ""}))
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not Report.objects.exists()


def test_guest_cannot_report_a_restricted_work_they_cannot_see(client: Client) -> None:
    work = WorkFactory(restricted=True)
    assert client.get(report_url(work)).status_code == 404
    assert (
        client.post(report_url(work), guarded({"reason": "spam", "details": "x"})).status_code
        == 404
    )


def test_reports_are_rate_limited_per_address(client: Client) -> None:
    work = WorkFactory()
    codes = [
        client.post(report_url(work), guarded({"reason": "spam", "details": f"n{i}"})).status_code
        for i in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert Report.objects.count() == 10


def test_the_hourly_report_limit_still_holds_after_five_minutes_and_many_writes(
    client: Client, clock: FakeClock
) -> None:
    work = WorkFactory()
    for i in range(10):
        client.post(report_url(work), guarded({"reason": "spam", "details": f"n{i}"}))
    clock.advance(6 * 60)
    for n in range(1000):
        cache.set(f"a kept page {n}", "x" * 500, timeout=600)
    refused = client.post(report_url(work), guarded({"reason": "spam", "details": "again"}))
    assert refused.status_code == 429
    assert "Please try again in 60 minutes." in refused.content.decode()
    assert Report.objects.count() == 10


def test_admin_hides_the_reported_work_from_the_queue(admin_client: Client) -> None:
    work = WorkFactory()
    Report.objects.create(work=work, reason="ratings", details="Wrong rating")
    response = run_action(
        admin_client,
        "/admin/moderation/report/",
        "hide_reported_works",
        [Report.objects.get().pk],
        reason="Rated General, has explicit scenes.",
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.is_hidden_by_admin
    assert Report.objects.get().status == ReportStatus.RESOLVED


def test_hidden_work_is_gone_for_readers(client: Client, admin_client: Client) -> None:
    work = WorkFactory()
    run_action(admin_client, "/admin/works/work/", "hide", [work.pk])
    assert client.get(work.get_absolute_url()).status_code == 404


def test_admin_site_is_closed_to_readers(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/admin/moderation/report/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reader_reports_a_comment(client: Client) -> None:
    from tests.social.factories import CommentFactory

    comment = CommentFactory()
    response = client.post(
        f"/comments/{comment.pk}/report/", guarded({"reason": "harassment", "details": "Threats."})
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.comment == comment and report.work == comment.work


def test_comment_on_a_restricted_work_cannot_be_reported_by_a_guest(client: Client) -> None:
    from tests.social.factories import CommentFactory

    comment = CommentFactory(work=WorkFactory(restricted=True))
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 404


def test_admin_deletes_a_reported_comment_and_the_report_stays(admin_client: Client) -> None:
    from ficshelf.social.models import Comment
    from tests.social.factories import CommentFactory

    comment = CommentFactory()
    report = Report.objects.create(
        work=comment.work, comment=comment, reason="spam", details="Advert"
    )
    run_action(admin_client, "/admin/moderation/report/", "delete_reported_comments", [report.pk])
    assert not Comment.objects.filter(pk=comment.pk, is_deleted=False).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED


def test_each_report_queue_action_is_recorded_with_its_reason(admin_client: Client) -> None:
    from ficshelf.core.models import AuditEntry
    from tests.social.factories import CommentFactory

    comment = CommentFactory()
    about_comment = Report.objects.create(
        work=comment.work, comment=comment, reason="spam", details="Advert"
    )
    resolved = Report.objects.create(work=WorkFactory(), reason="other", details="Typo")
    dismissed = Report.objects.create(work=WorkFactory(), reason="other", details="Dislike")
    queue = "/admin/moderation/report/"

    run_action(admin_client, queue, "delete_reported_comments", [about_comment.pk], reason="Ads.")
    run_action(admin_client, queue, "mark_resolved", [resolved.pk], reason="Fixed by creator.")
    run_action(admin_client, queue, "dismiss", [dismissed.pk], reason="Not against the rules.")

    recorded = [(e.action, e.reason) for e in AuditEntry.objects.order_by("pk")]
    assert recorded == [
        ("delete comment", "Ads."),
        ("resolve report", "Ads."),
        ("resolve report", "Fixed by creator."),
        ("dismiss report", "Not against the rules."),
    ]
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses == {
        about_comment.pk: ReportStatus.RESOLVED,
        resolved.pk: ReportStatus.RESOLVED,
        dismissed.pk: ReportStatus.DISMISSED,
    }


def test_hiding_from_the_queue_without_a_reason_leaves_work_and_report_alone(
    admin_client: Client,
) -> None:
    work = WorkFactory()
    report = Report.objects.create(work=work, reason="ratings", details="Wrong rating")

    response = run_action(
        admin_client, "/admin/moderation/report/", "hide_reported_works", [report.pk], reason=""
    )

    assert response.status_code == 400
    work.refresh_from_db()
    report.refresh_from_db()
    assert not work.is_hidden_by_admin and report.status == ReportStatus.OPEN


def test_a_hidden_work_leaves_the_listings_at_once(client: Client, admin_client: Client) -> None:
    from tests.search.listing_helpers import index_now, page, titles, work

    reported = work("Reported Work")
    work("Fine Work")
    index_now()
    assert titles(page(client, "/works/")) == ["Fine Work", "Reported Work"]  # now kept
    report = Report.objects.create(work=reported, reason="ratings", details="Wrong rating")

    run_action(admin_client, "/admin/moderation/report/", "hide_reported_works", [report.pk])

    html = page(client, "/works/")
    assert titles(html) == ["Fine Work"] and "1 – 1 of 1 Work" in html


def test_report_form_offers_only_real_reasons_and_ticks_none(client: Client) -> None:
    page = client.get(report_url(WorkFactory())).content.decode()

    reasons = re.findall(r'<input type="radio" name="reason" value="([^"]*)"[^>]*>', page)
    assert reasons == ["ratings", "spam", "harassment", "plagiarism", "other"]
    assert "---------" not in page
    assert not re.search(r'name="reason"[^>]*checked', page)


def test_report_without_a_reason_asks_for_one_and_saves_nothing(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), guarded({"details": "Something is off."}))

    assert response.status_code == 200
    assert "Choose what is wrong." in response.content.decode()
    assert "Something is off." in response.content.decode()
    assert not Report.objects.exists()


def test_report_with_the_blank_reason_is_refused(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), guarded({"reason": "", "details": "x"}))

    assert "Choose what is wrong." in response.content.decode()
    assert not Report.objects.exists()
