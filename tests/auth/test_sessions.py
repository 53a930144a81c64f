"""Refresh-token rotation, reuse detection, sign-out scopes, SQL-made users, triggers, audit, tokens."""
from __future__ import annotations

import time

import httpx
import jwt
from supabase import create_client

from tests.auth.conftest import unique_email

VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


def post(live, path, body, token=None):
    headers = {"apikey": live.anon_key, **VERSION}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(live.url + "/auth/v1" + path, headers=headers, json=body)


def sign_up(live, email=None, password="rotation-pass"):
    response = post(live, "/signup", {"email": email or unique_email(), "password": password})
    assert response.status_code == 200, response.text
    return response.json()


async def test_refresh_token_is_single_use_with_a_reuse_interval(auth_live):
    session = sign_up(auth_live)
    first = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": session["refresh_token"]})
    assert first.status_code == 200
    # Within the reuse interval the same successor comes back (a client that lost the answer retries).
    again = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": session["refresh_token"]})
    assert again.status_code == 200 and again.json()["refresh_token"] == first.json()["refresh_token"]
    second = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": first.json()["refresh_token"]})
    assert second.status_code == 200


async def test_reuse_outside_the_interval_revokes_the_family(auth_live, live_db):
    session = sign_up(auth_live)
    first = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": session["refresh_token"]}).json()
    second = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": first["refresh_token"]}).json()
    # Age the revocation of the first token past the reuse interval.
    await live_db.execute("update auth.refresh_tokens set updated_at = now() - interval '1 hour' "
                          "where revoked and user_id = $1", session["user"]["id"])
    reused = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": session["refresh_token"]})
    assert reused.status_code == 400 and reused.json()["code"] == "refresh_token_already_used"
    # The whole session is gone: the live token of the family no longer works either.
    after = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": second["refresh_token"]})
    assert after.status_code == 400 and after.json()["code"] == "refresh_token_not_found"
    revoked = await live_db.fetchval("select count(*) from auth.audit_log_entries where payload->>'action' = "
                                     "'token_revoked' and payload->>'actor_id' = $1", session["user"]["id"])
    assert revoked == 1


async def test_unknown_refresh_token(auth_live):
    response = post(auth_live, "/token?grant_type=refresh_token", {"refresh_token": "made-up"})
    assert response.status_code == 400
    assert response.json() == {"code": "refresh_token_not_found",
                               "message": "Invalid Refresh Token: Refresh Token Not Found"}


async def test_logout_scopes(auth_live):
    email = unique_email()
    sign_up(auth_live, email, "scoped-pass")
    sessions = [post(auth_live, "/token?grant_type=password", {"email": email, "password": "scoped-pass"}).json()
                for _ in range(3)]

    def alive(session):
        return httpx.get(auth_live.url + "/auth/v1/user", headers={
            "apikey": auth_live.anon_key, "authorization": f"Bearer {session['access_token']}"}).status_code == 200

    assert post(auth_live, "/logout?scope=local", {}, sessions[0]["access_token"]).status_code == 204
    assert [alive(s) for s in sessions] == [False, True, True]
    assert post(auth_live, "/logout?scope=others", {}, sessions[1]["access_token"]).status_code == 204
    assert [alive(s) for s in sessions] == [False, True, False]
    assert post(auth_live, "/logout?scope=global", {}, sessions[1]["access_token"]).status_code == 204
    assert not alive(sessions[1])


async def test_users_made_by_sql_with_pgcrypto_can_sign_in(auth_live, live_db):
    email = unique_email("sql")
    await live_db.execute(
        "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at) "
        "values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', "
        "$1, extensions.crypt('pg-made-pass', extensions.gen_salt('bf')), now())", email)
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    result = auth.sign_in_with_password({"email": email, "password": "pg-made-pass"})
    assert result.user.email == email and result.user.app_metadata["provider"] == "email"
    # And the hashes we write are ones pgcrypto accepts.
    signed_up = unique_email("hash")
    sign_up(auth_live, signed_up, "our-own-hash")
    assert await live_db.fetchval("select encrypted_password = extensions.crypt('our-own-hash', encrypted_password) "
                                  "from auth.users where email = $1", signed_up)
    assert (await live_db.fetchval("select encrypted_password from auth.users where email = $1",
                                   signed_up)).startswith("$2a$10$")


