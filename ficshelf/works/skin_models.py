"""Work skins: CSS a creator writes for their works (AO3's work skins).

The CSS is stored as ``core.css_sanitizer`` cleaned it, every rule under the work text's
container (``#workskin``), and served as a stylesheet of its own at an address that
carries a digest of it (``works.skin_views``): the work page links it, never inlines it
(the Content-Security-Policy forbids inline styles), and a browser keeps it until the
skin changes, which changes the address.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from ficshelf.core.public_skins import ReviewableSkin, owner_field
from ficshelf.core.skin_image_hosts import skin_stylesheet_version


class WorkSkin(ReviewableSkin):
    # Once approved as public (``core.public_skins``) any creator may choose it.
    owner = owner_field("work_skins")
    title = models.CharField(max_length=255)
    css = models.TextField(blank=True)  # cleaned, scoped under #workskin
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def version(self) -> str:
        return stylesheet_version(self.css)

    def stylesheet_url(self) -> str:
        return reverse("works:skin_stylesheet", args=[self.pk, self.version])


def stylesheet_version(css: str) -> str:
    """What a skin's address carries: a digest of its CSS (and of the image hosts, for a
    skin with images), so a change is a new address."""
    return skin_stylesheet_version(css)
