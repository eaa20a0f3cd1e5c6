"""A writer's statistics page: only they see it; its numbers are the ones every other page
shows (the works' stored counters, subscriptions to each work); per work and per year,
filtered by year, sorted by any column; its charts are SVG with no script or style."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social import actions as social_actions
from ficshelf.social import counters
from ficshelf.social.stats_chart import Bar, bar_chart
from ficshelf.works.models import Creatorship, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

STATS = "/users/wren/stats/"


def writer(username: str = "wren") -> User:
    user = UserFactory(username=username)
    PseudFactory(user=user, name=username)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def work_by(user: User, title: str, published: datetime.date, **fields: object) -> Work:
    return WorkFactory(
        title=title,
        creator=user.pseuds.get(is_default=True),
        published_on=published,
        **fields,
    )


def table_rows(html: str) -> list[list[str]]:
    """The per-work table's body rows as text cells (title first)."""
    table = re.search(r'aria-labelledby="works-table-heading">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, "no per-work table"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def titles(html: str) -> list[str]:
    return [row[0] for row in table_rows(html)]


@pytest.fixture
def member_with_works() -> User:
    member = writer()
    readers = [writer(f"reader{n}") for n in range(3)]
    old = work_by(member, "Autumn Leaves", datetime.date(2023, 10, 1), word_count=1200)
    new = work_by(member, "Spring Rain", datetime.date(2024, 4, 2), word_count=800)
    work_by(member, "Winter Draft", datetime.date(2024, 1, 1), draft=True, word_count=50)
    counters.add_hits({old.pk: 40, new.pk: 90})
    for reader in readers:
        social_actions.leave_kudos(new, actor=reader)
    social_actions.leave_kudos(old, actor=readers[0])
    social_actions.post_comment(old.chapters.get(), actor=readers[1], text="<p>Lovely.</p>")
    again = social_actions.post_comment(old.chapters.get(), actor=readers[2], text="<p>Again!</p>")
    # A reply adds to the comments, not to the threads the page counts.
    social_actions.post_comment(
        old.chapters.get(), actor=readers[0], text="<p>Agreed.</p>", parent=again
    )
    social_actions.save_bookmark(actor=readers[0], work=new, notes="")
    social_actions.subscribe(actor=readers[0], work=old)
    social_actions.subscribe(actor=readers[1], work=old)
    social_actions.subscribe(actor=readers[2], creator=member)
    return member


def test_only_the_member_sees_their_statistics(client: Client) -> None:
    writer()
    guest = client.get(STATS)
    other = signed_in(writer("robin")).get(STATS)

    assert guest.status_code == 302 and reverse("accounts:login") in guest["Location"]
    assert other.status_code == 404


def test_the_numbers_are_the_works_stored_counts(member_with_works: User) -> None:
    html = signed_in(member_with_works).get(STATS).content.decode()

    # Work, published, words, hits, kudos, comment threads, bookmarks, subscriptions.
    assert table_rows(html) == [
        ["Spring Rain", "2024-04-02", "800", "90", "3", "0", "1", "0"],
        ["Autumn Leaves", "2023-10-01", "1,200", "40", "1", "2", "0", "2"],
    ]
    for work in Work.objects.filter(is_posted=True):
        assert f"<td>{work.hits_count}</td>" in html
    assert "Winter Draft" not in html  # drafts have no readers yet
    assert '<a href="?sort=threads&amp;order=desc">Comment threads</a>' in html
    assert re.search(r"<dt>Subscribers to you</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Hits</dt><dd>130</dd>", html)
    assert re.search(r"Total \(2 works\)</th><td></td><td>2,000</td><td>130</td><td>4</td>", html)


def test_the_page_reads_no_count_again(member_with_works: User) -> None:
    """The stored counters are the truth even when they disagree with the rows beneath:
    the page must show what the work page shows."""
    work = Work.objects.get(title="Autumn Leaves")
    counters.add_kudos(work.pk, 10)  # as if ten kudos were counted and their rows purged

    html = signed_in(member_with_works).get(STATS).content.decode()

    assert table_rows(html)[1][4] == "11"


def test_works_a_member_was_only_invited_to_are_not_theirs(member_with_works: User) -> None:
    other = writer("robin")
    invited = WorkFactory(title="Robin's Story", creator=other.pseuds.get())
    Creatorship.objects.create(
        work=invited, pseud=member_with_works.pseuds.get(), is_approved=False
    )

    html = signed_in(member_with_works).get(STATS).content.decode()

    assert "Robin&#x27;s Story" not in html and "Robin's Story" not in html


def test_a_year_shows_the_works_published_in_it(member_with_works: User) -> None:
    html = signed_in(member_with_works).get(STATS, {"year": "2023"}).content.decode()

    assert titles(html) == ["Autumn Leaves"]
    assert "Works published in 2023" in html
    assert '<option value="2023" selected>' in html


def test_the_per_year_table_sums_each_year(member_with_works: User) -> None:
    html = signed_in(member_with_works).get(STATS).content.decode()

    years = re.search(r'aria-labelledby="years-table-heading">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert years
    lines = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", years.group(1), re.S)
    ]
    assert lines == [
        ["2024", "1", "800", "90", "3", "0", "1", "0"],
        ["2023", "1", "1,200", "40", "1", "2", "0", "2"],
    ]


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("title", "asc", ["Autumn Leaves", "Spring Rain"]),
        ("title", "desc", ["Spring Rain", "Autumn Leaves"]),
        ("date", "desc", ["Spring Rain", "Autumn Leaves"]),
        ("date", "asc", ["Autumn Leaves", "Spring Rain"]),
        ("words", "desc", ["Autumn Leaves", "Spring Rain"]),
        ("hits", "desc", ["Spring Rain", "Autumn Leaves"]),
        ("hits", "asc", ["Autumn Leaves", "Spring Rain"]),
        ("kudos", "desc", ["Spring Rain", "Autumn Leaves"]),
        ("threads", "desc", ["Autumn Leaves", "Spring Rain"]),
        ("threads", "asc", ["Spring Rain", "Autumn Leaves"]),
        ("bookmarks", "desc", ["Spring Rain", "Autumn Leaves"]),
        ("subscriptions", "desc", ["Autumn Leaves", "Spring Rain"]),
        ("subscriptions", "asc", ["Spring Rain", "Autumn Leaves"]),
    ],
)
def test_every_column_sorts(
    member_with_works: User, sort: str, order: str, expected: list[str]
) -> None:
    html = signed_in(member_with_works).get(STATS, {"sort": sort, "order": order}).content.decode()

    assert titles(html) == expected
    direction = "descending" if order == "desc" else "ascending"
    assert re.search(rf'<th scope="col" aria-sort="{direction}"><a href="\?sort={sort}&amp;', html)
    assert html.count("aria-sort=") == 1