async def test_insert_trigger_on_auth_users_fires_on_signup(auth_live, live_db):
    await live_db.execute("""
        create table if not exists public.profiles_t (id uuid primary key, email text, name text);
        create or replace function public.handle_new_user_t() returns trigger
        language plpgsql security definer set search_path = '' as $$
        begin
          insert into public.profiles_t (id, email, name) values (new.id, new.email, new.raw_user_meta_data->>'name');
          return new;
        end $$;
        drop trigger if exists on_auth_user_created_t on auth.users;
        create trigger on_auth_user_created_t after insert on auth.users
          for each row execute procedure public.handle_new_user_t();
    """)
    email = unique_email("trigger")
    response = post(auth_live, "/signup", {"email": email, "password": "trigger-pass", "data": {"name": "Grace"}})
    user_id = response.json()["user"]["id"]
    row = await live_db.fetchrow("select email, name from public.profiles_t where id = $1::uuid", user_id)
    assert dict(row) == {"email": email, "name": "Grace"}


async def test_audit_log_records_sign_ins_and_failures(auth_live, live_db):
    email = unique_email("audit")
    user_id = sign_up(auth_live, email, "audited-pass")["user"]["id"]
    post(auth_live, "/token?grant_type=password", {"email": email, "password": "wrong-pass"})
    actions = await live_db.fetch("select payload->>'action' as action from auth.audit_log_entries "
                                  "where payload->>'actor_id' = $1 order by created_at", user_id)
    assert [a["action"] for a in actions] == ["user_signedup", "login", "login_failed"]
    payloads = await live_db.fetch("select payload::text from auth.audit_log_entries where payload->>'actor_id' = $1",
                                   user_id)
    assert all("audited-pass" not in p["payload"] and "wrong-pass" not in p["payload"] for p in payloads)


async def test_gateway_accepts_our_tokens_and_refuses_tampered_or_expired_ones(auth_live):
    session = sign_up(auth_live)
    token = session["access_token"]

    def get_user(bearer):
        return httpx.get(auth_live.url + "/auth/v1/user", headers={
            "apikey": auth_live.anon_key, "authorization": f"Bearer {bearer}", **VERSION})

    assert get_user(token).status_code == 200
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}AAAA"
    assert get_user(tampered).status_code == 403 and get_user(tampered).json()["code"] == "bad_jwt"
    claims = jwt.decode(token, options={"verify_signature": False})
    expired = jwt.encode({**claims, "exp": int(time.time()) - 10}, auth_live.jwt_secret, algorithm="HS256")
    assert get_user(expired).status_code == 403
    forged = jwt.encode({**claims, "role": "service_role"}, "another-secret-of-at-least-32-bytes!", algorithm="HS256")
    assert get_user(forged).status_code == 403
    missing = httpx.get(auth_live.url + "/auth/v1/user", headers={"apikey": auth_live.anon_key, **VERSION})
    assert missing.status_code == 401 and missing.json()["code"] == "no_authorization"
    # supabase clients send the anon key as bearer when signed out: no user in it.
    assert get_user(auth_live.anon_key).status_code == 403 and get_user(auth_live.anon_key).json()["code"] == "bad_jwt"


async def test_sign_in_errors_for_unconfirmed_and_banned(auth_live, live_db):
    email = unique_email("banned")
    sign_up(auth_live, email, "banned-pass")
    await live_db.execute("update auth.users set banned_until = now() + interval '1 day' where email = $1", email)
    response = post(auth_live, "/token?grant_type=password", {"email": email, "password": "banned-pass"})
    assert response.status_code == 400 and response.json()["code"] == "user_banned"
