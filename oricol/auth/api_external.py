"""GET /authorize and GET|POST /callback: third-party sign-in as GoTrue v2 runs it.

/authorize checks the provider and `redirect_to`, saves the PKCE flow (when the client sent a
challenge), signs a `state` and sends the browser to the provider. /callback checks that state, trades
the provider's code for tokens, reads the user, finds or makes the account, then sends the browser to
the `redirect_to` chosen at /authorize: with `?code=` (PKCE) or the session in the fragment (implicit).
Failures go to the same address as `error`, `error_code`, `error_description` (query and fragment);
a state that does not verify goes to the site URL instead, since its address cannot be trusted.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from starlette.responses import RedirectResponse, Response

from oricol.errors import ApiError

from . import errors, external_accounts, flows, identity_links, oauth_state, providers, redirects, sessions, txn
from .http import AuthRequest
from .provider_http import ProviderError

log = logging.getLogger("oricol.auth")

# Parameters of ours, and those the flow owns; whatever else the client sent goes on to the provider
# (`access_type`, `prompt`, `login_hint`, `hd`, …), as GoTrue passes `queryParams` through.
NOT_FORWARDED = {"provider", "scopes", "redirect_to", "code_challenge", "code_challenge_method", "invite_token",
                 "skip_http_redirect", "client_id", "client_secret", "redirect_uri", "response_type", "state",
                 "code_verifier", "nonce", "apikey"}
OAUTH_ERROR_BY_STATUS = {400: "invalid_request", 401: "unauthorized_client", 403: "access_denied",
                         500: "server_error", 503: "temporarily_unavailable"}
ACCESS_DENIED_CODES = {errors.SIGNUP_DISABLED, errors.USER_BANNED, errors.PROVIDER_EMAIL_NEEDS_VERIFICATION}


async def authorize(req: AuthRequest) -> Response:
    return RedirectResponse(await provider_url(req), status_code=302)


async def provider_url(req: AuthRequest, linking_target_id: str | None = None) -> str:
    """The provider's authorize address for this request's flow; `linking_target_id` makes it a manual link."""
    state, query = req.state, req.query
    name = str(query.get("provider") or "").lower()[:64]
    try:
        provider = providers.find(state.config.external, name)
    except ValueError as err:
        raise errors.validation(f"Unsupported provider: {err}") from None
    referrer = _referrer(req)
    challenge = str(query.get("code_challenge") or "")
    method = str(query.get("code_challenge_method") or "")
    try:
        endpoints = await provider.endpoints(state.providers)
    except ProviderError as err:
        log.warning("provider %s unreachable at /authorize: %s", name, err)
        raise errors.validation(f"Unsupported provider: {err}") from None

    async def work(conn: asyncpg.Connection) -> Any:
        return await flows.start_external(conn, challenge, method, name)
    flow_id = await txn.run(state.pool, work) if (challenge or method) else None
    nonce = secrets.token_urlsafe(24) if provider.uses_nonce else None
    signed = oauth_state.sign(state.core.jwt_secret, state.config.site_url,
                              oauth_state.FlowState(name, referrer, str(flow_id) if flow_id else None, nonce,
                                                    linking_target_id))
    extra = [(key, value) for key, value in query.multi_items() if key.lower() not in NOT_FORWARDED]
    return provider.authorize_url(endpoints, signed, str(query.get("scopes") or ""), nonce, extra)


async def callback(req: AuthRequest) -> Response:
    params = await _callback_params(req)
    token = params.get("state", "")
    if not token:
        return _to_site(req, errors.error(400, errors.BAD_OAUTH_CALLBACK, "OAuth state parameter missing"))
    try:
        flow = oauth_state.verify(req.state.core.jwt_secret, token)
    except oauth_state.StateError as err:
        log.info("oauth callback with invalid state: %s", err)
        return _to_site(req, errors.error(400, errors.BAD_OAUTH_STATE, "OAuth callback with invalid state"))
    target = flow.referrer or req.state.config.site_url
    try:
        return await _finish(req, flow, params, target)
    except ApiError as err:
        return _error_redirect(target, err, status=302)
    except ProviderError as err:
        log.warning("oauth provider %s failed: %s", flow.provider, err)
        return _error_redirect(target, errors.error(
            500, errors.UNEXPECTED_FAILURE, "Error getting user profile from external provider"), status=302)
    except Exception:  # the browser still goes back to the app, which can show something
        log.exception("oauth callback failed", extra={"provider": flow.provider})
        return _error_redirect(target, errors.error(
            500, errors.UNEXPECTED_FAILURE, "Unexpected failure, please check server logs for more information"),
            status=302)


async def _finish(req: AuthRequest, flow: oauth_state.FlowState, params: dict[str, str], target: str) -> Response:
    state = req.state
    if params.get("error"):  # the provider (or the person at it) said no: passed through as it came
        raise errors.oauth_error(params["error"][:200], params.get("error_description", "")[:500])
    code = params.get("code", "")
    if not code:
        raise errors.error(400, errors.BAD_OAUTH_CALLBACK, "OAuth callback with missing authorization code missing")
    try:
        provider = providers.find(state.config.external, flow.provider)
    except ValueError as err:
        raise errors.error(400, errors.OAUTH_PROVIDER_NOT_SUPPORTED, f"Unsupported provider: {err}") from None
    endpoints = await provider.endpoints(state.providers)
    try:
        tokens = await provider.exchange(state.providers, endpoints, code)
    except ProviderError as err:
        log.warning("oauth code exchange with %s failed: %s", flow.provider, err)
        raise errors.error(500, errors.UNEXPECTED_FAILURE, f"Unable to exchange external code: {code[:4]}") from None
    data = await provider.user_data(state.providers, endpoints, tokens, flow.nonce)
    if not data.emails:
        raise errors.error(500, errors.UNEXPECTED_FAILURE, "Error getting user email from external provider")

    async def work(conn: asyncpg.Connection) -> tuple[str | None, dict[str, Any] | None]:
        if flow.linking_target_id:  # a signed-in user adding this identity (linkIdentity)
            user = await identity_links.link(conn, state, flow.linking_target_id, flow.provider, data, req.ip, target)
        else:
            user = await external_accounts.resolve(conn, state, flow.provider, data, req.ip, target)
        if flow.flow_state_id:
            return await _issue_code(conn, flow, user, tokens), None
        session = await sessions.sign_in(conn, state, user, "oauth", req.ip, req.request.headers.get("user-agent"),
                                         provider=flow.provider)
        return None, session
    auth_code, session = await txn.run(state.pool, work)
    if auth_code is not None:
        return RedirectResponse(_with_query(target, {"code": auth_code}), status_code=302)
    fragment = {key: session[key] for key in ("access_token", "expires_at", "expires_in", "refresh_token",
                                               "token_type")}
    fragment["provider_token"] = tokens.access_token
    if tokens.refresh_token:
        fragment["provider_refresh_token"] = tokens.refresh_token
    return RedirectResponse(target + "#" + urlencode(sorted(fragment.items())), status_code=302)


async def _issue_code(conn: asyncpg.Connection, flow: oauth_state.FlowState, user: asyncpg.Record,
                      tokens: Any) -> str:
    """The PKCE flow gets its user and the provider's tokens; a flow already finished is not finished twice."""
    row = await flows.external_for_update(conn, flow.flow_state_id)
    if row is None:
        raise errors.error(422, errors.FLOW_STATE_NOT_FOUND, "Flow state not found")
    if row["user_id"] is not None:
        raise errors.error(400, errors.FLOW_STATE_ALREADY_USED, "State has already been used")
    return await flows.issue_external_code(conn, row["id"], user["id"], tokens.access_token,
                                           tokens.refresh_token or None)


