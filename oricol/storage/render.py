"""Image transform endpoints: /render/image/public|authenticated|sign/{bucket}/{key}.

Parameters (width, height, resize, quality, format) are checked here; the work runs in a pool of
spawned worker processes (imaging.py: only they load Pillow). Each variant is cached on disk under the
object's id and version, so a replaced object never serves a stale variant and a repeat request costs a
file read.
"""
from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Mapping

from starlette.requests import Request
from starlette.responses import Response

from . import errors, imagespec
from .context import Context, caller_of, context_of, service_caller
from .download import Stored, base_headers
from .http import endpoint
from .keys import check_key
from .objects import find_public, find_stored
from .signing import read_token

RESIZE_MODES = ("cover", "contain", "fill")
ORIGIN_FORMATS = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/png": "png", "image/webp": "webp",
                  "image/gif": "gif", "image/avif": "avif"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif",
                 "avif": "image/avif"}


def _int(params: Mapping[str, Any], name: str, low: int, high: int, default: int | None) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.image_error(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise errors.image_error(f"{name} must be between {low} and {high}")
    return number


def parse_transform(params: Mapping[str, Any], ctx: Context, stored: Stored, accept: str) -> imagespec.Transform:
    limit = ctx.config.transform_max_dimension
    resize = str(params.get("resize") or "cover")
    if resize not in RESIZE_MODES:
        raise errors.image_error("resize must be one of cover, contain, fill")
    requested = str(params.get("format") or "")
    origin = ORIGIN_FORMATS.get(stored.content_type.split(";")[0].strip().lower(), "png")
    if requested in ("", "origin"):
        # As Storage: without an explicit format, browsers that accept WebP get WebP.
        fmt = "webp" if not requested and "image/webp" in accept else origin
    elif requested in ("webp", "avif"):
        fmt = requested
    else:
        raise errors.image_error("format must be origin, webp or avif")
    if fmt == "avif" and not imagespec.avif_available():
        raise errors.image_error("avif is not available on this server")
    return imagespec.Transform(width=_int(params, "width", 1, limit, None), height=_int(params, "height", 1, limit, None),
                             resize=resize, quality=_int(params, "quality", 20, 100, 80) or 80, format=fmt)


def _pool(ctx: Context) -> ProcessPoolExecutor:
    pool = ctx.extras.get("render_pool")
    if pool is None:
        pool = ProcessPoolExecutor(max_workers=ctx.config.transform_workers,
                                   mp_context=multiprocessing.get_context("spawn"))
        ctx.extras["render_pool"] = pool

        async def close() -> None:
            pool.shutdown(wait=False, cancel_futures=True)
        ctx.extras.setdefault("closers", []).append(close)
    return pool


async def _run(ctx: Context, source: Path, target: Path, transform: imagespec.Transform) -> None:
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(_pool(ctx), imagespec.render_in_worker, str(source), str(target), transform,
                                   ctx.config.transform_max_input_pixels)
    except imagespec.ImageRefused as refused:
        raise errors.image_error(str(refused), 422) from None
    except BrokenProcessPool:
        ctx.extras.pop("render_pool", None)  # a worker died (out of memory?): start afresh next time
        raise errors.image_error("The image could not be transformed", 500) from None


async def render_variant(ctx: Context, request: Request, stored: Stored, params: Mapping[str, Any]) -> Response:
    if not ctx.config.transform_enabled:
        raise errors.feature_disabled("image transformation")
    transform = parse_transform(params, ctx, stored, request.headers.get("accept", ""))
    if stored.size > ctx.config.transform_max_input_bytes:
        raise errors.image_error("The image is too large to transform", 413)
    cache_dir = ctx.config.root / "cache" / "render" / stored.object_id[:2]
    target = cache_dir / f"{stored.object_id}.{stored.version}.{transform.cache_key()}"
    headers = base_headers(request, stored)
    headers["content-type"] = CONTENT_TYPES[transform.format]
    headers["etag"] = f'"{stored.etag.strip(chr(34))}-{transform.cache_key()}"'
    headers.pop("accept-ranges", None)
    headers["vary"] = "Accept"
    if request.headers.get("if-none-match") == headers["etag"]:
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "content-type"})
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        async with ctx.backend.local_file(stored.object_id, stored.version) as source:
            await _run(ctx, source, target, transform)
    body = await asyncio.to_thread(target.read_bytes)
    return Response(body, status_code=200, headers=headers)


@endpoint
async def render_authenticated(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    stored = await find_stored(ctx, caller, bucket_id, name)
    return await render_variant(ctx, request, stored, request.query_params)


@endpoint
async def render_public(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    stored = await find_public(ctx, bucket_id, name)
    return await render_variant(ctx, request, stored, request.query_params)


@endpoint
async def render_signed(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    claims = read_token(ctx, request.query_params.get("token"), f"{bucket_id}/{name}")
    stored = await find_stored(ctx, service_caller(), bucket_id, name)  # the token is the authority
    transformations = claims.get("transformations")
    params = transformations if isinstance(transformations, dict) else {}
    return await render_variant(ctx, request, stored, params)
