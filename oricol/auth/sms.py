"""The SMS sender: GoTrue's "Send SMS" hook, so any SMS gateway plugs in without code here.

An http(s) hook gets `POST {metadata, user, sms: {otp, phone}}` signed as Standard Webhooks do
(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
one signature per configured secret). A pg-functions hook is `select schema.fn(payload)` run as
supabase_auth_admin. Either may answer `{"error": {"http_code", "message"}}` to refuse, and the
refusal reaches the client as GoTrue passes it on. Failures are GoTrue's: a timeout is 422
hook_timeout, an unreachable hook 422 hook_timeout_after_retry, a bad answer a 500 that names it.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
import httpx
import orjson

from oricol.config.auth_sms import SmsHook
from oricol.sql import quote_ident

from . import errors

TIMEOUT = 5.0  # seconds, GoTrue's default for HTTP hooks
RETRIES = 3
BACKOFF = 2.0  # seconds between attempts when the hook cannot be reached or asks to retry
RESPONSE_LIMIT = 200 * 1024  # bytes of a hook's answer read at most
PG_TIMEOUT_MS = 2000  # GoTrue's statement timeout for a pg-functions hook
log = logging.getLogger("oricol.auth.sms")


class SmsSender(Protocol):
    async def send(self, conn: asyncpg.Connection, payload: dict[str, Any]) -> None:
        """Delivers one code; raises ApiError when the hook refuses or fails."""

    async def close(self) -> None:
        """Releases connections held between requests."""


def sign(secrets: tuple[str, ...], message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: one `v1,<signature>` per `v1,whsec_<key>` secret, comma and space between."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    signatures = []
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("v1,").removeprefix("whsec_"))
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        signatures.append("v1," + base64.b64encode(digest).decode())
    return ", ".join(signatures)


def refusal(answer: Any) -> errors.ApiError | None:
    """A hook's `{"error": {"http_code", "message"}}` as the error GoTrue answers with, else None."""
    failure = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(failure, dict) or not failure.get("message"):
        return None
    code = failure.get("http_code")
    status = code if isinstance(code, int) and 400 <= code <= 599 else 500
    return errors.error(status, "unexpected_failure" if status == 500 else "unknown", str(failure["message"]))


@dataclass
class HttpHook:
    uri: str
    secrets: tuple[str, ...]
    timeout: float = TIMEOUT
    backoff: float = BACKOFF
    _http: httpx.AsyncClient | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:  # made on first use, inside the serving event loop
            self._http = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False,
                                           headers={"accept-encoding": "identity"})
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def send(self, conn: asyncpg.Connection, payload: dict[str, Any]) -> None:
        body = orjson.dumps(payload)
        deadline = time.monotonic() + self.timeout
        for attempt in range(RETRIES):
            message_id, timestamp = str(uuid.uuid4()), int(time.time())
            headers = {"content-type": "application/json", "webhook-id": message_id,
                       "webhook-timestamp": str(timestamp),
                       "webhook-signature": sign(self.secrets, message_id, timestamp, body)}
            try:
                response = await self.http.post(self.uri, content=body, headers=headers,
                                                timeout=max(0.1, deadline - time.monotonic()))
            except httpx.TimeoutException:
                raise _timed_out(self.timeout) from None
            except httpx.HTTPError as err:
                log.warning("send sms hook unreachable", extra={"attempt": attempt, "error": type(err).__name__})
                if attempt == RETRIES - 1:
                    raise errors.error(422, "hook_timeout_after_retry",
                                       "Failed to reach hook after maximum retries") from None
                if time.monotonic() + self.backoff >= deadline:
                    raise _timed_out(self.timeout) from None
                await asyncio.sleep(self.backoff)
                continue
            if response.status_code in (429, 503) and response.headers.get("retry-after"):
                continue
            _check(response)
            return
        raise errors.error(500, "unexpected_failure", "Service currently unavailable due to hook")


def _timed_out(seconds: float) -> errors.ApiError:
    return errors.error(422, "hook_timeout", f"Failed to reach hook within maximum time of {seconds:f} seconds")


def _check(response: httpx.Response) -> None:
    """GoTrue's reading of a hook's answer: 204, or 200/202 with JSON that carries no error."""
    status = response.status_code
    if status == 204:
        return
    if status in (200, 202):
        content_type = response.headers.get("content-type", "")
        if not content_type:
            raise errors.error(400, "hook_payload_invalid_content_type",
                               "Invalid Content-Type: Missing Content-Type header")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise errors.error(400, "hook_payload_invalid_content_type",
                               f"Invalid JSON response. Received content-type: {content_type}")
        if len(response.content) > RESPONSE_LIMIT:
            raise errors.error(422, "hook_payload_over_size_limit",
                               f"Payload size exceeded size limit of {RESPONSE_LIMIT} bytes")
        try:
            answer = orjson.loads(response.content) if response.content.strip() else None
        except orjson.JSONDecodeError:
            raise errors.error(500, "unexpected_failure", "Error unmarshaling JSON output.") from None
        failure = refusal(answer)
        if failure is not None:
            raise failure
        return
    message = {429: "Service currently unavailable due to hook", 503: "Service currently unavailable due to hook",
               400: "Invalid payload sent to hook", 401: "Hook requires authorization token"}.get(
        status, f"Unexpected status code returned from hook: {status}")
    raise errors.error(500, "unexpected_failure", message)


@dataclass
class PgFunctionHook:
    function: str  # schema.function

    async def close(self) -> None:
        return None

    async def send(self, conn: asyncpg.Connection, payload: dict[str, Any]) -> None:
        schema, name = self.function.split(".", 1)
        call = "select " + quote_ident(schema) + "." + quote_ident(name) + "($1::jsonb)"
        try:
            async with conn.transaction():  # a savepoint: the role and the timeout end with it
                await conn.execute(f"set local statement_timeout = {PG_TIMEOUT_MS}")
                await conn.execute("set local role supabase_auth_admin")
                answer = await conn.fetchval(call, payload)
        except asyncpg.PostgresError as err:
            log.warning("send sms hook failed", extra={"error": type(err).__name__})
            raise errors.error(500, "unexpected_failure",
                               f"Error running hook URI: pg-functions://postgres/{schema}/{name}") from None
        failure = refusal(answer)
        if failure is not None:
            raise failure


def sender_for(hook: SmsHook | None) -> SmsSender | None:
    if hook is None:
        return None
    if hook.function:
        return PgFunctionHook(hook.function)
    return HttpHook(hook.uri, hook.secrets)
