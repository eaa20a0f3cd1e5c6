"""Pseud icons: what a member uploads becomes a 100×100 PNG (AO3's icon size), checked
before anything is decoded (``core.uploaded_images``)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile

from ficshelf.core.uploaded_images import ImageLimits, checked_image, square_png

ICON_SIDE = 100
# An icon is shown at 100×100: a larger source only costs decoding time. 2000×2000 is
# 4 megapixels, about 16 MB decoded, whatever the file's own size.
ICON_LIMITS = ImageLimits(max_bytes=500_000, max_width=2000, max_height=2000)


def icon_from_upload(upload: UploadedFile) -> bytes:
    """The icon made from ``upload``; a ``ValidationError`` saying why when it cannot be."""
    return square_png(checked_image(upload, ICON_LIMITS), ICON_SIDE)


def icon_digest(image: bytes) -> str:
    """The icon's version in its address: the same picture, the same address."""
    return hashlib.sha256(image).hexdigest()[:16]
