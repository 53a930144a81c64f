"""Signed URLs: download links (one or many) and upload links, as HS256 tokens over `bucket/key`.

Signing runs as the caller (they must be able to see the object, or to insert it for uploads); using
a signed URL needs no key, so the read or write then runs as service_role with the token's owner.
"""
from __future__ import annotations

import hmac
import time
from typing import Any

import jwt as pyjwt
from starlette.requests import Request
from starlette.responses import Response

from oricol.db import as_caller
from oricol.jwt import encode

from . import errors, queries
from .context import Context, caller_of, context_of, service_caller
from .download import Stored, serve
from .http import endpoint, header_upsert, json_body, json_response, positive_int
from .keys import check_key
from .objects import receive_object
from .store import check_can_write

NOT_VISIBLE = "Either the object does not exist or you do not have access to it"


def make_token(ctx: Context, claims: dict[str, Any], expires_in: int) -> str:
    now = int(time.time())
    return encode({**claims, "iat": now, "exp": now + expires_in}, ctx.jwt_secret)


def read_token(ctx: Context, token: str | None, url: str) -> dict[str, Any]:
    if not token:
        raise errors.invalid_signature("Missing token")
    try:
        claims = pyjwt.decode(token, ctx.jwt_secret, algorithms=["HS256"], options={"verify_aud": False})
    except pyjwt.ExpiredSignatureError:
        raise errors.expired_signature() from None
    except pyjwt.PyJWTError:
        raise errors.invalid_signature() from None
    signed_url = claims.get("url")
    if not isinstance(signed_url, str) or not hmac.compare_digest(signed_url.encode(), url.encode()):
        raise errors.invalid_signature("The signature does not match this object")
    return claims


def _expires_in(ctx: Context, body: dict) -> int:
    if body.get("expiresIn") in (None, ""):
        raise errors.missing_parameter("expiresIn")
    return positive_int(body["expiresIn"], "expiresIn", maximum=ctx.config.signed_url_max_expiry)


def transform_claim(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not value:
        return None
    return {k: value[k] for k in ("width", "height", "resize", "format", "quality") if value.get(k) is not None}


@endpoint
async def sign_one(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    body = await json_body(request)
    expires_in = _expires_in(ctx, body)
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        if await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name) is None:
            raise errors.no_such_key()
    claims: dict[str, Any] = {"url": f"{bucket_id}/{name}"}
    transform = transform_claim(body.get("transform"))
    route = "object"
    if transform:
        claims["transformations"] = transform
        route = "render/image"
    token = make_token(ctx, claims, expires_in)
    return json_response({"signedURL": f"/{route}/sign/{bucket_id}/{name}?token={token}"})


@endpoint
async def sign_many(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id = request.path_params["bucket"]
    body = await json_body(request)
    expires_in = _expires_in(ctx, body)
    paths = body.get("paths")
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
        raise errors.missing_parameter("paths")
    async with as_caller(ctx.pool, caller, readonly=True) as conn:
        visible = {row["name"] for row in await conn.fetch(queries.VISIBLE_NAMES, bucket_id, paths)}
    result = []
    for path in paths:
        if path in visible:
            token = make_token(ctx, {"url": f"{bucket_id}/{path}"}, expires_in)
            result.append({"error": None, "path": path, "signedURL": f"/object/sign/{bucket_id}/{path}?token={token}"})
        else:
            result.append({"error": NOT_VISIBLE, "path": path, "signedURL": None})
    return json_response(result)


@endpoint
async def download_signed(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    read_token(ctx, request.query_params.get("token"), f"{bucket_id}/{name}")
    async with as_caller(ctx.pool, service_caller(), readonly=True) as conn:
        row = await conn.fetchrow(queries.FIND_OBJECT, bucket_id, name)
    if row is None:
        raise errors.no_such_key()
    return await serve(ctx, request, Stored.from_row(row, name))


@endpoint
async def sign_upload(request: Request) -> Response:
    ctx, caller = context_of(request), caller_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    upsert = header_upsert(request)
    await check_can_write(ctx, caller, bucket_id, name, upsert=upsert)
    token = make_token(ctx, {"url": f"{bucket_id}/{name}", "owner": caller.user_id, "upsert": upsert},
                       ctx.config.signed_upload_expiry)
    return json_response({"url": f"/object/upload/sign/{bucket_id}/{name}?token={token}", "token": token})


@endpoint
async def upload_signed(request: Request) -> Response:
    ctx = context_of(request)
    bucket_id, name = request.path_params["bucket"], check_key(request.path_params["name"])
    claims = read_token(ctx, request.query_params.get("token"), f"{bucket_id}/{name}")
    owner = claims.get("owner") if isinstance(claims.get("owner"), str) else None
    return await receive_object(ctx, request, service_caller(owner), bucket_id, name,
                                upsert=bool(claims.get("upsert")), owner=owner)
