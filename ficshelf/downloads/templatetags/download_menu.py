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
    url: str  # "" when the format is not available here
    unavailable_reason: str = ""
    # A file the worker makes is first answered by a "being prepared" page, which a
    # link with the download attribute would save as the file: those open normally.
    is_direct: bool = True


@register.simple_tag
def download_links(work: Work) -> list[DownloadLink]:
    slug = url_slug(work.title)
    links = []
    for download_format in FORMATS:
        if download_format.is_available:
            url = reverse("downloads:work", args=[work.pk, slug, download_format.extension])
            links.append(
                DownloadLink(
                    download_format.label, url, is_direct=not download_format.is_made_by_worker
                )
            )
        else:
            reason = download_format.unavailable_reason or "not available"
            links.append(DownloadLink(download_format.label, "", reason))
    return links
