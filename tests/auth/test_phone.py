"""Phone sign-up and sign-in with texted codes, through supabase-py and supabase-js.

Codes reach a real HTTP receiver playing the SMS gateway behind GoTrue's "Send SMS" hook: it checks
every request's Standard Webhooks signature with its own HMAC and reads the code from the payload.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import jwt
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from oricol.config import ConfigError
from tests.support.node import run_node
from tests.support.stack import config_for

VERSION = {"X-Supabase-Api-Version": "2024-01-01"}
TEST_NUMBER, TEST_CODE = "+15550001111", "424242"
BLOCKED_SUFFIX = "0666"  # numbers the receiver refuses, as a gateway refusing a destination would


def secret() -> str:
    return "v1,whsec_" + base64.b64encode(os.urandom(32)).decode()


def new_number() -> str:
    return "+1555" + "".join(random.choice("0123456789") for _ in range(7))


class SmsReceiver:
    """A stand-in SMS gateway: POSTs must carry a valid signature; GET /code?phone= answers the last code."""

    def __init__(self, key: str):
        self.key = base64.b64decode(key.removeprefix("v1,whsec_"))
        self.payloads: list[dict[str, Any]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if not receiver.signed(self.headers, body):
                    receiver.bad_signatures += 1
                    return self._answer(401, {"error": "bad signature"})
                payload = json.loads(body)
                receiver.payloads.append(payload)
                if payload["sms"]["phone"].endswith(BLOCKED_SUFFIX):
                    return self._answer(200, {"error": {"http_code": 422, "message": "Destination refused"}})
                self._answer(200, {})

            def do_GET(self) -> None:
                phone = parse_qs(urlsplit(self.path).query)["phone"][0].lstrip("+")
                try:
                    self._answer(200, {"code": receiver.code_for(phone, timeout=2)})
                except AssertionError:
                    self._answer(404, {"code": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def signed(self, headers: Any, body: bytes) -> bool:
        """Standard Webhooks: base64 HMAC-SHA256 of `id.timestamp.body`, timestamp within five minutes."""
        message_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "0")
        if abs(time.time() - int(stamp)) > 300:
            return False
        expected = base64.b64encode(hmac.new(self.key, f"{message_id}.{stamp}.".encode() + body,
                                             hashlib.sha256).digest()).decode()
        offered = [part.strip().removeprefix("v1,") for part in headers.get("webhook-signature", "").split(" ")]
        return any(hmac.compare_digest(expected, sig.rstrip(",")) for sig in offered)

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        return [p for p in list(self.payloads) if p["sms"]["phone"] == phone.lstrip("+")]

    def code_for(self, phone: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent_to(phone)
            if found:
                return found[-1]["sms"]["otp"]
            time.sleep(0.02)
        raise AssertionError(f"no SMS to {phone}")


@pytest.fixture(scope="module")
def sms_keys() -> tuple[str, str]:
    return secret(), secret()


@pytest.fixture(scope="module")
def receiver(sms_keys):
    gateway = SmsReceiver(sms_keys[1])  # the second of two secrets: every configured secret signs
    yield gateway
    gateway.server.shutdown()


def phone_settings(receiver: SmsReceiver, sms_keys: tuple[str, str], **extra: str) -> dict[str, str]:
    return {"ORICOL_AUTH_PHONE_ENABLED": "true", "ORICOL_AUTH_HOOK_SEND_SMS_URI": receiver.url + "/sms",
            "ORICOL_AUTH_HOOK_SEND_SMS_SECRETS": "|".join(sms_keys),
            "ORICOL_AUTH_SMS_TEST_OTP": f"{TEST_NUMBER}={TEST_CODE}", "ORICOL_AUTH_SMS_MAX_FREQUENCY": "0", **extra}


@pytest.fixture
async def phone_live(live_servers, receiver, sms_keys):
    return (await live_servers(**phone_settings(receiver, sms_keys)))[0]


def claims_of(token: str, live: Any) -> dict[str, Any]:
    return jwt.decode(token, live.jwt_secret, algorithms=["HS256"], audience="authenticated")


async def test_sign_up_verify_and_password_sign_in(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number = new_number()
    digits = number[1:]
    up = auth.sign_up({"phone": number, "password": "phone-pass-1", "options": {"data": {"team": "red"}}})
    assert up.session is None and up.user.phone == digits and up.user.phone_confirmed_at is None
    payload = receiver.sent_to(number)[-1]
    assert payload["metadata"]["name"] == "send-sms" and payload["user"]["phone"] == digits
    assert payload["user"]["id"] == up.user.id and len(payload["sms"]["otp"]) == 6
    assert receiver.bad_signatures == 0
    with pytest.raises(AuthApiError) as unconfirmed:
        auth.sign_in_with_password({"phone": number, "password": "phone-pass-1"})
    assert (unconfirmed.value.status, unconfirmed.value.code) == (400, "phone_not_confirmed")
    assert unconfirmed.value.message == "Phone not confirmed"

    verified = auth.verify_otp({"phone": number, "token": receiver.code_for(number), "type": "sms"})
    assert verified.user.phone_confirmed_at is not None and verified.user.user_metadata == {"team": "red"}
    claims = claims_of(verified.session.access_token, phone_live)
    assert claims["phone"] == digits and claims["amr"][0]["method"] == "otp"
    assert claims["app_metadata"] == {"provider": "phone", "providers": ["phone"]}
    assert [i.provider for i in verified.user.identities] == ["phone"]

    signed_in = auth.sign_in_with_password({"phone": " " + number, "password": "phone-pass-1"})
    assert signed_in.user.id == up.user.id and claims_of(signed_in.session.access_token, phone_live)["phone"] == digits
    with pytest.raises(AuthApiError) as wrong:
        auth.sign_in_with_password({"phone": number, "password": "not-it-at-all"})
    assert (wrong.value.status, wrong.value.code) == (400, "invalid_credentials")
    # Signing up again with a confirmed number reveals nothing and texts nothing.
    sent = len(receiver.sent_to(number))
    again = auth.sign_up({"phone": number, "password": "other-pass-2"})
    assert again.user.id != up.user.id and again.session is None and len(receiver.sent_to(number)) == sent


async def test_sign_in_with_otp_creates_and_signs_in(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number = new_number()
    auth.sign_in_with_otp({"phone": number, "options": {"data": {"via": "otp"}}})
    first = auth.verify_otp({"phone": number, "token": receiver.code_for(number), "type": "sms"})
    assert first.user.phone == number[1:] and first.user.user_metadata == {"via": "otp"}
    # A known number gets a new code, and that one signs in the same user.
    auth.sign_in_with_otp({"phone": number, "options": {"should_create_user": False}})
    assert len(receiver.sent_to(number)) == 2
    second = auth.verify_otp({"phone": number, "token": receiver.code_for(number), "type": "sms"})
    assert second.user.id == first.user.id
    with pytest.raises(AuthApiError) as used:  # a code is good once
        auth.verify_otp({"phone": number, "token": receiver.code_for(number), "type": "sms"})
    assert (used.value.status, used.value.code) == (403, "otp_expired")


async def test_unknown_number_without_create_user(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number = new_number()
    with pytest.raises(AuthApiError) as refused:
        auth.sign_in_with_otp({"phone": number, "options": {"should_create_user": False}})
    assert (refused.value.status, refused.value.code, refused.value.message) == (
        422, "otp_disabled", "Signups not allowed for otp")
    assert receiver.sent_to(number) == []
    with pytest.raises(AuthApiError) as nobody:  # verifying for a number nobody has is a bad code
        auth.verify_otp({"phone": number, "token": "123456", "type": "sms"})
    assert (nobody.value.status, nobody.value.code, nobody.value.message) == (
        403, "otp_expired", "Token has expired or is invalid")


@pytest.mark.parametrize("number", ["+0123456789", "+1", "+1 555 abc 1234", "+1234567890123456"])
async def test_invalid_numbers(phone_live, number):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    calls = [lambda: auth.sign_up({"phone": number, "password": "phone-pass-1"}),
             lambda: auth.sign_in_with_otp({"phone": number}),
             lambda: auth.verify_otp({"phone": number, "token": "123456", "type": "sms"}),
             lambda: auth.resend({"phone": number, "type": "sms"})]
    for call in calls:
        with pytest.raises(AuthApiError) as invalid:
            call()
        assert (invalid.value.status, invalid.value.code, invalid.value.message) == (
            400, "validation_failed", "Invalid phone number format (E.164 required)")


async def test_wrong_and_expired_codes(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number = new_number()
    auth.sign_in_with_otp({"phone": number})
    code = receiver.code_for(number)
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    with pytest.raises(AuthApiError) as bad:
        auth.verify_otp({"phone": number, "token": wrong, "type": "sms"})
    assert (bad.value.status, bad.value.code) == (403, "otp_expired")
    conn = await asyncpg.connect(phone_live.db_url)
    try:  # the code's 60 seconds have passed
        await conn.execute("update auth.one_time_tokens set created_at = created_at - interval '61 seconds' "
                           "where user_id = (select id from auth.users where phone = $1)", number[1:])
    finally:
        await conn.close()
    with pytest.raises(AuthApiError) as expired:
        auth.verify_otp({"phone": number, "token": code, "type": "sms"})
    assert (expired.value.status, expired.value.code, expired.value.message) == (
        403, "otp_expired", "Token has expired or is invalid")


async def test_test_otp_sends_nothing(phone_live, receiver):
    def request_code() -> httpx.Response:
        return httpx.post(phone_live.url + "/auth/v1/otp", headers={"apikey": phone_live.anon_key, **VERSION},
                          json={"phone": TEST_NUMBER})
    first = request_code()
    assert first.status_code == 200 and first.json() == {}  # a new user: GoTrue answers as its signup does
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    session = auth.verify_otp({"phone": TEST_NUMBER, "token": TEST_CODE, "type": "sms"}).session
    assert claims_of(session.access_token, phone_live)["phone"] == TEST_NUMBER[1:]
    assert request_code().json() == {"message_id": "test-otp"}  # a confirmed number: GoTrue's message id
    again = auth.verify_otp({"phone": TEST_NUMBER, "token": TEST_CODE, "type": "sms"}).session
    assert again.user.id == session.user.id
    with pytest.raises(AuthApiError) as wrong:
        auth.verify_otp({"phone": TEST_NUMBER, "token": "111111", "type": "sms"})
    assert wrong.value.code == "otp_expired"
    assert receiver.sent_to(TEST_NUMBER) == []


async def test_send_frequency_and_sms_rate_limit(live_servers, receiver, sms_keys):
    live, _ = await live_servers(**phone_settings(receiver, sms_keys, ORICOL_AUTH_SMS_MAX_FREQUENCY="60",
                                                  ORICOL_AUTH_RATE_LIMITS="true", ORICOL_AUTH_RATE_LIMIT_SMS_SENT="2"))
    auth = create_client(live.url, live.anon_key).auth
    first, second, third = new_number(), new_number(), new_number()
    auth.sign_in_with_otp({"phone": first})
    with pytest.raises(AuthApiError) as too_soon:
        auth.resend({"phone": first, "type": "sms"})
    assert (too_soon.value.status, too_soon.value.code) == (429, "over_sms_send_rate_limit")
    assert too_soon.value.message.startswith("For security purposes, you can only request this after 5")
    auth.sign_in_with_otp({"phone": second})
    with pytest.raises(AuthApiError) as over:
        auth.sign_in_with_otp({"phone": third})
    assert (over.value.status, over.value.code, over.value.message) == (
        429, "over_sms_send_rate_limit", "SMS rate limit exceeded")
    assert len(receiver.sent_to(first)) == 1 and receiver.sent_to(third) == []


async def test_hook_refusal_reaches_the_client_and_keeps_nothing(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number = new_number()[:-4] + BLOCKED_SUFFIX
    with pytest.raises(AuthApiError) as refused:
        auth.sign_up({"phone": number, "password": "phone-pass-1"})
    assert (refused.value.status, refused.value.message) == (422, "Destination refused")
    with pytest.raises(AuthApiError) as absent:  # the sign-up was rolled back with the failed send
        auth.sign_in_with_otp({"phone": number, "options": {"should_create_user": False}})
    assert absent.value.code == "otp_disabled"


async def test_unsigned_or_failing_hook_is_a_server_error(live_servers, receiver):
    """The receiver refuses a signature made with a key it does not know (401): GoTrue's 500, nothing kept."""
    live, _ = await live_servers(ORICOL_AUTH_PHONE_ENABLED="true", ORICOL_AUTH_HOOK_SEND_SMS_URI=receiver.url + "/sms",
                                 ORICOL_AUTH_HOOK_SEND_SMS_SECRETS=secret())
    refused_before = receiver.bad_signatures
    number = new_number()
    response = httpx.post(live.url + "/auth/v1/otp", headers={"apikey": live.anon_key, **VERSION},
                          json={"phone": number})
    assert response.status_code == 500 and response.json() == {
        "code": "unexpected_failure", "message": "Hook requires authorization token"}
    assert receiver.bad_signatures == refused_before + 1 and receiver.sent_to(number) == []


