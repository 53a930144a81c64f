"""The browser side of the OAuth 2.1 server: /oauth/authorize, the consent page's calls
(/oauth/authorizations/{id}, …/consent) and a user's remembered grants (/user/oauth/grants).

Errors before the client and its redirect_uri are known are answered here (never redirected to an
address nobody vouched for); later ones go back to the client on its redirect_uri, as OAuth requires.
"""
from __future__ import annotations

from typing import Any

import asyncpg
from starlette.responses import RedirectResponse, Response

from . import audit, current, errors, redirects, txn, users
from . import oauth_server_clients as clients
from . import oauth_server_flow as flow
from . import oauth_server_sessions as issued
from .api_oauth_admin import when_enabled
from .http import AuthRequest, json_response, no_content

AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "resource", "code_challenge",
                    "code_challenge_method", "nonce")


async def authorize(req: AuthRequest) -> Response:
    config = req.state.config
    params = {name: req.query.get(name, "") for name in AUTHORIZE_PARAMS}
    for required in ("client_id", "redirect_uri"):
        if not params[required]:
            raise errors.validation(f"{required} is required")
    client_id = clients.parse_id(params["client_id"])
    if client_id is None:
        raise errors.error(400, "oauth_client_not_found", "invalid client_id format")
    async with req.state.pool.acquire() as conn:
        client = await clients.find(conn, client_id)
        if client is None:
            raise errors.error(400, "oauth_client_not_found", "invalid client_id")
        if params["redirect_uri"] not in client["redirect_uris"].split(","):  # exact match, as OAuth 2.1 asks
            raise errors.validation("invalid redirect_uri")
        params["response_type"] = params["response_type"] or "code"
        params["scope"] = params["scope"] or config.oauth_server.default_scope
        problem = flow.authorize_problem(params)
        if problem is not None:
            return _redirect(flow.error_url(params["redirect_uri"], "invalid_request", problem, params["state"]))
        try:
            authorization_id = await flow.create(conn, client_id, params, config.oauth_server.authorization_ttl)
        except asyncpg.PostgresError:  # a state, nonce or resource the table refuses (too long, a NUL)
            return _redirect(flow.error_url(params["redirect_uri"], "server_error", "error creating authorization",
                                            params["state"]))
    path = config.oauth_server.authorization_path
    if not path:
        return _redirect(flow.error_url(params["redirect_uri"], "server_error",
                                        "oauth authorization path not configured", params["state"]))
    consent_page = config.site_url.rstrip("/") + "/" + path.lstrip("/")
    return _redirect(f"{consent_page}?authorization_id={authorization_id}")


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=302)


def _check_origin(req: AuthRequest) -> None:
    """The consent page is ours (the site URL or an allowed address): a browser's other origins are refused."""
    origin = req.request.headers.get("origin")
    if origin and not redirects.allowed(req.state.config, origin):
        raise errors.validation("unauthorized request origin")


async def authorization_details(req: AuthRequest) -> Response:
    """The consent page's question: who asks for what. The first signed-in reader claims the request;
    with a standing consent covering its scopes it is approved at once and the answer is the redirect."""
    _check_origin(req)
    authorization_id = req.request.path_params["authorization_id"]

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        user = caller.user
        row = await flow.claim(conn, authorization_id)
        if row["status"] != "pending":
            raise errors.validation("authorization request cannot be processed")
        if row["user_id"] is None:
            await flow.set_user(conn, row, user["id"])
            if await flow.consent_covers(conn, user["id"], row["client_id"], row["scope"]):
                return {"redirect_url": flow.success_url(row, await flow.approve(conn, row))}
        elif row["user_id"] != user["id"]:
            raise flow.not_found()
        client = await clients.find_any(conn, row["client_id"])
        if client is None:
            raise flow.not_found()
        return flow.details_json(row, clients.summary_json(client), user)
    return json_response(await txn.run(req.state.pool, work))


async def consent(req: AuthRequest) -> Response:
    _check_origin(req)
    body = await req.body()
    action = body.get("action")
    if action not in ("approve", "deny"):
        raise errors.validation("action must be 'approve' or 'deny'")
    authorization_id = req.request.path_params["authorization_id"]

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        caller = await current.load(req, conn)
        row = await flow.claim(conn, authorization_id)
        if row["status"] != "pending":
            raise errors.validation("authorization request is no longer pending")
        if row["user_id"] != caller.user["id"]:
            raise flow.not_found()
        if action == "approve":
            code = await flow.approve(conn, row)
            await flow.remember_consent(conn, caller.user["id"], row["client_id"], row["scope"])
            return {"redirect_url": flow.success_url(row, code)}
        await flow.deny(conn, row)
        return {"redirect_url": flow.error_url(row["redirect_uri"], "access_denied", "User denied the request",
                                               row["state"])}
    return json_response(await txn.run(req.state.pool, work))


async def list_grants(req: AuthRequest) -> Response:
    async with req.state.pool.acquire() as conn:
        caller = await current.load(req, conn)
        rows = await flow.grants(conn, caller.user["id"])
    return json_response([{"client": clients.summary_json(row), "scopes": flow.parse_scopes(row["scopes"]),
                           "granted_at": users.timestamp(row["granted_at"])} for row in rows])


async def revoke_grant(req: AuthRequest) -> Response:
    """Withdraws consent and ends every session the client holds for this user (their refresh tokens die)."""
    text = req.query.get("client_id")
    if not text:
        raise errors.validation("client_id query parameter is required")
    client_id = clients.parse_id(text)
    if client_id is None:
        raise errors.validation("invalid client_id format")

    async def work(conn: asyncpg.Connection) -> None:
        caller = await current.load(req, conn)
        if not await flow.revoke_consent(conn, caller.user["id"], client_id):
            raise errors.error(404, "oauth_consent_not_found", "No active grant found for this client")
        await issued.end_for_client(conn, caller.user["id"], client_id)
        await audit.record(conn, caller.user, "token_revoked", "token", req.ip,
                           {"oauth_client_id": str(client_id), "action": "revoke_oauth_grant"})
    await txn.run(req.state.pool, work)
    return no_content()


ROUTES = tuple((path, methods, when_enabled(handler)) for path, methods, handler in (
    ("/oauth/authorize", ("GET",), authorize),
    ("/oauth/authorizations/{authorization_id}", ("GET",), authorization_details),
    ("/oauth/authorizations/{authorization_id}/consent", ("POST",), consent),
    ("/user/oauth/grants", ("GET",), list_grants),
    ("/user/oauth/grants", ("DELETE",), revoke_grant),
))
