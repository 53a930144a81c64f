"""Rate limits (429), the custom access token hook, and asymmetric signing keys published as JWKS."""
from __future__ import annotations

import asyncpg
import httpx
import jwt
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from tests.auth.conftest import AUTOCONFIRM, unique_email
from tests.support.node import run_node

VERSION = {"X-Supabase-Api-Version": "2024-01-01"}


async def test_sign_in_rate_limit_per_ip(live_servers):
    live, _ = await live_servers(**AUTOCONFIRM, ORICOL_AUTH_RATE_LIMITS="true", ORICOL_AUTH_RATE_LIMIT_SIGN_IN="3")
    statuses = []
    for _ in range(4):
        response = httpx.post(live.url + "/auth/v1/token?grant_type=password",
                              headers={"apikey": live.anon_key, **VERSION},
                              json={"email": unique_email(), "password": "whatever-pass"})
        statuses.append((response.status_code, response.json()["code"]))
    assert statuses[:3] == [(400, "invalid_credentials")] * 3
    assert statuses[3] == (429, "over_request_rate_limit")


async def test_email_send_rate_limit(live_servers):
    live, mailbox = await live_servers(ORICOL_AUTH_RATE_LIMITS="true", ORICOL_AUTH_RATE_LIMIT_EMAIL_SENT="2")
    auth = create_client(live.url, live.anon_key).auth
    emails = [unique_email("limited") for _ in range(3)]
    auth.sign_in_with_otp({"email": emails[0]})
    auth.sign_in_with_otp({"email": emails[1]})
    with pytest.raises(AuthApiError) as limited:
        auth.sign_in_with_otp({"email": emails[2]})
    assert limited.value.status == 429 and limited.value.code == "over_email_send_rate_limit"
    assert mailbox.all_to(emails[2]) == []


HOOK = """
create or replace function public.claims_hook_t(event jsonb) returns jsonb language plpgsql as $$
declare
  claims jsonb := event->'claims';
begin
  if (event->'claims'->>'email') like 'blocked-%' then
    return jsonb_build_object('error', jsonb_build_object('http_code', 403, 'message', 'Not today'));
  end if;
  claims := jsonb_set(claims, '{user_role}', to_jsonb('agent'::text));
  claims := jsonb_set(claims, '{method}', event->'authentication_method');
  return jsonb_build_object('claims', claims);
end $$;
grant usage on schema public to supabase_auth_admin;
grant execute on function public.claims_hook_t(jsonb) to supabase_auth_admin;
revoke execute on function public.claims_hook_t(jsonb) from authenticated, anon, public;
"""


async def test_custom_access_token_hook(live_servers):
    live, _ = await live_servers(**AUTOCONFIRM,
                                 ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN="pg-functions://postgres/public/claims_hook_t")
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute(HOOK)
    finally:
        await conn.close()
    auth = create_client(live.url, live.anon_key).auth
    session = auth.sign_up({"email": unique_email("hooked"), "password": "hooked-pass"}).session
    claims = jwt.decode(session.access_token, live.jwt_secret, algorithms=["HS256"], audience="authenticated")
    assert claims["user_role"] == "agent" and claims["method"] == "password"
    refreshed = auth.refresh_session().session
    assert jwt.decode(refreshed.access_token, options={"verify_signature": False})["user_role"] == "agent"
    with pytest.raises(AuthApiError) as refused:
        auth.sign_up({"email": unique_email("blocked"), "password": "blocked-pass"})
    assert refused.value.status == 403 and refused.value.message == "Not today"


async def test_es256_tokens_are_published_and_accepted(live_servers):
    live, _ = await live_servers(**AUTOCONFIRM, ORICOL_AUTH_JWT_ALGORITHM="ES256")
    keys = httpx.get(live.url + "/auth/v1/.well-known/jwks.json").json()["keys"]  # open route
    assert len(keys) == 1 and keys[0]["alg"] == "ES256" and keys[0]["kty"] == "EC" and "d" not in keys[0]
    auth = create_client(live.url, live.anon_key).auth
    session = auth.sign_up({"email": unique_email("es256"), "password": "es256-pass"}).session
    header = jwt.get_unverified_header(session.access_token)
    assert header["alg"] == "ES256" and header["kid"] == keys[0]["kid"]
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(session.access_token, public, algorithms=["ES256"], audience="authenticated")
    assert claims["sub"] == session.user.id
    # The gateway (and so every service) accepts it; a token signed by another key is refused.
    assert auth.get_user(session.access_token).user.id == session.user.id
    from cryptography.hazmat.primitives.asymmetric import ec
    other = jwt.encode(claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                       headers={"kid": keys[0]["kid"]})
    refused = httpx.get(live.url + "/auth/v1/user", headers={"apikey": live.anon_key,
                                                            "authorization": f"Bearer {other}", **VERSION})
    assert refused.status_code == 403 and refused.json()["code"] == "bad_jwt"
    result = run_node("""
const sb = anon();
const { data, error } = await sb.auth.signInWithPassword({ email: process.env.EMAIL, password: 'es256-pass' });
if (error) throw error;
const claims = await sb.auth.getClaims();
out({ alg: claims.data.header.alg, sub: claims.data.claims.sub === data.user.id, error: claims.error });
""", live, env={"EMAIL": session.user.email})
    assert result == {"alg": "ES256", "sub": True, "error": None}