async def test_resend_and_phone_change(phone_live, receiver):
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    number, new, other = new_number(), new_number(), new_number()
    auth.sign_up({"phone": number, "password": "phone-pass-1"})
    assert auth.resend({"phone": number, "type": "sms"}).message_id is None
    assert len(receiver.sent_to(number)) == 2
    resent = receiver.code_for(number)
    session = auth.verify_otp({"phone": number, "token": resent, "type": "sms"}).session
    assert session is not None
    # `other` belongs to someone else: taking it is GoTrue's phone_exists.
    admin = create_client(phone_live.url, phone_live.service_role_key).auth.admin
    auth.sign_up({"phone": other, "password": "phone-pass-2"})
    with pytest.raises(AuthApiError) as taken:
        auth.update_user({"phone": other})
    assert (taken.value.status, taken.value.code) == (422, "phone_exists")
    changed = auth.update_user({"phone": new}).user
    assert changed.phone == number[1:] and changed.new_phone == new[1:]
    assert receiver.sent_to(new)[-1]["user"]["new_phone"] == new[1:]
    auth.resend({"phone": number, "type": "phone_change"})
    assert len(receiver.sent_to(new)) == 2
    done = auth.verify_otp({"phone": new, "token": receiver.code_for(new), "type": "phone_change"})
    assert done.user.phone == new[1:] and claims_of(done.session.access_token, phone_live)["phone"] == new[1:]
    assert admin.get_user_by_id(done.user.id).user.phone == new[1:]
    assert auth.sign_in_with_password({"phone": new, "password": "phone-pass-1"}).user.id == done.user.id
    with pytest.raises(AuthApiError):
        auth.sign_in_with_password({"phone": number, "password": "phone-pass-1"})


