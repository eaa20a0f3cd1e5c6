"""Blurbs built in Python (``works.blurb_html``): what they show, escaped, as the reader's
preferences ask, and written as the templates they replaced wrote them."""

from __future__ import annotations

import datetime
import inspect
import random
import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as format_date
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

from ficshelf.accounts.models import Preference, User
from ficshelf.social.counters import add_kudos
from ficshelf.tags.models import TagType
from ficshelf.tags.templatetags.tag_urls import tag_link
from ficshelf.works import blurb_html
from ficshelf.works.blurb_html import BlurbLinks
from ficshelf.works.models import Creatorship, Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db


def blurb(work: Work, preference: Preference | None = None) -> str:
    """The blurb as a listing shows it (through the template tag and the kept blurbs)."""
    loaded = Work.objects.for_blurbs().filter(pk=work.pk)
    context = Context({"works": loaded, "reader_preferences": preference})
    return Template("{% load work_display %}{% work_blurbs works %}").render(context)


def add_tags(work: Work, tag_type: str, *names: str) -> None:
    work.tags.add(*(TagFactory(name=name, type=tag_type) for name in names))


def test_a_title_and_tag_names_with_markup_are_shown_as_text() -> None:
    work = WorkFactory(title='<b>Bold</b> & "Quoted"')
    add_tags(work, TagType.FREEFORM, "<script>alert(1)</script>")
    add_tags(work, TagType.FANDOM, "Fandom <i>& Co</i>")

    html = blurb(work)

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Quoted&quot;</a>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in html
    assert "Fandom &lt;i&gt;&amp; Co&lt;/i&gt;</a>" in html
    assert "<script>" not in html and "<b>Bold" not in html


def test_series_titles_pseud_names_and_languages_are_escaped_too() -> None:
    pseud = PseudFactory(name="Pen <Name>", user=UserFactory(username="pen"))
    work = WorkFactory(creator=pseud)
    series = Series.objects.create(title="Arc <One>")
    SeriesWork.objects.create(series=series, work=work, position=1)

    html = blurb(work)

    assert "Pen &lt;Name&gt; (pen)</a>" in html
    assert "Arc &lt;One&gt;</a>" in html
    assert "<Name>" not in html and "<One>" not in html


def test_the_summary_is_shown_as_stored_sanitized() -> None:
    work = WorkFactory(summary="<p>It <em>begins</em>.</p>")
    assert '<blockquote class="userstuff summary"><p>It <em>begins</em>.</p></blockquote>' in (
        blurb(work)
    )


def test_warnings_are_hidden_when_the_reader_asks() -> None:
    work = WorkFactory()
    add_tags(work, TagType.WARNING, "Graphic Depictions Of Violence")
    hiding = Preference.objects.create(user=UserFactory(), hide_warnings=True)

    shown, hidden = blurb(work), blurb(work, preference=hiding)

    assert 'title="Graphic Depictions Of Violence"' in shown
    assert '<li class="warning"><strong><a class="tag"' in shown
    symbol = re.search(r'<span class="symbol warnings [^"]*" title="([^"]*)"', hidden)
    assert symbol is not None
    assert symbol.group(1) == "Archive warnings (hidden by your preferences)"
    assert '<span class="visually-hidden">Archive warnings (hidden by your preferences)</span>' in (
        hidden
    )
    assert 'title="Graphic Depictions Of Violence"' not in hidden
    assert '<li class="warning">' not in hidden
    # Still there for a reader who asks, folded away.
    assert '<li class="warnings hidden-tags"><details><summary>Show warnings</summary>' in hidden


def test_additional_tags_are_hidden_when_the_reader_asks() -> None:
    work = WorkFactory()
    add_tags(work, TagType.FREEFORM, "Angst", "Fluff")
    add_tags(work, TagType.CHARACTER, "Sakura")
    hiding = Preference.objects.create(user=UserFactory(), hide_freeform_tags=True)

    shown, hidden = blurb(work), blurb(work, preference=hiding)

    assert shown.count('<li class="freeform">') == 2
    assert '<li class="freeform">' not in hidden
    assert '<li class="character">' in hidden  # only additional tags are hidden
    folded = re.search(r'<li class="freeforms hidden-tags">(.*?)</li>', hidden)
    assert folded is not None
    assert "<summary>Show additional tags</summary>" in folded.group(1)
    assert ">Angst</a>, <a" in folded.group(1) and ">Fluff</a>" in folded.group(1)


def test_series_parts_link_to_their_series() -> None:
    work = WorkFactory()
    first = Series.objects.create(title="First Arc")
    second = Series.objects.create(title="Second Arc")
    SeriesWork.objects.create(series=first, work=work, position=2)
    SeriesWork.objects.create(series=second, work=work, position=7)

    html = blurb(work)

    assert (
        f'<li>Part <strong>2</strong> of <a href="{reverse("works:series", args=[first.pk])}">'
        "First Arc</a></li>"
    ) in html
    assert f'Part <strong>7</strong> of <a href="/series/{second.pk}/">Second Arc</a>' in html


