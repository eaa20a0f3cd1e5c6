from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from ficshelf.downloads.formats import FORMATS
from ficshelf.downloads.names import url_slug
from ficshelf.works.models import Work

register = template.Library()


@dataclass(frozen=True)
class DownloadLink:
    label: str
    url: str  # "" when the format is not available yet


@register.simple_tag
def download_links(work: Work) -> list[DownloadLink]:
    slug = url_slug(work.title)
    return [
        DownloadLink(
            download_format.label,
            reverse("downloads:work", args=[work.pk, slug, download_format.extension])
            if download_format.is_available
            else "",
        )
        for download_format in FORMATS
    ]
