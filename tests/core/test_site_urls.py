"""``{% fixed_url %}``: addresses of routes without arguments, reversed once a process."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix


def render(source: str) -> str:
    return Template("{% load site_urls %}" + source).render(Context())


def test_it_gives_what_reverse_gives() -> None:
    assert render("{% fixed_url 'accounts:login' %}") == reverse("accounts:login")
    assert render("{% fixed_url 'works:new' as url %}[{{ url }}]") == f"[{reverse('works:new')}]"


def test_an_archive_mounted_under_a_prefix_gets_prefixed_addresses() -> None:
    set_script_prefix("/archive/")
    try:
        assert render("{% fixed_url 'accounts:login' %}").startswith("/archive/")
    finally:
        set_script_prefix("/")
    assert not render("{% fixed_url 'accounts:login' %}").startswith("/archive/")


def test_an_unknown_route_is_an_error_not_an_empty_link() -> None:
    with pytest.raises(NoReverseMatch):
        render("{% fixed_url 'nowhere:at_all' %}")
