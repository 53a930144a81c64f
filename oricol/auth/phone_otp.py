"""Texted one-time codes: GoTrue's sendPhoneConfirmation and the phone half of verifyUserAndToken.

A code is stored as sha256(sha224(phone + code)) in auth.one_time_tokens (the confirmation token for
`sms`, the phone change token for `phone_change`), so the database never holds a usable code. Numbers
listed in ORICOL_AUTH_SMS_TEST_OTP get their fixed code and no SMS, but the same pause between codes.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from oricol.sql import ident, param, raw, render

from . import errors, tokens, users

# verification type -> (one-time token type, the users column that says when the last code went out)
KINDS = {
    "sms": ("confirmation_token", "confirmation_sent_at"),
    "phone_change": ("phone_change_token", "phone_change_sent_at"),
}
TEST_MESSAGE_ID = "test-otp"


def test_code(state: Any, phone: str) -> str | None:
    return state.config.sms.test_otps.get(phone)


def check_frequency(state: Any, user: asyncpg.Record, kind: str) -> None:
    """GoTrue's per-number pause (SMS_MAX_FREQUENCY), applied to test numbers too."""
    sent_at = user[KINDS[kind][1]]
    pause = state.config.sms.max_frequency
    if not pause or sent_at is None:
        return
    left = sent_at + dt.timedelta(seconds=pause) - dt.datetime.now(dt.timezone.utc)
    if left.total_seconds() > 0:
        raise errors.error(429, "over_sms_send_rate_limit",
                           f"For security purposes, you can only request this after {int(left.total_seconds())} seconds.")


async def check_sms_budget(state: Any) -> None:
    """The SMS rate limit: codes texted per hour by all numbers together (GoTrue's RATE_LIMIT_SMS_SENT)."""
    limiter = state.limiter
    if not limiter.limits.enabled:
        return
    if await limiter.counters.add("sms:", 3600) > state.config.sms.sent_per_hour:
        raise errors.error(429, "over_sms_send_rate_limit", "SMS rate limit exceeded")


async def send(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, phone: str, kind: str,
               ip: str) -> str:
    """Texts a fresh code for `kind` to `phone` through the hook (or takes the number's test code),
    stores it, and answers GoTrue's message id ("test-otp" for a test code, else empty)."""
    token_type, sent_column = KINDS[kind]
    check_frequency(state, user, kind)
    if kind == "phone_change":
        user = await conn.fetchrow("update auth.users set phone_change = $2, updated_at = now() where id = $1 "
                                   "returning *", user["id"], phone)
    code, message_id = test_code(state, phone), TEST_MESSAGE_ID
    if code is None:
        message_id = ""
        if not state.config.sms.autoconfirm:
            await check_sms_budget(state)
        if state.sms is None:  # phone provider off, yet a code is due (a phone change): GoTrue's answer
            raise errors.error(500, "unexpected_failure", "Unable to get SMS provider")
        code = tokens.otp_code(state.config.sms.otp_length)
        await state.sms.send(conn, await _hook_payload(conn, user, phone, code, ip))
    await conn.execute(
        "insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at) "
        "values (gen_random_uuid(), $1, $2, $3, $4, now()::timestamp, now()::timestamp) "
        "on conflict (user_id, token_type) do update set token_hash = excluded.token_hash, "
        "relates_to = excluded.relates_to, created_at = excluded.created_at, updated_at = excluded.updated_at",
        user["id"], token_type, tokens.stored_hash(tokens.link_hash(phone, code)), phone)
    text, args = render(raw("update auth.users set ") + ident(sent_column) + raw(" = now() where id = ")
                        + param(user["id"]))
    await conn.execute(text, *args)
    return message_id


async def _hook_payload(conn: asyncpg.Connection, user: asyncpg.Record, phone: str, code: str,
                        ip: str) -> dict[str, Any]:
    """GoTrue's SendSMSInput: metadata, the user as /user shows it, and the code with its number."""
    now = dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    metadata = {"uuid": str(uuid.uuid4()), "time": now, "name": "send-sms", "ip_address": ip}
    return {"metadata": metadata, "user": await users.full_json(conn, user), "sms": {"otp": code, "phone": phone}}


async def verify(conn: asyncpg.Connection, state: Any, user: asyncpg.Record, phone: str, code: str,
                 kind: str) -> None:
    """Spends a valid code of `kind` for `phone`, or raises GoTrue's 403 otp_expired.

    A listed test number's fixed code is always good, as GoTrue's; nothing else is.
    """
    expected = test_code(state, phone)
    if expected is not None and tokens.same(code, expected):
        return
    token_type = KINDS[kind][0]
    found = await conn.fetchval(
        "delete from auth.one_time_tokens where user_id = $1 and token_type = $2 and token_hash = $3 "
        "and relates_to = $4 and created_at > now()::timestamp - make_interval(secs => $5) returning id",
        user["id"], token_type, tokens.stored_hash(tokens.link_hash(phone, code)), phone, state.config.sms.otp_expiry)
    if found is None:
        raise errors.otp_invalid()
