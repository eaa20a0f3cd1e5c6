"""What the site frame (base.html) shows of this app: ``{% site_banner %}``, the banner at the
top of every page unless this member or guest dismissed it, and ``{% site_page_links %}``,
the footer's links to the site pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ficshelf.accounts.models import User
from ficshelf.sitecontent.actions import has_dismissed
from ficshelf.sitecontent.state import guest_dismissed, site_content

register = template.Library()


@register.simple_tag(takes_context=True)
def site_banner(context: template.Context) -> SafeString:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return mark_safe("")
    banner = site_content(request).banner_now()
    if banner is None:
        return mark_safe("")
    user = request.user
    if isinstance(user, User):
        if has_dismissed(user, banner.pk):
            return mark_safe("")
    elif guest_dismissed(request, banner):
        return mark_safe("")
    html = render_to_string(
        "sitecontent/_banner.html",
        {"banner": banner, "banner_html": mark_safe(banner.text), "next": request.get_full_path()},  # noqa: S308 (sanitized when set)
        request=request,
    )
    return mark_safe(html)  # noqa: S308 (rendered by our template)


# The footer's links, in AO3's order (the names are the pages' own, fixed).
FOOTER_PAGES = [
    ("terms", "Terms of Service"),
    ("privacy", "Privacy Policy"),
    ("content-policy", "Content Policy"),
    ("faq", "FAQ"),
    ("about", "About"),
]


@register.simple_tag
def site_page_links() -> SafeString:
    """The footer's links to the site pages and news, on every page: reversed once a
    process (as ``{% fixed_url %}`` does for the header)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _page_links(str(urlconf), get_script_prefix())


@lru_cache(maxsize=8)
def _page_links(urlconf: str, script_prefix: str) -> SafeString:
    links = [
        (reverse("sitecontent:page", args=[slug], urlconf=urlconf), label)
        for slug, label in FOOTER_PAGES
    ]
    links.append((reverse("sitecontent:news", urlconf=urlconf), "News"))
    items = "".join(format_html('<li><a href="{}">{}</a></li>', url, label) for url, label in links)
    return format_html('<ul class="site-page-links">{}</ul>', mark_safe(items))  # noqa: S308 (escaped above)
