"""``{% fixed_url 'name' %}``: the address of a route that takes no arguments.

The site header and head links ask for a dozen such addresses on every page, and reversing
one costs about as much as rendering the rest of the header; their answers never change
while the process runs, so each is reversed once. Routes with arguments use ``{% url %}``.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(str(urlconf), get_script_prefix(), name)


@lru_cache(maxsize=256)
def _reversed(urlconf: str, script_prefix: str, name: str) -> str:
    # The key holds what reverse() reads besides the name: a test that swaps the URLconf,
    # or a server mounted under a prefix, gets its own answers.
    return reverse(name, urlconf=urlconf)
