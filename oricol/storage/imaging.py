"""The image transform itself (the seed's imgproxy), run in worker processes so the event loop never waits.

Only Pillow is imported here: the module is loaded by each spawned worker. Input is bounded before
decoding (pixel count from the header; Pillow's decompression-bomb check turned into an error), and
JPEGs are decoded at a reduced scale (`draft`) when the output is much smaller, which is most of
the cost saved for thumbnails.
"""
from __future__ import annotations

import os
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from .imagespec import ImageRefused, Transform, avif_available

RESAMPLE = Image.Resampling.LANCZOS
FORMATS = {"JPEG": ("JPEG", "image/jpeg"), "PNG": ("PNG", "image/png"), "WEBP": ("WEBP", "image/webp"),
           "GIF": ("GIF", "image/gif"), "AVIF": ("AVIF", "image/avif")}


def target_size(source: tuple[int, int], transform: Transform) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """(resize to, then crop to or None). Never enlarges beyond the source."""
    src_w, src_h = source
    width, height = transform.width, transform.height
    if width and not height:
        width = min(width, src_w)
        return (width, max(1, round(src_h * width / src_w))), None
    if height and not width:
        height = min(height, src_h)
        return (max(1, round(src_w * height / src_h)), height), None
    if not width or not height:  # (one without the other returned above): neither
        return source, None
    width, height = min(width, src_w), min(height, src_h)
    if transform.resize == "fill":
        return (width, height), None
    scale_cover, scale_contain = max(width / src_w, height / src_h), min(width / src_w, height / src_h)
    if transform.resize == "contain":
        return (max(1, round(src_w * scale_contain)), max(1, round(src_h * scale_contain))), None
    scale = min(scale_cover, 1.0)
    return (max(width, round(src_w * scale)), max(height, round(src_h * scale))), (width, height)


def _output_format(transform: Transform) -> tuple[str, str]:
    if transform.format == "avif" and not avif_available():
        raise ImageRefused("avif is not available on this server")
    return FORMATS.get(transform.format.upper(), FORMATS["PNG"])


def render(source: str, target: str, transform: Transform, max_pixels: int) -> str:
    """Transforms the image at `source` into `target` (written atomically); returns its content type."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("The image has too many pixels") from None
        except (UnidentifiedImageError, OSError):
            raise ImageRefused("The object is not an image that can be transformed") from None
        with image:
            if image.width * image.height > max_pixels:
                raise ImageRefused("The image has too many pixels")
            fmt, content_type = _output_format(transform)
            out = _transformed(image, transform)
            out = _for_format(out, fmt)
            temp = f"{target}.{os.getpid()}.tmp"
            options = {"quality": transform.quality} if fmt in ("JPEG", "WEBP", "AVIF") else {}
            if fmt == "WEBP":
                options["method"] = 4
            out.save(temp, fmt, **options)
            os.replace(temp, target)
            return content_type


def _transformed(image: Image.Image, transform: Transform) -> Image.Image:
    oriented = _oriented_size(image)
    size, crop = target_size(oriented, transform)
    if image.format == "JPEG" and size[0] * 2 <= oriented[0] and size[1] * 2 <= oriented[1]:
        # Decode at 1/2, 1/4 or 1/8 scale (never below the target): most of the time saved.
        image.draft("RGB", size if oriented == image.size else (size[1], size[0]))
    try:
        image.load()
    except (OSError, ValueError):
        raise ImageRefused("The image could not be decoded") from None
    image = ImageOps.exif_transpose(image)
    if getattr(image, "is_animated", False):
        image.seek(0)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if size != image.size:
        image = image.resize(size, RESAMPLE, reducing_gap=3.0)
    if crop is not None and crop != image.size:
        left, top = (image.width - crop[0]) // 2, (image.height - crop[1]) // 2
        image = image.crop((left, top, left + crop[0], top + crop[1]))
    return image


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(0x0112, 1)
    return (image.height, image.width) if orientation in (5, 6, 7, 8) else image.size


def _for_format(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    return image
