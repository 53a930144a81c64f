"""The request and response plumbing every auth endpoint shares.

`endpoint(handler)` turns `async handler(req: AuthRequest) -> Response` into a Starlette endpoint
that renders any ApiError in GoTrue's shape and never lets a traceback reach the client.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from oricol.db import unavailable
from oricol.errors import ApiError
from oricol.identity import Identity, identity_of
from oricol.jwt import JwtError

from . import errors
from .state import AuthState

log = logging.getLogger("oricol.auth")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)


def page_params(query: Any) -> tuple[int, int]:
    """`page` (from 1) and `per_page` (1-1000, default 50) of an admin listing, refused in GoTrue's words."""
    page = _page_number(query.get("page"), 1)
    per_page = min(1000, max(1, _page_number(query.get("per_page"), 50)))
    if page < 1:
        raise errors.validation("Bad Pagination Parameters: page must be 1 or more")
    return page, per_page


def _page_number(text: str | None, default: int) -> int:
    """An unsigned number as GoTrue parses it (strconv.ParseUint), with its words when it is not."""
    if not text:
        return default
    if not text.isascii() or not text.isdigit():
        raise errors.validation(f'Bad Pagination Parameters: strconv.ParseUint: parsing "{text[:40]}": invalid syntax')
    return int(text)


def paged_response(path: str, key: str, rows: list[Any], total: int, page: int, per_page: int, *,
                   aud: str) -> Response:
    """One page of an admin listing as GoTrue answers /admin/users: `{key: rows, aud}`, the total in
    `x-total-count`, and a `link` header to the next page (while there is one) and the last."""
    last = max(1, -(-total // per_page))
    links = []
    if page < last:
        links.append(f'<{path}?{urlencode({"page": page + 1, "per_page": per_page})}>; rel="next"')
    links.append(f'<{path}?{urlencode({"page": last, "per_page": per_page})}>; rel="last"')
    return json_response({key: rows, "aud": aud}, headers={"x-total-count": str(total), "link": ", ".join(links)})


def no_content() -> Response:
    return Response(status_code=204)


@dataclass
class AuthRequest:
    request: Request
    state: AuthState
    identity: Identity
    version: str | None
    _body: Any = field(default=None)

    @property
    def query(self) -> Any:
        return self.request.query_params

    @property
    def ip(self) -> str:
        # The socket's peer unless a trusted proxy's header is configured: a client could forge
        # X-Forwarded-For to dodge per-IP limits.
        header = self.state.config.rate_limits.ip_header
        if header and self.request.headers.get(header):
            return self.request.headers[header].split(",")[0].strip()[:64]
        client = self.request.client
        return client.host if client else ""

    async def body(self) -> dict[str, Any]:
        """The JSON object sent (form fields for /token as OAuth clients may post them)."""
        if self._body is None:
            raw = await self.request.body()
            content_type = self.request.headers.get("content-type", "")
            if not raw.strip():
                self._body = {}
            elif content_type.startswith("application/x-www-form-urlencoded"):
                form = await self.request.form()
                self._body = {key: value for key, value in form.items()}
            else:
                try:
                    parsed = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    raise errors.bad_json() from None
                if not isinstance(parsed, dict):
                    raise errors.bad_json()
                self._body = parsed
            if any(key in FIELD_TYPES and value is not None and not isinstance(value, FIELD_TYPES[key])
                   for key, value in self._body.items()):
                raise errors.bad_json()  # as Go's decoder refuses a number where a string belongs
            if _holds_nul(self._body):
                raise errors.validation("NUL characters are not allowed in the request")
        return self._body


# The type of every body field an endpoint reads: GoTrue decodes bodies into typed structs, so a
# `redirect_to` of 1 is a 400 there; here it reached code expecting text and was a 500.
_TEXT = ("email", "phone", "password", "redirect_to", "type", "refresh_token", "factor_type", "ban_duration",
         "role", "password_hash", "id", "token_hash", "token", "nonce", "new_email", "issuer", "id_token",
         "friendly_name", "code_verifier", "code_challenge_method", "code_challenge", "code", "challenge_id",
         "auth_code", "access_token", "channel", "provider", "provider_id", "domain", "current_password")
FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    **{name: str for name in _TEXT},
    **{name: dict for name in ("data", "user_metadata", "app_metadata", "gotrue_meta_security", "options")},
    **{name: bool for name in ("email_confirm", "phone_confirm", "create_user", "should_soft_delete",
                               "skip_http_redirect")},
}


def _holds_nul(value: Any) -> bool:
    """Whether any key or string inside `value` has a NUL, which PostgreSQL text and jsonb cannot store
    (an email with one was a 500). Iterative: a body may nest as deep as the JSON parser allows."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


Handler = Callable[[AuthRequest], Awaitable[Response]]


def endpoint(state: AuthState, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        version = errors.requested_version(request.headers.get(errors.API_VERSION_HEADER))
        req = AuthRequest(request=request, state=state, identity=identity_of(request.scope), version=version)
        try:
            response = await handler(req)
        except ApiError as err:
            body, status, headers = errors.render(err, version)
            return json_response(body, status, headers)
        except JwtError as err:
            body, status, headers = errors.render(errors.bad_jwt(err.message), version)
            return json_response(body, status, headers)
        except Exception as exc:
            if unavailable(exc):  # PostgreSQL restarting: a fast 503 to retry, as on every other prefix
                body, status, headers = errors.render(errors.database_unavailable(), version)
                return json_response(body, status, headers)
            # The traceback goes to the log (it holds no request body); the client gets GoTrue's 500.
            log.exception("auth endpoint failed", extra={"path": request.url.path})
            failure = errors.error(500, errors.UNEXPECTED_FAILURE,
                                   "Unexpected failure, please check server logs for more information")
            body, status, headers = errors.render(failure, version)
            return json_response(body, status, headers)
        if version is not None:
            response.headers["X-Supabase-Api-Version"] = version
        return response
    return run
