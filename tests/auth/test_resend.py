"""POST /resend as GoTrue's Resend: validation in its order, `{}` for unknown or confirmed users, the
per-user pause, PKCE links, and both mails of a secure email change."""
from __future__ import annotations

import json

import asyncpg
import httpx
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from tests.auth.conftest import link_in, unique_email
from tests.support.node import run_node

VERSION = {"x-supabase-api-version": "2024-01-01"}


def resend(live, body: dict) -> httpx.Response:
    return httpx.post(live.url + "/auth/v1/resend", json=body, headers={"apikey": live.anon_key, **VERSION})


async def _backdate(live, email: str, column: str) -> None:
    conn = await asyncpg.connect(live.db_url)
    try:  # the first mail went out long ago, past the per-user pause
        await conn.execute(f"update auth.users set {column} = now() - interval '2 minutes' where email = $1", email)
    finally:
        await conn.close()


@pytest.mark.parametrize("body, message", [
    ({"type": "magiclink", "email": "a@example.com"},
     "Missing one of these types: signup, email_change, sms, phone_change"),
    ({"type": "signup"}, "Type provided requires an email address"),
    ({"type": "signup", "email": "a@example.com", "phone": "+15555550100"},
     "Only an email address or phone number should be provided."),
    ({"type": "email_change"}, "Missing email address or phone number"),
    ({"type": "signup", "email": "a@b..com"}, "Unable to validate email address: invalid format"),
    ({"type": "signup", "email": "a@example.com", "code_challenge": "c" * 43},
     "PKCE flow requires code_challenge_method and code_challenge"),
])
async def test_resend_validates_as_gotrue(mail_live, body, message):
    live, _ = mail_live
    response = resend(live, body)
    assert (response.status_code, response.json()) == (400, {"code": "validation_failed", "message": message})


async def test_unknown_and_confirmed_users_get_an_empty_answer_and_no_mail(mail_live):
    live, mailbox = mail_live
    unknown = unique_email("nobody")
    assert (resend(live, {"type": "signup", "email": unknown}).json()) == {}
    admin = {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}
    confirmed = unique_email("confirmed")
    httpx.post(live.url + "/auth/v1/admin/users", headers=admin,
               json={"email": confirmed, "password": "confirmed-pw", "email_confirm": True})
    auth = create_client(live.url, live.anon_key).auth
    auth.resend({"type": "signup", "email": confirmed})  # supabase-py: no error
    assert resend(live, {"type": "email_change", "email": confirmed}).json() == {}  # no change pending
    assert mailbox.all_to(unknown) == [] and mailbox.all_to(confirmed) == []


async def test_resend_within_the_pause_is_refused_with_the_wait(mail_live):
    live, mailbox = mail_live
    email = unique_email("hasty")
    auth = create_client(live.url, live.anon_key).auth
    auth.sign_up({"email": email, "password": "hasty-password"})
    with pytest.raises(AuthApiError) as refused:
        auth.resend({"type": "signup", "email": email})
    assert refused.value.status == 429 and refused.value.code == "over_email_send_rate_limit"
    assert refused.value.message.startswith("For security purposes, you can only request this after ")
    assert len(mailbox.all_to(email)) == 1


@pytest.mark.node
async def test_pkce_resend_through_supabase_js_ends_in_a_code(mail_live):
    live, mailbox = mail_live
    email = unique_email("pkce-resend")
    run_node(f"""
const sb = createClient(URL_, ANON_KEY, {{ ...options, auth: {{ ...options.auth, flowType: 'pkce' }} }});
const up = await sb.auth.signUp({{ email: '{email}', password: 'pkce-resend-pw' }});
if (up.error) throw up.error;
out({{}});
""", live)
    await _backdate(live, email, "confirmation_sent_at")
    result = run_node(f"""
const sb = createClient(URL_, ANON_KEY, {{ ...options, auth: {{ ...options.auth, flowType: 'pkce' }} }});
const {{ error }} = await sb.auth.resend({{ type: 'signup', email: '{email}' }});
if (error) throw error;
const verifier = await sb.auth.storage.getItem(sb.auth.storageKey + '-code-verifier');
out({{ verifier }});
""", live)
    verifier = json.loads(result["verifier"]).split("/")[0]  # stored JSON-encoded by auth-js
    link = link_in(mailbox.all_to(email)[-1])
    assert "token=pkce_" in link
    path = link[link.index("/auth/v1/"):]  # the link names the configured public URL; the server is on a test port
    landed = httpx.get(live.url + path, follow_redirects=False).headers["location"]
    code = httpx.URL(landed).params["code"]
    exchanged = httpx.post(live.url + "/auth/v1/token", params={"grant_type": "pkce"},
                           headers={"apikey": live.anon_key},
                           json={"auth_code": code, "code_verifier": verifier})
    assert exchanged.status_code == 200, exchanged.text
    assert exchanged.json()["user"]["email"] == email


async def test_resend_email_change_mails_both_addresses(mail_live):
    live, mailbox = mail_live
    email, new_email = unique_email("mover"), unique_email("moved")
    admin = {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}
    httpx.post(live.url + "/auth/v1/admin/users", headers=admin,
               json={"email": email, "password": "mover-password", "email_confirm": True})
    auth = create_client(live.url, live.anon_key).auth
    auth.sign_in_with_password({"email": email, "password": "mover-password"})
    auth.update_user({"email": new_email})
    await _backdate(live, email, "email_change_sent_at")
    auth.resend({"type": "email_change", "email": email})
    assert len(mailbox.all_to(new_email)) == 2 and len(mailbox.all_to(email)) == 2
