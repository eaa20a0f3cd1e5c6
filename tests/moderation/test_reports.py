"""Reports: anyone who can see a work can report it; admins work the queue."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.moderation.models import Report, ReportStatus
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def report_url(work: Work) -> str:
    return f"/works/{work.pk}/report/"


def test_guest_reports_a_work_with_an_email(client: Client) -> None:
    work = WorkFactory()
    response = client.post(
        report_url(work),
        {
            "reason": "ratings",
            "details": "Explicit scenes, rated General.",
            "reporter_email": "r@e.org",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.work == work and report.reporter is None
    assert report.reporter_email == "r@e.org"
    assert report.status == ReportStatus.OPEN


def test_signed_in_report_is_credited_to_the_reader(client: Client) -> None:
    reader = UserFactory()
    client.force_login(reader)
    client.post(report_url(WorkFactory()), {"reason": "spam", "details": "An advert."})
    assert Report.objects.get().reporter == reader


def test_report_without_details_is_refused_with_a_form_error(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), {"reason": "spam", "details": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not Report.objects.exists()


def test_guest_cannot_report_a_restricted_work_they_cannot_see(client: Client) -> None:
    work = WorkFactory(restricted=True)
    assert client.get(report_url(work)).status_code == 404
    assert client.post(report_url(work), {"reason": "spam", "details": "x"}).status_code == 404


def test_reports_are_rate_limited_per_address(client: Client) -> None:
    work = WorkFactory()
    codes = [
        client.post(report_url(work), {"reason": "spam", "details": f"n{i}"}).status_code
        for i in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert Report.objects.count() == 10


def test_admin_hides_the_reported_work_from_the_queue(admin_client: Client) -> None:
    work = WorkFactory()
    Report.objects.create(work=work, reason="ratings", details="Wrong rating")
    response = admin_client.post(
        "/admin/moderation/report/",
        {"action": "hide_reported_works", "_selected_action": [Report.objects.get().pk]},
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.is_hidden_by_admin
    assert Report.objects.get().status == ReportStatus.RESOLVED


def test_hidden_work_is_gone_for_readers(client: Client, admin_client: Client) -> None:
    work = WorkFactory()
    admin_client.post("/admin/works/work/", {"action": "hide", "_selected_action": [work.pk]})
    assert client.get(work.get_absolute_url()).status_code == 404


def test_admin_site_is_closed_to_readers(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/admin/moderation/report/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reader_reports_a_comment(client: Client) -> None:
    from tests.social.factories import CommentFactory

    comment = CommentFactory()
    response = client.post(
        f"/comments/{comment.pk}/report/", {"reason": "harassment", "details": "Threats."}
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
    admin_client.post(
        "/admin/moderation/report/",
        {"action": "delete_reported_comments", "_selected_action": [report.pk]},
    )
    assert not Comment.objects.filter(pk=comment.pk, is_deleted=False).exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED


def test_report_form_offers_only_real_reasons_and_ticks_none(client: Client) -> None:
    page = client.get(report_url(WorkFactory())).content.decode()

    reasons = re.findall(r'<input type="radio" name="reason" value="([^"]*)"[^>]*>', page)
    assert reasons == ["ratings", "spam", "harassment", "plagiarism", "other"]
    assert "---------" not in page
    assert not re.search(r'name="reason"[^>]*checked', page)


def test_report_without_a_reason_asks_for_one_and_saves_nothing(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), {"details": "Something is off."})

    assert response.status_code == 200
    assert "Choose what is wrong." in response.content.decode()
    assert "Something is off." in response.content.decode()
    assert not Report.objects.exists()


def test_report_with_the_blank_reason_is_refused(client: Client) -> None:
    response = client.post(report_url(WorkFactory()), {"reason": "", "details": "x"})

    assert "Choose what is wrong." in response.content.decode()
    assert not Report.objects.exists()
