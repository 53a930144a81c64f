"""The OAuth 2.1 server's client registry: /admin/oauth/clients (service_role) and, when allowed,
dynamic registration at /oauth/clients/register (RFC 7591), as GoTrue's oauthserver handlers."""
from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable

import asyncpg
from starlette.responses import Response

from . import current, errors, txn
from . import oauth_server_clients as clients
from .http import AuthRequest, json_response, no_content, page_params, paged_response

Handler = Callable[[AuthRequest], Awaitable[Response]]


def when_enabled(handler: Handler) -> Handler:
    """GoTrue's requireOAuthServerEnabled: every OAuth server route is a 404 while the server is off."""
    async def run(req: AuthRequest) -> Response:
        if not req.state.config.oauth_server.enabled:
            raise errors.error(404, "feature_disabled", "OAuth server is disabled")
        return await handler(req)
    return run


def _path_client_id(req: AuthRequest) -> uuid.UUID:
    client_id = clients.parse_id(req.request.path_params["client_id"])
    if client_id is None:
        raise errors.validation("invalid client_id format")
    return client_id


def _not_found() -> errors.ApiError:
    return errors.error(404, "oauth_client_not_found", "OAuth client not found")


async def _register(req: AuthRequest, registration_type: str) -> Response:
    reg = clients.registration(await req.body())

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        row, secret = await clients.create(conn, reg, registration_type)
        return clients.client_json(row, secret)
    return json_response(await txn.run(req.state.pool, work), status=201)


async def create_client(req: AuthRequest) -> Response:
    current.require_service_role(req)
    return await _register(req, "manual")


async def register_client(req: AuthRequest) -> Response:
    """Anyone may register when the operator allows it (MCP clients discover this endpoint)."""
    if not req.state.config.oauth_server.allow_dynamic_registration:
        raise errors.error(403, "oauth_dynamic_client_registration_disabled",
                           "Dynamic client registration is not enabled")
    await req.state.limiter.hit("sign_in", req.ip)  # unauthenticated writes: the sign-in budget per IP
    return await _register(req, "dynamic")



async def list_clients(req: AuthRequest) -> Response:
    """Newest first; `page`/`per_page` with X-Total-Count and Link headers as /admin/users, which
    auth-js's listClients reads (GoTrue itself answers every client on one page)."""
    current.require_service_role(req)
    page, per_page = page_params(req.query)

    async def work(conn: asyncpg.Connection) -> tuple[list[dict[str, Any]], int]:
        rows, total = await clients.page(conn, per_page, (page - 1) * per_page)
        return [clients.client_json(row) for row in rows], total
    listed, total = await txn.run(req.state.pool, work)
    return paged_response("/admin/oauth/clients", "clients", listed, total, page, per_page,
                          aud=req.state.config.jwt_aud)


async def get_client(req: AuthRequest) -> Response:
    current.require_service_role(req)
    client_id = _path_client_id(req)
    async with req.state.pool.acquire() as conn:
        row = await clients.find(conn, client_id)
    if row is None:
        raise _not_found()
    return json_response(clients.client_json(row))


UPDATABLE = ("redirect_uris", "grant_types", "client_name", "client_uri", "logo_uri", "token_endpoint_auth_method")


def _changes(body: dict[str, Any], client_type: str) -> dict[str, Any]:
    """Column -> new value for the fields given (GoTrue's OAuthServerClientUpdateParams)."""
    given = {name: body[name] for name in UPDATABLE if body.get(name) is not None}
    if not given:
        raise errors.validation("No fields provided for update")
    changes: dict[str, Any] = {}
    if "redirect_uris" in given:
        uris = clients.text_list_field(body, "redirect_uris")
        clients.check_redirect_uris(uris, required=False)
        changes["redirect_uris"] = ",".join(uris or [])
    if "grant_types" in given:
        grants = clients.text_list_field(body, "grant_types") or []
        clients.check_grant_types(grants)
        changes["grant_types"] = ",".join(grants)
    for name in ("client_name", "client_uri", "logo_uri"):
        if name in given:
            changes[name] = clients.text_field(body, name) or None
    if changes.get("client_name") and len(changes["client_name"]) > 1024:
        raise errors.validation("client_name cannot exceed 1024 characters")
    if "token_endpoint_auth_method" in given:
        method = clients.text_field(body, "token_endpoint_auth_method")
        clients.check_auth_method(method)
        if clients.client_type_for(None, method) != client_type:
            valid = "[none]" if client_type == clients.PUBLIC else "[client_secret_basic client_secret_post]"
            raise errors.validation(f"token_endpoint_auth_method '{method}' is not valid for client_type "
                                    f"'{client_type}'; valid methods: {valid}")
        changes["token_endpoint_auth_method"] = method
    return changes


async def update_client(req: AuthRequest) -> Response:
    current.require_service_role(req)
    client_id = _path_client_id(req)
    body = await req.body()

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        row = await clients.find(conn, client_id, for_update=True)
        if row is None:
            raise _not_found()
        row = await clients.update(conn, client_id, _changes(body, row["client_type"]))
        return clients.client_json(row)
    return json_response(await txn.run(req.state.pool, work))


async def delete_client(req: AuthRequest) -> Response:
    """A soft delete, as GoTrue's: the row stays, the client can no longer authorize or refresh."""
    current.require_service_role(req)
    client_id = _path_client_id(req)

    async def work(conn: asyncpg.Connection) -> None:
        if not await clients.soft_delete(conn, client_id):
            raise _not_found()
    await txn.run(req.state.pool, work)
    return no_content()


async def regenerate_secret(req: AuthRequest) -> Response:
    current.require_service_role(req)
    client_id = _path_client_id(req)

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        row = await clients.find(conn, client_id, for_update=True)
        if row is None:
            raise _not_found()
        if row["client_type"] != clients.CONFIDENTIAL:
            raise errors.validation("Cannot regenerate secret for public client")
        secret = clients.new_secret()
        row = await clients.set_secret_hash(conn, client_id, clients.hash_secret(secret))
        return clients.client_json(row, secret)
    return json_response(await txn.run(req.state.pool, work))


ROUTES = tuple((path, methods, when_enabled(handler)) for path, methods, handler in (
    ("/admin/oauth/clients", ("POST",), create_client),
    ("/admin/oauth/clients", ("GET",), list_clients),
    ("/admin/oauth/clients/{client_id}", ("GET",), get_client),
    ("/admin/oauth/clients/{client_id}", ("PUT",), update_client),
    ("/admin/oauth/clients/{client_id}", ("DELETE",), delete_client),
    ("/admin/oauth/clients/{client_id}/regenerate_secret", ("POST",), regenerate_secret),
    ("/oauth/clients/register", ("POST",), register_client),
))
