"""The custom access token hook: a PostgreSQL function that may rewrite the claims, as GoTrue calls it.

The function gets `{"user_id", "claims", "authentication_method"}` and returns `{"claims": …}` or
`{"error": {"http_code", "message"}}`. It runs as supabase_auth_admin, the role Supabase's guide
tells projects to grant it to.
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from oricol.sql import quote_ident

from . import errors

REQUIRED = ("aud", "exp", "iat", "sub", "role", "aal", "session_id")


async def custom_access_token(conn: asyncpg.Connection, function: str, user_id: uuid.UUID,
                              claims: dict[str, Any], method: str) -> dict[str, Any]:
    schema, name = function.split(".", 1)
    call = "select " + quote_ident(schema) + "." + quote_ident(name) + "($1::jsonb)"
    event = {"user_id": str(user_id), "claims": claims, "authentication_method": method}
    try:
        async with conn.transaction():  # a savepoint: the role switch ends with it
            await conn.execute("set local role supabase_auth_admin")
            result = await conn.fetchval(call, event)
    except asyncpg.PostgresError as err:
        raise errors.error(500, errors.HOOK_TIMEOUT_AFTER_RETRY if "timeout" in str(err) else errors.UNEXPECTED_FAILURE,
                           "Error running hook URI: pg-functions://postgres/" + schema + "/" + name) from None
    if not isinstance(result, dict):
        raise errors.error(500, errors.UNEXPECTED_FAILURE, "Invalid output from custom access token hook")
    if isinstance(result.get("error"), dict):
        failure = result["error"]
        status = failure.get("http_code") if isinstance(failure.get("http_code"), int) else 400
        raise errors.error(status, errors.UNEXPECTED_FAILURE, str(failure.get("message") or "Hook failed"))
    new_claims = result.get("claims")
    if not isinstance(new_claims, dict) or any(key not in new_claims for key in REQUIRED):
        raise errors.error(500, errors.UNEXPECTED_FAILURE,
                           "output claims do not conform to the expected schema: " + ", ".join(REQUIRED))
    return new_claims
