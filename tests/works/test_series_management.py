"""Managing a series: its fields (sanitized), the order of its works, co-creators (invited,
accepted, refused), deleting it (its works stay), a work in several series."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import Block, Preference, User
from ficshelf.search.models import IndexQueueEntry
from ficshelf.works.models import Series, SeriesCreatorship, SeriesWork, Work
from tests.works.factories_posting import posted_work, pseud_of, work_form_data, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client: Client) -> User:
    user = writer("author")
    client.force_login(user)
    return user


def saga_of(user: User, *titles: str) -> Series:
    first = posted_work(user, title=titles[0], new_series_title="Saga")
    series = first.series_works.get().series
    for title in titles[1:]:
        posted_work(user, title=title, series=series)
    return series


def edit_data(**overrides: str) -> dict[str, str]:
    data = {"title": "Saga Retold", "summary": "", "notes": "", "is_complete": ""}
    data.update(overrides)
    return data


def test_creator_edits_the_series_fields(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    IndexQueueEntry.objects.all().delete()
    response = client.post(
        f"/series/{series.pk}/edit/",
        edit_data(summary="<p>A <em>long</em> tale</p>", notes="Notes here", is_complete="on"),
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.title == "Saga Retold"
    assert series.summary == "<p>A <em>long</em> tale</p>"
    assert series.is_complete
    # Blurbs name the series: its works are queued, which moves the kept listings' keys.
    work = Work.objects.get(title="One")
    assert IndexQueueEntry.objects.filter(work_id=work.pk).exists()
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert "Saga Retold" in html and "<em>long</em>" in html and "Complete: Yes" in html


def test_series_fields_are_sanitized(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    client.post(
        f"/series/{series.pk}/edit/",
        edit_data(
            summary='<p onclick="x()">Hi</p><script>alert(1)</script>',
            notes='<img src=x onerror="alert(2)"><a href="javascript:alert(3)">link</a>',
        ),
    )
    series.refresh_from_db()
    for field in (series.summary, series.notes):
        assert "<script" not in field and "onerror" not in field and "onclick" not in field
        assert "javascript:" not in field
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert "alert(1)" not in html and "onerror" not in html


def test_a_blank_title_is_refused_and_nothing_is_written(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    response = client.post(f"/series/{series.pk}/edit/", edit_data(title="  ", notes="new"))
    assert response.status_code == 400
    assert "Give the series a title." in response.content.decode()
    series.refresh_from_db()
    assert series.title == "Saga" and series.notes == ""


def test_someone_else_cannot_manage_the_series(client: Client) -> None:
    series = saga_of(writer("owner"), "One")
    client.force_login(writer("stranger"))
    assert client.get(f"/series/{series.pk}/edit/").status_code == 404
    assert client.post(f"/series/{series.pk}/edit/", edit_data()).status_code == 404
    assert client.post(f"/series/{series.pk}/delete/").status_code == 404
    series.refresh_from_db()
    assert series.title == "Saga"
    assert "Manage series" not in client.get(f"/series/{series.pk}/").content.decode()


def test_guests_are_sent_to_sign_in(client: Client) -> None:
    series = saga_of(writer("owner"), "One")
    response = client.post(f"/series/{series.pk}/edit/", edit_data())
    assert response.status_code == 302 and "login" in response["Location"]
    assert Series.objects.get().title == "Saga"


def test_creator_reorders_the_works(client: Client, author: User) -> None:
    series = saga_of(author, "One", "Two", "Three")
    ids = {w.title: w.pk for w in Work.objects.all()}
    response = client.post(
        f"/series/{series.pk}/order/",
        {f"part_{ids['One']}": "3", f"part_{ids['Two']}": "1", f"part_{ids['Three']}": "2"},
    )
    assert response.status_code == 302
    order = list(series.series_works.order_by("position").values_list("work__title", flat=True))
    assert order == ["Two", "Three", "One"]
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert html.index("Two") < html.index("Three") < html.index(">One<")


def test_a_reorder_with_repeated_numbers_is_refused(client: Client, author: User) -> None:
    series = saga_of(author, "One", "Two")
    ids = {w.title: w.pk for w in Work.objects.all()}
    response = client.post(
        f"/series/{series.pk}/order/", {f"part_{ids['One']}": "1", f"part_{ids['Two']}": "1"}
    )
    assert response.status_code == 400
    assert "different number" in response.content.decode()
    order = list(series.series_works.order_by("position").values_list("work__title", flat=True))
    assert order == ["One", "Two"]


def test_deleting_a_series_keeps_its_works(client: Client, author: User) -> None:
    series = saga_of(author, "One", "Two")
    assert "Delete the series" in client.get(f"/series/{series.pk}/delete/").content.decode()
    response = client.post(f"/series/{series.pk}/delete/")
    assert response.status_code == 302
    assert not Series.objects.exists() and not SeriesWork.objects.exists()
    assert Work.objects.count() == 2
    assert all(IndexQueueEntry.objects.filter(work_id=w.pk).exists() for w in Work.objects.all())


def test_invited_co_creator_accepts_edits_and_adds_a_work(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    friend = writer("friend")
    response = client.post(f"/series/{series.pk}/invite/", {"name": "friend"})
    assert response.status_code == 302
    invitation = SeriesCreatorship.objects.get()
    assert not invitation.is_approved
    client.force_login(friend)
    # Not yet theirs: invited is not accepted.
    assert client.get(f"/series/{series.pk}/edit/").status_code == 404
    dashboard = client.get("/dashboard/").content.decode()
    assert "Series co-creator invitations" in dashboard and "Saga" in dashboard
    client.post(f"/series-invitations/{invitation.pk}/", {"answer": "accept"})
    assert client.get(f"/series/{series.pk}/edit/").status_code == 200
    assert "friend" in client.get(f"/series/{series.pk}/").content.decode()
    # Their posting form offers the series, and their work joins it as part two.
    client.post("/works/new/", work_form_data(title="Friend's Part", series=series.pk))
    part = SeriesWork.objects.get(work__title="Friend's Part")
    assert part.series == series and part.position == 2


def test_declining_a_series_invitation_removes_it(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    friend = writer("friend")
    invitation = SeriesCreatorship.objects.create(series=series, pseud=pseud_of(friend))
    client.force_login(friend)
    client.post(f"/series-invitations/{invitation.pk}/", {"answer": "decline"})
    assert not SeriesCreatorship.objects.exists()
    assert client.get(f"/series/{series.pk}/edit/").status_code == 404


def test_someone_else_cannot_answer_an_invitation(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    invitation = SeriesCreatorship.objects.create(series=series, pseud=pseud_of(writer("friend")))
    client.force_login(writer("thief"))
    assert (
        client.post(f"/series-invitations/{invitation.pk}/", {"answer": "accept"}).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert not invitation.is_approved


def test_a_member_refusing_co_creation_cannot_be_invited(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    shy = writer("shy")
    Preference.objects.update_or_create(user=shy, defaults={"refuse_co_creator_invitations": True})
    response = client.post(f"/series/{series.pk}/invite/", {"name": "shy"})
    assert response.status_code == 400
    assert "does not accept co-creator invitations" in response.content.decode()
    assert not SeriesCreatorship.objects.exists()


def test_a_member_who_blocked_you_cannot_be_invited(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    Block.objects.create(blocker=writer("wary"), blocked=author)
    response = client.post(f"/series/{series.pk}/invite/", {"name": "wary"})
    assert response.status_code == 400
    assert not SeriesCreatorship.objects.exists()


def test_an_unknown_name_is_a_form_error(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    response = client.post(f"/series/{series.pk}/invite/", {"name": "nobody-here"})
    assert response.status_code == 400
    assert "No member here is called nobody-here." in response.content.decode()


def test_a_work_can_be_in_several_series(client: Client, author: User) -> None:
    saga = saga_of(author, "One")
    other = posted_work(author, title="Elsewhere", new_series_title="Other").series_works.get()
    work = Work.objects.get(title="One")
    data = work_form_data(title="One", series=other.series_id, series_position="2")
    client.post(f"/works/{work.pk}/edit/", data)
    assert set(work.series_works.values_list("series__title", flat=True)) == {"Saga", "Other"}
    page = client.get(work.get_absolute_url()).content.decode()
    assert f'href="/series/{saga.pk}/"' in page and f'href="/series/{other.series_id}/"' in page
    # Leaving one keeps the other.
    client.post(f"/works/{work.pk}/edit/", work_form_data(title="One", leave_series=[saga.pk]))
    assert list(work.series_works.values_list("series__title", flat=True)) == ["Other"]


def test_a_co_creator_leaves_the_series(client: Client, author: User) -> None:
    series = saga_of(author, "One")
    friend = writer("friend")
    SeriesCreatorship.objects.create(series=series, pseud=pseud_of(friend), is_approved=True)
    client.force_login(friend)
    assert "Remove me as co-creator" in client.get(f"/series/{series.pk}/edit/").content.decode()
    client.post(f"/series/{series.pk}/leave/")
    assert not SeriesCreatorship.objects.exists()
    assert client.get(f"/series/{series.pk}/edit/").status_code == 404
    assert Series.objects.get().title == "Saga"