async def test_admin_made_phone_users_sign_in(phone_live):
    admin = create_client(phone_live.url, phone_live.service_role_key).auth.admin
    number, unconfirmed = new_number(), new_number()
    made = admin.create_user({"phone": number, "password": "admin-phone-1", "phone_confirm": True}).user
    assert made.phone == number[1:] and made.phone_confirmed_at is not None and made.email in (None, "")
    assert made.app_metadata == {"provider": "phone", "providers": ["phone"]}
    assert [i.provider for i in made.identities] == ["phone"]
    auth = create_client(phone_live.url, phone_live.anon_key).auth
    assert auth.sign_in_with_password({"phone": number, "password": "admin-phone-1"}).user.id == made.id
    with pytest.raises(AuthApiError) as duplicate:
        admin.create_user({"phone": number, "password": "admin-phone-1"})
    assert (duplicate.value.status, duplicate.value.code) == (422, "phone_exists")
    with pytest.raises(AuthApiError) as invalid:
        admin.create_user({"phone": "+0", "password": "admin-phone-1"})
    assert invalid.value.message == "Invalid phone number format (E.164 required)"
    admin.create_user({"phone": unconfirmed, "password": "admin-phone-1"})
    with pytest.raises(AuthApiError) as not_confirmed:
        auth.sign_in_with_password({"phone": unconfirmed, "password": "admin-phone-1"})
    assert not_confirmed.value.code == "phone_not_confirmed"


