"""Images members upload (a collection's header, a pseud's icon), checked before they are
decoded.

A small file can unpack into a huge picture (a "decompression bomb": a 50-megapixel PNG of
one colour compresses to a few kilobytes), so the file's size is checked first, then the
width and height its header declares, and only then is anything decoded. Pillow's own
``MAX_IMAGE_PIXELS`` guard is far above what any of these pages needs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's format names and the media types they are served as.
IMAGE_FORMATS = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
_PILLOW_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
)
NOT_AN_IMAGE = "This file is not an image we can show."


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_width: int
    max_height: int

    @property
    def described(self) -> str:
        return (
            f"PNG, JPEG, GIF or WebP, at most {self.max_bytes // 1000} KB and "
            f"{self.max_width}×{self.max_height} pixels"
        )


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    media_type: str
    width: int
    height: int


def checked_image(upload: UploadedFile, limits: ImageLimits) -> CheckedImage:
    """The upload, if it is an image of an allowed format within ``limits``; a
    ``ValidationError`` with a message for the member otherwise. Nothing is decoded before
    its size in bytes and in pixels passed."""
    too_big = f"The image is too big: at most {limits.max_bytes // 1000} KB."
    if upload.size is None or upload.size > limits.max_bytes:
        raise forms.ValidationError(too_big)
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise forms.ValidationError(too_big)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            if kind not in IMAGE_FORMATS:
                raise forms.ValidationError("Use a PNG, JPEG, GIF or WebP image.")
            if width > limits.max_width or height > limits.max_height:
                raise forms.ValidationError(
                    f"The image is {width}×{height} pixels: at most "
                    f"{limits.max_width}×{limits.max_height}."
                )
            image.verify()  # a damaged file is refused here, not when a reader loads it
    except _PILLOW_ERRORS:
        raise forms.ValidationError(NOT_AN_IMAGE) from None
    return CheckedImage(data, IMAGE_FORMATS[kind], width, height)


def square_png(checked: CheckedImage, side: int) -> bytes:
    """``checked`` (already within its limits) fitted into a ``side``×``side`` square,
    its proportions kept and the rest transparent, as a PNG: whatever was uploaded is
    served as a fresh file of known size (an animated image keeps its first frame)."""
    try:
        with Image.open(io.BytesIO(checked.data)) as image:
            image.seek(0)
            picture = ImageOps.exif_transpose(image).convert("RGBA")
    except _PILLOW_ERRORS:
        raise forms.ValidationError(NOT_AN_IMAGE) from None
    fitted = ImageOps.pad(picture, (side, side), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    fitted.save(out, format="PNG", optimize=True)
    return out.getvalue()