def test_comments_kudos_and_bookmarks_show_once_there_are_some_and_hits_always() -> None:
    work = WorkFactory(word_count=12345)
    html = blurb(work)
    assert '<dd class="words">12,345</dd>' in html
    assert '<dd class="hits">0</dd>' in html
    for stat in ("comments", "kudos", "bookmarks"):
        assert f'class="{stat}"' not in html

    Work.objects.filter(pk=work.pk).update(comments_count=1200, bookmarks_count=3, hits_count=9876)
    add_kudos(work.pk, +2)
    html = blurb(work)
    assert '<div><dt class="comments">Comments:</dt> <dd class="comments">1,200</dd></div>' in html
    assert '<dd class="kudos">2</dd>' in html
    assert '<dd class="bookmarks">3</dd>' in html
    assert '<dd class="hits">9,876</dd>' in html


def test_bylines_link_members_and_imported_creators_but_not_suspended_members() -> None:
    member = PseudFactory(name="wren", user=UserFactory(username="wren"))
    outside = PseudFactory(name="Elsewhere", user=None)
    suspended = PseudFactory(name="gone", user=UserFactory(username="gone", is_active=False))
    work = WorkFactory(creator=member)
    for pseud in (outside, suspended):
        Creatorship.objects.create(work=work, pseud=pseud)
    anonymous = WorkFactory()
    Creatorship.objects.filter(work=anonymous).delete()

    byline = re.search(r'<span class="by">by</span> (.*?)</h2>', blurb(work))
    assert byline is not None
    assert byline.group(1) == ", ".join(  # in the order they were credited
        [
            '<span class="pseud"><a rel="author" href="/users/wren/">wren</a></span>',
            f'<span class="pseud"><a rel="author" href="/creators/{outside.pk}/">'
            "Elsewhere</a></span>",
            '<span class="pseud">gone</span>',
        ]
    )
    assert '<span class="by">by</span> <span class="pseud">Anonymous</span></h2>' in (
        blurb(anonymous)
    )


def test_search_snippets_are_shown_as_the_search_made_them() -> None:
    work = WorkFactory()
    loaded = Work.objects.for_blurbs().get(pk=work.pk)
    loaded.search_snippets = [mark_safe("the <mark>dragon</mark> slept"), "a <plain> text"]  # type: ignore[attr-defined]

    html = blurb_html.blurb_html(loaded, None, BlurbLinks())

    assert (
        '<div class="snippets"><h3 class="snippets-heading">From the text</h3><ul>'
        "<li><p>the <mark>dragon</mark> slept</p></li><li><p>a &lt;plain&gt; text</p></li>"
        "</ul></div>"
    ) in html


@pytest.mark.parametrize("language", ["en", "de", "fr", "pl"])
def test_dates_are_written_as_the_date_filter_writes_them(language: str) -> None:
    rng = random.Random(11)
    days = [datetime.date(1, 1, 1), datetime.date(999, 12, 31), datetime.date(2026, 3, 5)]
    days += [datetime.date.fromordinal(rng.randrange(700_000, 760_000)) for _ in range(300)]
    with translation.override(language):
        for day in days:
            expected = (
                f'<time datetime="{format_date(day, "Y-m-d")}">{format_date(day, "d M Y")}</time>'
            )
            assert blurb_html._day(day) == expected


def test_a_blurb_in_another_language_shows_the_month_in_it() -> None:
    work = WorkFactory(updated_on=datetime.date(2026, 3, 5))
    with translation.override("de"):
        assert '<time datetime="2026-03-05">05 Mär 2026</time>' in blurb(work)


def test_links_are_those_reverse_and_tag_link_give_under_the_request_prefix() -> None:
    set_script_prefix("/archive/")
    try:
        links = BlurbLinks()
        for pk in (1, 42, 918273645):
            assert links.work_url(pk) == reverse("works:detail", args=[pk])
            assert links.series_url(pk) == reverse("works:series", args=[pk])
            assert links.external_creator_url(pk) == reverse("works:external_creator", args=[pk])
        for username in ("wren", "zoë.δ+x@y-1", "a b%20c"):
            assert links.profile_url(username) == reverse("users:profile", args=[username])
        for name in ("F/M", "Kakashi & <Sakura>", "50% * ?#"):
            tag = TagFactory(name=name)
            assert links.tag_link(tag) == tag_link(tag) == links.tag_link(tag)
        assert links.work_url(7).startswith("/archive/")
        assert 'href="/archive/tags/' in links.tag_link(tag)
    finally:
        set_script_prefix("/")


def test_kept_blurbs_are_keyed_on_every_module_the_builder_takes_names_from() -> None:
    """A change to any code that writes blurbs must give new keys (``kept_blurbs``)."""
    covered = {module.__name__ for module in blurb_html.code_modules()}
    used = {
        module.__name__
        for value in vars(blurb_html).values()
        if (module := inspect.getmodule(value)) is not None
    }
    assert {name for name in used if name.startswith("ficshelf.")} <= covered


def test_a_member_renamed_or_suspended_gets_a_new_blurb() -> None:
    pseud = PseudFactory(name="wren", user=UserFactory(username="wren"))
    work = WorkFactory(creator=pseud)
    assert 'href="/users/wren/"' in blurb(work)
    User.objects.filter(username="wren").update(is_active=False)
    assert '<span class="pseud">wren</span>' in blurb(work)
