"""Auth as an OAuth 2.1 server: the client registry through supabase-js's and supabase-py's
`auth.admin.oauth`, and the authorization code flow with a real user — authorize over HTTP, consent
through supabase-js's `auth.oauth`, code for tokens at /oauth/token, the token read by REST under RLS."""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from supabase import create_client
from supabase_auth.errors import AuthApiError

from tests.auth.conftest import AUTOCONFIRM, unique_email
from tests.support.leaks import assert_clean
from tests.support.node import run_node

ENABLED = {**AUTOCONFIRM, "ORICOL_AUTH_OAUTH_SERVER_ENABLED": "true",
           "ORICOL_AUTH_OAUTH_SERVER_AUTHORIZATION_PATH": "/oauth/consent",
           "ORICOL_AUTH_OAUTH_SERVER_ALLOW_DYNAMIC_REGISTRATION": "true"}
CALLBACK = "http://localhost:7001/callback"
PASSWORD = "oauth-password-1"


@pytest.fixture
async def oauth_live(live_servers):
    return (await live_servers(**ENABLED))[0]


def _admin_headers(live) -> dict[str, str]:
    return {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def _new_client(live, **fields) -> dict:
    body = {"client_name": "Notes app", "redirect_uris": [CALLBACK], **fields}
    response = httpx.post(f"{live.url}/auth/v1/admin/oauth/clients", json=body, headers=_admin_headers(live))
    assert response.status_code == 201, response.text
    return response.json()


def _authorize(live, client_id: str, challenge: str | None, **extra) -> httpx.Response:
    """A third-party app sends the browser here; it holds no API key of ours."""
    params = {"client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code", "scope": "email profile",
              "state": "st-1", **extra}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return httpx.get(f"{live.url}/auth/v1/oauth/authorize", params=params, follow_redirects=False)


def _authorization_id(response: httpx.Response, live) -> str:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == live.config.auth.site_url + "/oauth/consent"
    return parse_qs(location.query)["authorization_id"][0]


def _user(live) -> str:
    email = unique_email("oauth")
    create_client(live.url, live.service_role_key).auth.admin.create_user(
        {"email": email, "password": PASSWORD, "email_confirm": True})
    return email


def _consent(live, email: str, authorization_id: str, action: str = "approve") -> dict:
    """The consent page: the signed-in user reads the request and answers it, through supabase-js."""
    return run_node(f"""
const sb = anon();
const signed = await sb.auth.signInWithPassword({{ email: '{email}', password: '{PASSWORD}' }});
if (signed.error) throw signed.error;
const details = await sb.auth.oauth.getAuthorizationDetails('{authorization_id}');
const answer = details.data && details.data.authorization_id
  ? await sb.auth.oauth.{'approveAuthorization' if action == 'approve' else 'denyAuthorization'}(
      '{authorization_id}', {{ skipBrowserRedirect: true }})
  : null;
const grants = await sb.auth.oauth.listGrants();
out({{ details: details.data, detailsError: details.error && details.error.code,
      answer: answer && answer.data, answerError: answer && answer.error && answer.error.message,
      grants: grants.data }});
""", live)


def _code_from(redirect_url: str) -> str:
    query = parse_qs(urlsplit(redirect_url).query)
    assert query["state"] == ["st-1"], redirect_url
    return query["code"][0]


def _token(live, form: dict, auth: tuple[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{live.url}/auth/v1/oauth/token", data=form, auth=auth)


@pytest.mark.node
async def test_admin_manages_clients_through_supabase_js(oauth_live):
    result = run_node(f"""
const oauth = service().auth.admin.oauth;
const made = await oauth.createClient({{ client_name: 'JS app', redirect_uris: ['{CALLBACK}'] }});
const pub = await oauth.createClient({{ client_name: 'JS public', redirect_uris: ['myapp://cb'], client_type: 'public' }});
const bad = await oauth.createClient({{ client_name: 'JS bad', redirect_uris: ['http://example.com/cb'] }});
const id = made.data.client_id;
const got = await oauth.getClient(id);
const page = await oauth.listClients({{ page: 1, perPage: 1 }});
const updated = await oauth.updateClient(id, {{ client_name: 'JS app 2',
                                               redirect_uris: ['{CALLBACK}', 'https://app.example/cb'] }});
const regenerated = await oauth.regenerateClientSecret(id);
const pubRegenerated = await oauth.regenerateClientSecret(pub.data.client_id);
const deleted = await oauth.deleteClient(id);
const gone = await oauth.getClient(id);
out({{ made: made.data, pub: pub.data, bad: bad.error && [bad.error.status, bad.error.code, bad.error.message],
      got: got.data,
      page: {{ n: page.data.clients.length, total: page.data.total, next: page.data.nextPage, aud: page.data.aud }},
      updated: updated.data, secret2: regenerated.data.client_secret,
      pubRegenerated: pubRegenerated.error && [pubRegenerated.error.status, pubRegenerated.error.message],
      deleted: deleted.error, gone: gone.error && [gone.error.status, gone.error.code] }});
""", oauth_live)
    made, pub = result["made"], result["pub"]
    assert made["client_type"] == "confidential" and made["token_endpoint_auth_method"] == "client_secret_basic"
    assert made["registration_type"] == "manual" and made["grant_types"] == ["authorization_code", "refresh_token"]
    assert made["response_types"] == ["code"] and made["redirect_uris"] == [CALLBACK] and made["client_secret"]
    assert pub["client_type"] == "public" and pub["token_endpoint_auth_method"] == "none"
    assert "client_secret" not in pub
    assert result["bad"] == [400, "validation_failed",
                             "invalid redirect_uri 'http://example.com/cb': HTTP scheme only allowed for localhost"]
    assert result["got"]["client_name"] == "JS app" and "client_secret" not in result["got"]
    assert result["page"]["n"] == 1 and result["page"]["total"] >= 2 and result["page"]["next"] == 2
    assert result["updated"]["client_name"] == "JS app 2" and len(result["updated"]["redirect_uris"]) == 2
    assert result["secret2"] and result["secret2"] != made["client_secret"]
    assert result["pubRegenerated"] == [400, "Cannot regenerate secret for public client"]
    assert result["deleted"] is None and result["gone"] == [404, "oauth_client_not_found"]
    conn = await asyncpg.connect(oauth_live.db_url)
    try:
        stored = await conn.fetchval("select client_secret_hash from auth.oauth_clients where id = $1",
                                     made["client_id"])
    finally:
        await conn.close()
    assert stored and result["secret2"] not in stored  # only a hash of the secret is kept


async def test_admin_manages_clients_through_supabase_py(oauth_live):
    oauth = create_client(oauth_live.url, oauth_live.service_role_key).auth.admin.oauth
    made = oauth.create_client({"client_name": "Py app", "redirect_uris": [CALLBACK],
                                "token_endpoint_auth_method": "client_secret_post"}).client
    assert made.client_secret and made.token_endpoint_auth_method == "client_secret_post"
    assert oauth.get_client(made.client_id).client.client_name == "Py app"
    renamed = oauth.update_client(made.client_id, {"client_name": "Py app 2"}).client
    assert renamed.client_name == "Py app 2" and renamed.redirect_uris == [CALLBACK]
    listed = oauth.list_clients()
    assert made.client_id in [c.client_id for c in listed.clients] and listed.total >= 1
    assert oauth.regenerate_client_secret(made.client_id).client.client_secret not in (None, made.client_secret)
    oauth.delete_client(made.client_id)
    with pytest.raises(AuthApiError) as missing:
        oauth.get_client(made.client_id)
    assert missing.value.code == "oauth_client_not_found"
    anon = {"apikey": oauth_live.anon_key, "authorization": f"Bearer {oauth_live.anon_key}"}
    refused = httpx.get(f"{oauth_live.url}/auth/v1/admin/oauth/clients", headers=anon)
    assert refused.status_code == 403 and refused.json()["error_code"] == "not_admin"


@pytest.mark.node
async def test_full_flow_token_works_under_rls_and_refreshes(oauth_live):
    live = oauth_live
    table = f"oauth_notes_{int(time.time() * 1000) % 10**9}"
    email, other = _user(live), _user(live)
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute(f"""
            create table public.{table} (id bigint generated always as identity primary key,
              owner uuid not null, body text);
            alter table public.{table} enable row level security;
            create policy own on public.{table} for select to authenticated using (owner = auth.uid());
            grant select on public.{table} to authenticated;
            insert into public.{table} (owner, body)
              select id, 'note of ' || email from auth.users where email in ('{email}', '{other}');
            notify pgrst, 'reload schema';
        """)
    finally:
        await conn.close()
    client = _new_client(live)
    verifier, challenge = _pkce()
    authorization_id = _authorization_id(_authorize(live, client["client_id"], challenge), live)
    consented = _consent(live, email, authorization_id)
    details = consented["details"]
    assert details["authorization_id"] == authorization_id and details["redirect_uri"] == CALLBACK
    assert details["client"] == {"id": client["client_id"], "name": "Notes app"}
    assert details["user"]["email"] == email and details["scope"] == "email profile"
    code = _code_from(consented["answer"]["redirect_url"])
    assert [g["client"]["id"] for g in consented["grants"]] == [client["client_id"]]
    assert consented["grants"][0]["scopes"] == ["email", "profile"]

    basic = (client["client_id"], client["client_secret"])
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    wrong_secret = _token(live, form, auth=(client["client_id"], "not-the-secret"))
    assert wrong_secret.status_code == 400 and wrong_secret.json()["error_code"] == "invalid_credentials"
    bad_verifier = _token(live, {**form, "code_verifier": "x" * 50}, auth=basic)
    assert bad_verifier.status_code == 400 and bad_verifier.json()["error"] == "invalid_grant"
    issued = _token(live, form, auth=basic)
    assert issued.status_code == 200, issued.text
    tokens = issued.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token"}
    claims = jwt.decode(tokens["access_token"], live.jwt_secret, algorithms=["HS256"], audience="authenticated")
    assert claims["client_id"] == client["client_id"] and claims["scope"] == "email profile"
    assert claims["amr"][0]["method"] == "oauth_provider/authorization_code"
    reused = _token(live, form, auth=basic)
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}

    rest_headers = {"apikey": live.anon_key, "authorization": f"Bearer {tokens['access_token']}"}
    rows = None
    for _ in range(50):  # the schema cache reloads asynchronously
        response = httpx.get(f"{live.url}/rest/v1/{table}?select=body", headers=rest_headers)
        if response.status_code == 200:
            rows = response.json()
            break
        time.sleep(0.1)
    assert rows == [{"body": f"note of {email}"}]
    info = httpx.get(f"{live.url}/auth/v1/oauth/userinfo", headers={"authorization": f"Bearer {tokens['access_token']}"})
    assert info.status_code == 200 and info.json()["email"] == email and info.json()["sub"] == claims["sub"]

    refreshed = _token(live, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, auth=basic)
    assert refreshed.status_code == 200, refreshed.text
    again = refreshed.json()
    assert again["refresh_token"] != tokens["refresh_token"]
    assert jwt.decode(again["access_token"], options={"verify_signature": False})["client_id"] == client["client_id"]
    # The session belongs to the client: the first-party refresh (no client) is refused, as GoTrue's.
    first_party = httpx.post(f"{live.url}/auth/v1/token?grant_type=refresh_token",
                             json={"refresh_token": again["refresh_token"]}, headers={"apikey": live.anon_key})
    assert first_party.status_code == 400 and first_party.json()["error"] == "invalid_client"


@pytest.mark.node
async def test_consent_is_remembered_then_revoked(oauth_live):
    live = oauth_live
    email = _user(live)
    client = _new_client(live, client_type="public")
    verifier, challenge = _pkce()
    first = _consent(live, email, _authorization_id(_authorize(live, client["client_id"], challenge), live))
    code = _code_from(first["answer"]["redirect_url"])
    public_form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                   "client_id": client["client_id"]}
    issued = _token(live, public_form)
    assert issued.status_code == 200, issued.text
    # A second request for the same scopes is approved without asking: the details are the redirect.
    verifier2, challenge2 = _pkce()
    second = _consent(live, email, _authorization_id(_authorize(live, client["client_id"], challenge2), live))
    assert set(second["details"]) == {"redirect_url"} and second["answer"] is None
    assert _token(live, {**public_form, "code": _code_from(second["details"]["redirect_url"]),
                         "code_verifier": verifier2}).status_code == 200
    revoked = run_node(f"""
const sb = anon();
await sb.auth.signInWithPassword({{ email: '{email}', password: '{PASSWORD}' }});
const revoked = await sb.auth.oauth.revokeGrant({{ clientId: '{client["client_id"]}' }});
const again = await sb.auth.oauth.revokeGrant({{ clientId: '{client["client_id"]}' }});
const grants = await sb.auth.oauth.listGrants();
out({{ revoked: revoked.error, again: again.error && again.error.code, grants: grants.data }});
""", live)
    assert revoked == {"revoked": None, "again": "oauth_consent_not_found", "grants": []}
    # Revoking ends the client's sessions: its refresh token no longer works.
    dead = _token(live, {"grant_type": "refresh_token", "refresh_token": issued.json()["refresh_token"],
                         "client_id": client["client_id"]})
    assert dead.status_code == 400 and dead.json()["error_code"] == "refresh_token_not_found"


@pytest.mark.node
async def test_denied_consent_redirects_with_access_denied(oauth_live):
    email = _user(oauth_live)
    client = _new_client(oauth_live)
    _, challenge = _pkce()
    authorization_id = _authorization_id(_authorize(oauth_live, client["client_id"], challenge), oauth_live)
    denied = _consent(oauth_live, email, authorization_id, action="deny")
    query = parse_qs(urlsplit(denied["answer"]["redirect_url"]).query)
    assert query == {"error": ["access_denied"], "error_description": ["User denied the request"], "state": ["st-1"]}
    assert denied["grants"] == []
    # Answered once: the request is no longer pending.
    again = _consent(oauth_live, email, authorization_id)
    assert again["detailsError"] == "validation_failed"


async def test_authorize_refuses_bad_requests_as_gotrue(oauth_live):
    live = oauth_live
    client = _new_client(live)
    _, challenge = _pkce()
    wrong_uri = _authorize(live, client["client_id"], challenge, redirect_uri="http://localhost:7001/other")
    assert wrong_uri.status_code == 400 and wrong_uri.json()["msg"] == "invalid redirect_uri"
    unknown = _authorize(live, "00000000-0000-0000-0000-000000000000", challenge)
    assert unknown.status_code == 400 and unknown.json()["error_code"] == "oauth_client_not_found"
    # With the client and its redirect_uri known, the error goes back to the client.
    no_pkce = _authorize(live, client["client_id"], None)
    assert no_pkce.status_code == 302
    query = parse_qs(urlsplit(no_pkce.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["st-1"]
    assert query["error_description"] == ["PKCE flow requires both code_challenge and code_challenge_method"]
    bad_scope = parse_qs(urlsplit(_authorize(live, client["client_id"], challenge, scope="admin")
                                  .headers["location"]).query)
    assert bad_scope["error_description"] == ["unsupported scope: admin"]
    short = _authorize(live, client["client_id"], None, code_challenge="abc", code_challenge_method="S256")
    assert "between 43 and 128" in parse_qs(urlsplit(short.headers["location"]).query)["error_description"][0]
    missing_grant = _token(live, {"code": "x"}, auth=(client["client_id"], client["client_secret"]))
    assert missing_grant.json() == {"error": "invalid_request", "error_description": "grant_type is required"}
    post_for_basic = _token(live, {"grant_type": "authorization_code", "code": "x", "client_id": client["client_id"],
                                   "client_secret": client["client_secret"]})
    assert post_for_basic.status_code == 400 and "registered for 'client_secret_basic'" in post_for_basic.json()["msg"]
    no_client = _token(live, {"grant_type": "authorization_code", "code": "x"})
    assert no_client.status_code == 400 and no_client.json()["error_code"] == "invalid_credentials"


async def test_discovery_and_dynamic_registration(oauth_live):
    live = oauth_live
    meta = httpx.get(f"{live.url}/auth/v1/.well-known/oauth-authorization-server").json()
    issuer = live.config.auth.external_url
    assert meta["issuer"] == issuer and meta["token_endpoint"] == issuer + "/oauth/token"
    assert meta["authorization_endpoint"] == issuer + "/oauth/authorize"
    assert meta["registration_endpoint"] == issuer + "/oauth/clients/register"
    assert meta["code_challenge_methods_supported"] == ["S256", "plain"]
    for root in ("/.well-known/oauth-authorization-server/auth/v1", "/.well-known/oauth-authorization-server"):
        assert httpx.get(live.url + root).json() == meta  # RFC 8414's address for the issuer, no key needed
    registered = httpx.post(f"{live.url}/auth/v1/oauth/clients/register",
                            json={"client_name": "MCP tool", "redirect_uris": [CALLBACK],
                                  "token_endpoint_auth_method": "none"})
    assert registered.status_code == 201, registered.text
    body = registered.json()
    assert body["registration_type"] == "dynamic" and body["client_type"] == "public" and "client_secret" not in body


@pytest.mark.node
async def test_disabled_server_answers_as_gotrue(auth_live):
    headers = _admin_headers(auth_live)
    for method, path in (("GET", "/admin/oauth/clients"), ("POST", "/admin/oauth/clients"),
                         ("GET", "/oauth/authorize?client_id=x&redirect_uri=y"), ("POST", "/oauth/token"),
                         ("GET", "/.well-known/oauth-authorization-server"), ("GET", "/oauth/authorizations/abc")):
        response = httpx.request(method, f"{auth_live.url}/auth/v1{path}", headers=headers, json={})
        assert response.status_code == 404, (path, response.text)
        assert response.json() == {"code": 404, "error_code": "feature_disabled", "msg": "OAuth server is disabled"}
    result = run_node("""
const list = await service().auth.admin.oauth.listClients();
out([list.error.status, list.error.code, list.data]);
""", auth_live)
    assert result == [404, "feature_disabled", {"clients": []}]


async def test_codes_are_bound_to_their_client_and_expire(oauth_live):
    live = oauth_live
    email = _user(live)
    owner, other = _new_client(live), _new_client(live)
    verifier, challenge = _pkce()
    authorization_id = _authorization_id(_authorize(live, owner["client_id"], challenge), live)
    # The consent page's calls are refused from an origin that is not ours.
    token = create_client(live.url, live.anon_key).auth.sign_in_with_password(
        {"email": email, "password": PASSWORD}).session.access_token
    foreign = httpx.get(f"{live.url}/auth/v1/oauth/authorizations/{authorization_id}",
                        headers={"apikey": live.anon_key, "authorization": f"Bearer {token}",
                                 "origin": "https://evil.example"})
    assert foreign.status_code == 400 and foreign.json()["msg"] == "unauthorized request origin"
    code = _code_from(_consent(live, email, authorization_id)["answer"]["redirect_url"])
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
    stolen = _token(live, form, auth=(other["client_id"], other["client_secret"]))
    assert stolen.json() == {"error": "invalid_grant",
                             "error_description": "Authorization code was not issued for this client"}
    conn = await asyncpg.connect(live.db_url)
    try:
        await conn.execute("update auth.oauth_authorizations set created_at = now() - interval '1 hour', "
                           "expires_at = now() - interval '1 minute' where authorization_id = $1", authorization_id)
    finally:
        await conn.close()
    late = _token(live, form, auth=(owner["client_id"], owner["client_secret"]))
    assert late.json() == {"error": "invalid_grant", "error_description": "Authorization code has expired"}


@pytest.mark.node
async def test_openid_scope_gets_an_id_token_signed_with_the_published_key(live_servers):
    live = (await live_servers(**ENABLED, ORICOL_AUTH_JWT_ALGORITHM="RS256"))[0]
    email = _user(live)
    client = _new_client(live)
    verifier, challenge = _pkce()
    response = _authorize(live, client["client_id"], challenge, scope="openid email", nonce="n-42")
    code = _code_from(_consent(live, email, _authorization_id(response, live))["answer"]["redirect_url"])
    issued = _token(live, {"grant_type": "authorization_code", "code": code, "code_verifier": verifier},
                    auth=(client["client_id"], client["client_secret"]))
    assert issued.status_code == 200, issued.text
    jwks = httpx.get(f"{live.url}/auth/v1/.well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(issued.json()["id_token"], key.key, algorithms=["RS256"], audience=client["client_id"])
    assert claims["nonce"] == "n-42" and claims["email"] == email and claims["email_verified"] is True
    assert claims["iss"] == live.config.auth.external_url and claims["client_id"] == client["client_id"]


FUZZ_TEXT = st.text(st.sampled_from("ab09:/?#=&%. \x00é'\"<>"), max_size=12) | st.sampled_from(["x" * 5000, ""])
FUZZ_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), FUZZ_TEXT,
                        st.lists(FUZZ_TEXT, max_size=3), st.dictionaries(FUZZ_TEXT, FUZZ_TEXT, max_size=2))
FUZZ_FIELDS = ["client_name", "redirect_uris", "grant_types", "client_type", "token_endpoint_auth_method",
               "client_uri", "logo_uri", "grant_type", "code", "refresh_token", "code_verifier", "client_id",
               "client_secret", "redirect_uri", "action", "resource"]
FUZZ_ROUTES = ["POST /admin/oauth/clients", "PUT /admin/oauth/clients/00000000-0000-0000-0000-000000000000",
               "PUT /admin/oauth/clients/not-a-uuid", "POST /oauth/clients/register", "POST /oauth/token",
               "POST /oauth/authorizations/abc%00def/consent", "GET /oauth/authorizations/" + "a" * 300]
AUTHORIZE_FIELDS = ["client_id", "redirect_uri", "response_type", "scope", "state", "resource", "code_challenge",
                    "code_challenge_method", "nonce"]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(FUZZ_ROUTES), body=st.dictionaries(st.sampled_from(FUZZ_FIELDS), FUZZ_VALUES, max_size=5),
       query=st.dictionaries(st.sampled_from(AUTHORIZE_FIELDS), FUZZ_TEXT, max_size=5))
def test_fuzzed_oauth_requests_get_no_5xx_and_no_internals(oauth_live, route, body, query):
    method, path = route.split(" ", 1)
    headers = _admin_headers(oauth_live)
    response = httpx.request(method, f"{oauth_live.url}/auth/v1{path}", json=body, headers=headers)
    assert_clean(response)
    authorize = httpx.get(f"{oauth_live.url}/auth/v1/oauth/authorize", params=query, follow_redirects=False)
    assert_clean(authorize)
