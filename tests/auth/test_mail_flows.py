"""Confirmation, recovery, OTP and magic links, PKCE, email change and reauthentication, with mails
read from what the live server sent."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from supabase import ClientOptions, create_client
from supabase_auth.errors import AuthApiError

from tests.auth.conftest import AUTOCONFIRM, code_in, link_in, unique_email

VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


def client(live, flow="implicit"):
    return create_client(live.url, live.anon_key, ClientOptions(flow_type=flow)).auth


def follow(live, link: str) -> httpx.Response:
    """Opens a mail link on the live server (links name the configured public URL, not its test port)."""
    parts = urlsplit(link)
    return httpx.get(live.url + parts.path + "?" + parts.query, follow_redirects=False)


def fragment(response: httpx.Response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).fragment).items()}


async def test_signup_confirmation_link_signs_in(mail_live):
    live, mailbox = mail_live
    auth = client(live)
    email = unique_email("confirm")
    result = auth.sign_up({"email": email, "password": "confirm-me-1",
                           "options": {"email_redirect_to": "http://localhost:8080/welcome"}})
    assert result.session is None and result.user.email == email and result.user.confirmation_sent_at
    with pytest.raises(AuthApiError) as unconfirmed:
        auth.sign_in_with_password({"email": email, "password": "confirm-me-1"})
    assert unconfirmed.value.code == "email_not_confirmed"
    mail = mailbox.last(email)
    assert mail.subject == "Confirm Your Signup"
    response = follow(live, link_in(mail))
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://localhost:8080/welcome#")
    params = fragment(response)
    assert params["type"] == "signup" and params["token_type"] == "bearer" and params["refresh_token"]
    user = auth.get_user(params["access_token"]).user
    assert user.email == email and user.email_confirmed_at is not None
    # The link is single use.
    again = follow(live, link_in(mail))
    assert fragment(again)["error_code"] == "otp_expired"
    assert auth.sign_in_with_password({"email": email, "password": "confirm-me-1"}).session


async def test_signup_code_verified_by_post(mail_live):
    live, mailbox = mail_live
    auth = client(live)
    email = unique_email("code")
    auth.sign_up({"email": email, "password": "code-me-please"})
    code = code_in(mailbox.last(email))
    with pytest.raises(AuthApiError) as wrong:
        auth.verify_otp({"email": email, "token": "000000" if code != "000000" else "111111", "type": "signup"})
    assert wrong.value.code == "otp_expired" and wrong.value.status == 403
    session = auth.verify_otp({"email": email, "token": code, "type": "signup"}).session
    assert session.user.email == email


async def test_tokens_are_stored_hashed_and_expire(mail_live, pg_server):
    import asyncpg
    live, mailbox = mail_live
    email = unique_email("hashed")
    client(live).sign_up({"email": email, "password": "hashed-pass"})
    mail = mailbox.last(email)
    code, link_token = code_in(mail), parse_qs(urlsplit(link_in(mail)).query)["token"][0]
    conn = await asyncpg.connect(live.db_url)
    try:
        stored = await conn.fetchval("select t.token_hash from auth.one_time_tokens t join auth.users u "
                                     "on u.id = t.user_id where u.email = $1", email)
        assert stored not in (code, link_token) and code not in stored and link_token not in stored
        await conn.execute("update auth.one_time_tokens set created_at = created_at - interval '2 hours' "
                           "where token_hash = $1", stored)
    finally:
        await conn.close()
    expired = httpx.post(live.url + "/auth/v1/verify", headers={"apikey": live.anon_key, **VERSION},
                         json={"type": "signup", "token_hash": link_token})
    assert expired.status_code == 403 and expired.json()["code"] == "otp_expired"


async def test_recovery_by_token_hash_then_new_password(mail_live):
    live, mailbox = mail_live
    auth = client(live)
    email = unique_email("recover")
    auth.sign_up({"email": email, "password": "forgotten-pass"})
    auth.verify_otp({"email": email, "token": code_in(mailbox.last(email)), "type": "signup"})
    auth.sign_out()
    auth.reset_password_for_email(email, {"redirect_to": "http://localhost:8080/reset"})
    mail = mailbox.last(email, subject="Reset Your Password")
    token_hash = parse_qs(urlsplit(link_in(mail)).query)["token"][0]
    session = auth.verify_otp({"token_hash": token_hash, "type": "recovery"}).session
    assert session is not None
    auth.update_user({"password": "remembered-pass"})
    auth.sign_out()
    assert auth.sign_in_with_password({"email": email, "password": "remembered-pass"}).session


async def test_recover_answers_the_same_for_unknown_addresses(mail_live):
    live, mailbox = mail_live
    nobody = unique_email("nobody")
    response = httpx.post(live.url + "/auth/v1/recover", headers={"apikey": live.anon_key}, json={"email": nobody})
    assert response.status_code == 200 and response.json() == {}
    assert mailbox.all_to(nobody) == []


async def test_otp_code_and_magic_link(mail_live):
    live, mailbox = mail_live
    auth = client(live)
    email = unique_email("otp")
    with pytest.raises(AuthApiError) as refused:
        auth.sign_in_with_otp({"email": email, "options": {"should_create_user": False}})
    assert refused.value.code == "otp_disabled"
    auth.sign_in_with_otp({"email": email})  # creates the user, sends a confirmation with a code
    session = auth.verify_otp({"email": email, "token": code_in(mailbox.last(email)), "type": "email"}).session
    assert session.user.email_confirmed_at is not None
    auth.sign_out()
    auth.sign_in_with_otp({"email": email, "options": {"email_redirect_to": "http://localhost:8080/in"}})
    mail = mailbox.last(email, subject="Magic Link")
    response = follow(live, link_in(mail))
    assert response.headers["location"].startswith("http://localhost:8080/in#")
    params = fragment(response)
    assert params["type"] == "magiclink"
    assert auth.get_user(params["access_token"]).user.email == email


async def test_mail_frequency_limit_per_user(mail_live):
    live, _ = mail_live
    auth = client(live)
    email = unique_email("twice")
    auth.sign_in_with_otp({"email": email})
    with pytest.raises(AuthApiError) as limited:
        auth.sign_in_with_otp({"email": email})
    assert limited.value.status == 429 and limited.value.code == "over_email_send_rate_limit"


async def test_pkce_signup_and_recovery(mail_live):
    live, mailbox = mail_live
    auth = client(live, "pkce")
    email = unique_email("pkce")
    auth.sign_up({"email": email, "password": "pkce-password",
                  "options": {"email_redirect_to": "http://localhost:8080/cb"}})
    response = follow(live, link_in(mailbox.last(email)))
    location = urlsplit(response.headers["location"])
    assert location.path == "/cb" and not location.fragment
    code = parse_qs(location.query)["code"][0]
    session = auth.exchange_code_for_session({"auth_code": code}).session
    assert session.user.email == email
    # A code is good once, and only with its verifier.
    reused = httpx.post(live.url + "/auth/v1/token?grant_type=pkce", headers={"apikey": live.anon_key, **VERSION},
                        json={"auth_code": code, "code_verifier": "x" * 50})
    assert reused.status_code == 404 and reused.json()["code"] == "flow_state_not_found"
    auth.sign_out()
    auth.reset_password_for_email(email)
    link = link_in(mailbox.last(email, subject="Reset Your Password"))
    code = parse_qs(urlsplit(follow(live, link).headers["location"]).query)["code"][0]
    wrong = httpx.post(live.url + "/auth/v1/token?grant_type=pkce", headers={"apikey": live.anon_key, **VERSION},
                       json={"auth_code": code, "code_verifier": "y" * 50})
    assert wrong.status_code == 403 and wrong.json()["code"] == "bad_code_verifier"


async def test_redirects_outside_the_allow_list_go_to_the_site_url(mail_live):
    live, mailbox = mail_live
    email = unique_email("redirect")
    client(live).sign_up({"email": email, "password": "redirect-pass",
                          "options": {"email_redirect_to": "https://evil.example.net/steal"}})
    location = follow(live, link_in(mailbox.last(email))).headers["location"]
    assert location.startswith("http://localhost:8080#")


async def test_secure_email_change_needs_both_mails(live_servers):
    live, mailbox = await live_servers(**AUTOCONFIRM)
    auth = client(live)
    old, new = unique_email("old"), unique_email("new")
    auth.sign_up({"email": old, "password": "changing-pass"})
    user = auth.update_user({"email": new}).user
    assert user.new_email == new and user.email == old
    to_new, to_old = mailbox.last(new), mailbox.last(old, subject="Confirm Email Change")
    first = auth.verify_otp({"email": new, "token": code_in(to_new), "type": "email_change"})
    assert first.session is None
    assert auth.get_user().user.email == old
    second = auth.verify_otp({"email": old, "token": code_in(to_old), "type": "email_change"})
    assert second.session.user.email == new
    auth.sign_out()
    assert auth.sign_in_with_password({"email": new, "password": "changing-pass"}).user.email == new


async def test_reauthentication_nonce_for_password_change(live_servers):
    live, mailbox = await live_servers(**AUTOCONFIRM, ORICOL_AUTH_SECURE_PASSWORD_CHANGE="true")
    auth = client(live)
    email = unique_email("reauth")
    auth.sign_up({"email": email, "password": "before-pass"})
    with pytest.raises(AuthApiError) as needed:
        auth.update_user({"password": "after-pass1"})
    assert needed.value.code == "reauthentication_needed"
    auth.reauthenticate()
    nonce = code_in(mailbox.last(email, subject="Confirm Reauthentication"))
    with pytest.raises(AuthApiError) as wrong:
        auth.update_user({"password": "after-pass1", "nonce": "000000" if nonce != "000000" else "111111"})
    assert wrong.value.code == "reauthentication_not_valid"
    auth.update_user({"password": "after-pass1", "nonce": nonce})
    auth.sign_out()
    assert auth.sign_in_with_password({"email": email, "password": "after-pass1"}).session


async def test_resend_signup_confirmation(mail_live):
    live, mailbox = mail_live
    email = unique_email("resend")
    client(live).sign_up({"email": email, "password": "resend-pass"})
    first = mailbox.last(email)
    import asyncpg
    conn = await asyncpg.connect(live.db_url)
    try:  # pretend the first mail went out long ago, past the per-user pause
        await conn.execute("update auth.users set confirmation_sent_at = now() - interval '2 minutes' "
                           "where email = $1", email)
    finally:
        await conn.close()
    client(live).resend({"type": "signup", "email": email})
    mails = mailbox.all_to(email)
    assert len(mails) == 2
    if code_in(first) != code_in(mails[1]):  # (one time in a million the new code is the same)
        old = httpx.post(live.url + "/auth/v1/verify", headers={"apikey": live.anon_key, **VERSION},
                         json={"type": "signup", "email": email, "token": code_in(first)})
        assert old.status_code == 403  # only the newest token works
    assert client(live).verify_otp({"email": email, "token": code_in(mails[1]), "type": "signup"}).session


async def test_disabled_and_unknown_providers_are_refused_in_gotrue_shape(mail_live):
    live, _ = mail_live
    disabled = httpx.get(live.url + "/auth/v1/authorize?provider=github")  # open route
    assert disabled.status_code == 400
    assert disabled.json() == {"code": 400, "error_code": "validation_failed",
                               "msg": "Unsupported provider: provider is not enabled"}
    unknown = httpx.get(live.url + "/auth/v1/authorize?provider=myspace")
    assert unknown.status_code == 400
    assert unknown.json() == {"code": 400, "error_code": "validation_failed",
                              "msg": "Unsupported provider: Provider myspace could not be found"}


async def test_second_signup_of_an_unconfirmed_address_does_not_replace_the_password(mail_live):
    live, mailbox = mail_live
    email = unique_email("takeover")
    client(live).sign_up({"email": email, "password": "owner-password"})
    import asyncpg
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute("update auth.users set confirmation_sent_at = now() - interval '2 minutes' "
                           "where email = $1", email)
    finally:
        await conn.close()
    client(live).sign_up({"email": email, "password": "attacker-password"})
    auth = client(live)
    auth.verify_otp({"email": email, "token": code_in(mailbox.last(email)), "type": "signup"})
    auth.sign_out()
    with pytest.raises(AuthApiError):
        auth.sign_in_with_password({"email": email, "password": "attacker-password"})
    assert auth.sign_in_with_password({"email": email, "password": "owner-password"}).session