async def test_phone_disabled_answers_as_gotrue(auth_live):
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    expectations = [
        (lambda: auth.sign_up({"phone": "+15551230000", "password": "phone-pass-1"}),
         (400, "phone_provider_disabled", "Phone signups are disabled")),
        (lambda: auth.sign_in_with_password({"phone": "+15551230000", "password": "phone-pass-1"}),
         (422, "phone_provider_disabled", "Phone logins are disabled")),
        (lambda: auth.sign_in_with_otp({"phone": "+15551230000"}),
         (400, "phone_provider_disabled", "Unsupported phone provider")),
        (lambda: auth.resend({"phone": "+15551230000", "type": "sms"}),
         (400, "phone_provider_disabled", "Phone logins are disabled")),
    ]
    for call, expected in expectations:
        with pytest.raises(AuthApiError) as refused:
            call()
        assert (refused.value.status, refused.value.code, refused.value.message) == expected
    settings = httpx.get(auth_live.url + "/auth/v1/settings", headers={"apikey": auth_live.anon_key}).json()
    assert settings["external"]["phone"] is False


def test_start_refuses_phone_without_a_sender(tmp_path: Path):
    with pytest.raises(ConfigError, match="ORICOL_AUTH_PHONE_ENABLED is true but no SMS sender"):
        config_for("postgresql://x@127.0.0.1/x", "a-long-test-password", tmp_path, ORICOL_AUTH_PHONE_ENABLED="true")
    with pytest.raises(ConfigError, match="only to localhost"):
        config_for("postgresql://x@127.0.0.1/x", "a-long-test-password", tmp_path, ORICOL_AUTH_PHONE_ENABLED="true",
                   ORICOL_AUTH_HOOK_SEND_SMS_URI="http://sms.example.com/hook",
                   ORICOL_AUTH_HOOK_SEND_SMS_SECRETS=secret())
    with pytest.raises(ConfigError, match="ORICOL_AUTH_HOOK_SEND_SMS_SECRETS"):
        config_for("postgresql://x@127.0.0.1/x", "a-long-test-password", tmp_path, ORICOL_AUTH_PHONE_ENABLED="true",
                   ORICOL_AUTH_HOOK_SEND_SMS_URI="https://sms.example.com/hook")


