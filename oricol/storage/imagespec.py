"""What an image transformation asks for and how it is refused: the part of the transform the server process
needs. Pillow itself is only loaded by the worker processes (imaging.py), so the server never carries it."""
from __future__ import annotations

import functools
from dataclasses import dataclass


class ImageRefused(Exception):
    """The input cannot or may not be transformed; the message is for the client."""


@dataclass(frozen=True)
class Transform:
    width: int | None = None
    height: int | None = None
    resize: str = "cover"       # cover | contain | fill
    quality: int = 80
    format: str = "png"         # the concrete output: jpeg | png | webp | gif | avif

    def cache_key(self) -> str:
        return f"w{self.width or 0}-h{self.height or 0}-{self.resize}-q{self.quality}-{self.format}"


@functools.cache
def avif_available() -> bool:
    from PIL import features  # only asked when a client wants avif

    return bool(features.check("avif"))


def render_in_worker(source: str, target: str, transform: Transform, max_pixels: int) -> str:
    """imaging.render, named from here so the server hands it to its worker pool without importing Pillow."""
    from . import imaging

    return imaging.render(source, target, transform, max_pixels)