def test_the_sorted_column_turns_round_and_keeps_the_year(member_with_works: User) -> None:
    html = (
        signed_in(member_with_works)
        .get(STATS, {"sort": "kudos", "order": "desc", "year": "2024"})
        .content.decode()
    )

    assert 'href="?sort=kudos&amp;order=asc&amp;year=2024"' in html
    assert 'href="?sort=hits&amp;order=desc&amp;year=2024"' in html
    assert 'href="?sort=title&amp;order=asc&amp;year=2024"' in html


@pytest.mark.parametrize(
    "query", [{"year": "1999"}, {"year": "soon"}, {"sort": "password"}, {"order": "sideways"}]
)
def test_a_bad_address_gets_a_400_with_the_usual_page(
    member_with_works: User, query: dict[str, str]
) -> None:
    response = signed_in(member_with_works).get(STATS, query)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert titles(html) == ["Spring Rain", "Autumn Leaves"]  # every year, most hits first


def test_the_charts_are_svg_with_a_title_and_the_numbers_described(
    member_with_works: User,
) -> None:
    html = signed_in(member_with_works).get(STATS, {"sort": "kudos"}).content.decode()

    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) == 2  # per work, and per year (two years)
    works_chart = charts[0]
    assert 'role="img"' in works_chart
    assert '<title id="works-chart-title">Kudos: the 2 works with the most</title>' in works_chart
    assert "Spring Rain: 3; Autumn Leaves: 1" in works_chart
    for chart in charts:
        assert "<script" not in chart and "style=" not in chart and " on" not in chart


def test_one_years_works_get_no_per_year_chart(member_with_works: User) -> None:
    html = signed_in(member_with_works).get(STATS, {"year": "2024"}).content.decode()

    assert len(re.findall(r"<svg", html)) == 1


def test_a_hostile_title_stays_text_in_the_table_and_the_chart() -> None:
    member = writer()
    work_by(
        member, '<script>alert("t")</script><img src=x onerror=alert(1)>', datetime.date(2024, 1, 1)
    )

    html = signed_in(member).get(STATS).content.decode()

    assert '<script>alert("t")' not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)" in html


def test_a_member_without_works_gets_an_empty_page() -> None:
    member = writer()

    response = signed_in(member).get(STATS)

    assert response.status_code == 200
    assert "No posted works yet." in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_bars_are_as_long_as_their_share_of_the_largest() -> None:
    svg = bar_chart(
        [Bar("Big", 1000), Bar("Half", 500), Bar("None", 0), Bar("One", 1)], title="T", chart_id="c"
    )

    widths = [int(w) for w in re.findall(r'<rect class="bar" x="\d+" y="0" width="(\d+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert widths[3] == 2  # a sliver, not nothing


def test_long_titles_are_shortened_in_the_chart_only() -> None:
    title = "A Very Long Title That Goes On And On Past Any Label"
    svg = bar_chart([Bar(title, 5)], title="T", chart_id="c")

    assert title in svg  # in the description, whole
    assert "A Very Long Title Tha…" in svg