PG_HOOK = """
create table if not exists public.sms_outbox_t (phone text, otp text, payload jsonb);
create or replace function public.send_sms_t(event jsonb) returns jsonb language plpgsql as $$
begin
  insert into public.sms_outbox_t values (event->'sms'->>'phone', event->'sms'->>'otp', event);
  return '{}'::jsonb;
end $$;
grant usage on schema public to supabase_auth_admin;
grant insert on public.sms_outbox_t to supabase_auth_admin;
grant execute on function public.send_sms_t(jsonb) to supabase_auth_admin;
"""


async def test_postgres_function_hook(live_servers):
    live, _ = await live_servers(ORICOL_AUTH_PHONE_ENABLED="true",
                                 ORICOL_AUTH_HOOK_SEND_SMS_URI="pg-functions://postgres/public/send_sms_t")
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute(PG_HOOK)
        auth = create_client(live.url, live.anon_key).auth
        number = new_number()
        auth.sign_in_with_otp({"phone": number})
        row = await conn.fetchrow("select otp, payload from public.sms_outbox_t where phone = $1", number[1:])
    finally:
        await conn.close()
    assert json.loads(row["payload"])["user"]["phone"] == number[1:]
    assert auth.verify_otp({"phone": number, "token": row["otp"], "type": "sms"}).user.phone == number[1:]


@pytest.mark.node
async def test_js_phone_flows(phone_live, receiver):
    number, bad = new_number(), "+0999"
    result = run_node(f"""
const sb = anon();
const codeFor = async (phone) => (await (await fetch('{receiver.url}/code?phone=' + encodeURIComponent(phone))).json()).code;
const up = await sb.auth.signUp({{ phone: '{number}', password: 'js-phone-pass' }});
if (up.error) throw up.error;
const ver = await sb.auth.verifyOtp({{ phone: '{number}', token: await codeFor('{number}'), type: 'sms' }});
if (ver.error) throw ver.error;
const inn = await anon().auth.signInWithPassword({{ phone: '{number}', password: 'js-phone-pass' }});
const otp = await anon().auth.signInWithOtp({{ phone: '{bad}' }});
const unknown = await anon().auth.signInWithOtp({{ phone: '{new_number()}', options: {{ shouldCreateUser: false }} }});
const wrong = await anon().auth.verifyOtp({{ phone: '{number}', token: '000000', type: 'sms' }});
const pick = (e) => e && [e.status, e.code, e.message];
out({{ upPhone: up.data.user.phone, session: !!up.data.session, verified: ver.data.user.phone_confirmed_at !== null,
      same: inn.data.user && inn.data.user.id === up.data.user.id, invalid: pick(otp.error),
      unknown: pick(unknown.error), wrong: pick(wrong.error) }});
""", phone_live)
    assert result == {
        "upPhone": number[1:], "session": False, "verified": True, "same": True,
        "invalid": [400, "validation_failed", "Invalid phone number format (E.164 required)"],
        "unknown": [422, "otp_disabled", "Signups not allowed for otp"],
        "wrong": [403, "otp_expired", "Token has expired or is invalid"],
    }