def _referrer(req: AuthRequest) -> str:
    """`redirect_to` when allowed, else the Referer when allowed, else the site URL (GoTrue's GetReferrer)."""
    config = req.state.config
    for candidate in (req.query.get("redirect_to"), req.request.headers.get("referer")):
        if candidate and redirects.allowed(config, candidate):
            return candidate
    return config.site_url


async def _callback_params(req: AuthRequest) -> dict[str, str]:
    """The provider's answer: query parameters, or the form of a `response_mode=form_post` provider."""
    if req.request.method == "POST":
        form = await req.request.form()
        return {key: str(value) for key, value in form.items()}
    return {key: value for key, value in req.query.items()}


def _error_values(err: ApiError) -> dict[str, str]:
    if err.form == errors.OAUTH:
        return {"error": err.code, "error_description": err.message}
    kind = "access_denied" if err.code in ACCESS_DENIED_CODES else OAUTH_ERROR_BY_STATUS.get(err.status, "server_error")
    return {"error": kind, "error_code": err.code, "error_description": err.message}


def _error_redirect(target: str, err: ApiError, status: int) -> Response:
    """GoTrue's redirectErrors: the error in the query (added to the address's own) and in the fragment."""
    values = _error_values(err)
    url = _with_query(target, values)
    parts = urlsplit(url)
    ordered = [(key, values[key]) for key in ("error", "error_code", "error_description") if key in values]
    return RedirectResponse(urlunsplit(parts._replace(fragment=urlencode(ordered))), status_code=status)


def _to_site(req: AuthRequest, err: ApiError) -> Response:
    """A state we cannot read names no trustworthy address: the site URL gets the error in its query."""
    return RedirectResponse(_with_query(req.state.config.site_url, _error_values(err)), status_code=303)


def _with_query(url: str, values: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    query.extend(values.items())
    return urlunsplit(parts._replace(query=urlencode(sorted(query))))
