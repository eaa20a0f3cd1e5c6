"""Tag names in URLs: AO3's star escapes, and every name reaches its own page."""

from __future__ import annotations

from urllib.parse import unquote

from django.urls import resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from ficshelf.tags.naming import (
    TagNameConverter,
    star_escape,
    tag_from_url_part,
    tag_to_url_part,
)

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda n: n.strip() == n and n != "autocomplete"
)


def test_ao3_escapes() -> None:
    assert tag_to_url_part("F/M") == "F*s*M"
    assert tag_to_url_part("Dr. Who & Co?") == "Dr*d*%20Who%20*a*%20Co*q*"
    assert tag_from_url_part("F*s*M") == "F/M"


@given(names)
def test_url_parts_round_trip(name: str) -> None:
    assert tag_from_url_part(tag_to_url_part(name)) == name
    assert "/" not in star_escape(name)


@given(names)
def test_reversed_tag_urls_resolve_to_the_same_name(name: str) -> None:
    path = reverse("tags:show", kwargs={"tag": name})
    # What a browser sends is percent-decoded before URL patterns see it.
    assert resolve(unquote(path)).kwargs["tag"] == name


def test_converter_does_not_decode_percent_twice() -> None:
    assert TagNameConverter().to_python("50%2F50") == "50%2F50"
