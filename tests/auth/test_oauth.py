"""Third-party sign-in (/authorize, /callback) against a real identity provider on a port.

supabase-js drives the flows that end in a session (PKCE with exchangeCodeForSession, and the implicit
flow read from the URL as a browser client reads it); httpx plays the browser for the failures, where
what matters is where the browser is sent and with which `error`, `error_code`, `error_description`.
"""
from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urljoin, urlsplit

import asyncpg
import httpx
import pytest

from oricol.mailer import MemoryMailer
from tests.auth.conftest import Mailbox, link_in, unique_email
from tests.support import pg
from tests.support.idp import IdentityProvider
from tests.support.node import run_node
from tests.support.stack import LiveServer, config_for

SITE = "http://app.test"
APP = "http://localhost:3000/welcome"
ALLOW_LIST = "http://localhost:3000/**,myapp://callback"
PROVIDERS = ("github", "gitlab", "google", "azure", "oidc")


@pytest.fixture(scope="session")
async def oauth_live(pg_server, template_db, tmp_path_factory, idp):
    """GoTrue's defaults (no autoconfirm), every provider but keycloak pointed at the test IdP."""
    name = await pg.clone(pg_server, template_db)
    port = pg.free_port()
    mailer = MemoryMailer()
    config = config_for(pg_server.url_for(name), pg_server.password, tmp_path_factory.mktemp("oauth"),
                        ORICOL_AUTH_EXTERNAL_URL=f"http://127.0.0.1:{port}/auth/v1", ORICOL_AUTH_SITE_URL=SITE,
                        ORICOL_AUTH_REDIRECT_URLS=ALLOW_LIST, **idp.env())
    server = LiveServer(config, mailer=mailer, port=port)
    await asyncio.to_thread(server.start)
    yield server, Mailbox(mailer)
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)


@pytest.fixture
async def db(oauth_live):
    conn = await asyncpg.connect(oauth_live[0].db_url)
    yield conn
    await conn.close()


def browse(live: LiveServer, idp: IdentityProvider, url: str, headers: dict | None = None) -> tuple[int, str]:
    """Follows redirects while they stay on auth or the IdP; the last status and where it sent the browser."""
    status = 0
    with httpx.Client(follow_redirects=False, timeout=15) as http:
        for _ in range(8):
            if not url.startswith((live.url, idp.url)):
                return status, url
            response = http.get(url, headers=headers or {})
            assert response.status_code in (302, 303), (url, response.status_code, response.text)
            status, url = response.status_code, urljoin(url, response.headers["location"])
    raise AssertionError("redirect loop")


def authorize_url(live: LiveServer, provider: str, **params: str) -> str:
    return str(httpx.URL(live.url + "/auth/v1/authorize", params={"provider": provider, **params}))


def error_of(url: str) -> tuple[dict, dict]:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    fragment = {k: v[0] for k, v in parse_qs(parts.fragment).items()}
    return query, fragment


JS_BROWSE = """
// The browser's part: follow the redirects through auth and the provider until the app is reached.
async function browse(url) {
  for (let i = 0; i < 8; i++) {
    if (url.startsWith('http://localhost:3000') || url.startsWith('http://app.test')) return url;
    const response = await fetch(url, { redirect: 'manual' });
    url = new URL(response.headers.get('location'), url).toString();
  }
  throw new Error('redirect loop');
}
"""


@pytest.mark.node
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_pkce_sign_in_ends_in_a_session_with_supabase_js(oauth_live, idp, db, provider):
    live, _ = oauth_live
    person = idp.person(unique_email(provider), name="Ada Lovelace")
    result = run_node(JS_BROWSE + f"""
const sb = createClient(URL_, ANON_KEY, {{ ...options, auth: {{ ...options.auth, flowType: 'pkce' }} }});
const started = await sb.auth.signInWithOAuth({{ provider: '{provider}',
  options: {{ redirectTo: '{APP}', queryParams: {{ login_hint: '{person.login}' }} }} }});
if (started.error) throw started.error;
const landed = await browse(started.data.url);
const code = new URL(landed).searchParams.get('code');
const verifier = await sb.auth.storage.getItem(sb.auth.storageKey + '-code-verifier');
const exchanged = await sb.auth.exchangeCodeForSession(code);
if (exchanged.error) throw exchanged.error;
const again = await (await fetch(URL_ + '/auth/v1/token?grant_type=pkce', {{ method: 'POST',
  headers: {{ apikey: ANON_KEY, 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' }},
  body: JSON.stringify({{ auth_code: code, code_verifier: verifier.split('/')[0] }}) }})).json();
const user = await sb.auth.getUser();
const s = exchanged.data.session;
out({{ authorizeUrl: started.data.url, landed: landed.split('?')[0], email: user.data.user.email,
      confirmed: !!user.data.user.email_confirmed_at, app: user.data.user.app_metadata,
      identities: user.data.user.identities.map(i => [i.provider, i.identity_data.email, i.identity_data.email_verified]),
      name: user.data.user.user_metadata.full_name || user.data.user.user_metadata.name, providerToken: !!s.provider_token,
      amr: JSON.parse(Buffer.from(s.access_token.split('.')[1], 'base64url')).amr.map(a => a.method),
      againError: again.code }});
""", live)
    assert "code_challenge=" in result["authorizeUrl"] and "code_challenge_method=s256" in result["authorizeUrl"]
    assert result["landed"] == APP
    assert result["email"] == person.email and result["confirmed"] is True
    assert result["app"] == {"provider": provider, "providers": [provider]}
    assert result["identities"] == [[provider, person.email, True]]
    assert result["name"] == "Ada Lovelace"
    assert result["providerToken"] is True and result["amr"] == ["oauth"]
    assert result["againError"] == "flow_state_not_found"  # a code works once
    sent = idp.authorize_requests[-1]
    assert sent["login_hint"] == person.login and sent["redirect_uri"] == live.url + "/auth/v1/callback"
    assert ("nonce" in sent) == (provider in ("google", "azure", "oidc"))
    assert await db.fetchval("select count(*) from auth.flow_state where provider_type = $1 and user_id = "
                             "(select id from auth.users where email = $2)", provider, person.email) == 0


@pytest.mark.node
async def test_implicit_flow_session_read_from_the_url_by_supabase_js(oauth_live, idp):
    live, _ = oauth_live
    person = idp.person(unique_email("implicit"))
    result = run_node(JS_BROWSE + f"""
const starter = createClient(URL_, ANON_KEY, {{ ...options, auth: {{ ...options.auth, flowType: 'implicit' }} }});
const started = await starter.auth.signInWithOAuth({{ provider: 'google',
  options: {{ redirectTo: '{APP}', queryParams: {{ login_hint: '{person.login}', access_type: 'offline' }} }} }});
const landed = await browse(started.data.url);
// Now be the app's page at that address: the client reads the session from the URL, as in a browser.
globalThis.window = {{ location: {{ href: landed, hash: new URL(landed).hash }}, history: {{ replaceState() {{}} }} }};
globalThis.document = {{}};
const sb = createClient(URL_, ANON_KEY,
  {{ ...options, auth: {{ ...options.auth, flowType: 'implicit', detectSessionInUrl: true }} }});
const {{ data, error }} = await sb.auth.getSession();
if (error) throw error;
const keys = [...new URLSearchParams(new URL(landed).hash.slice(1)).keys()].sort();
out({{ challenge: started.data.url.includes('code_challenge'), keys, email: data.session.user.email,
      provider: data.session.user.app_metadata.provider, providerToken: !!data.session.provider_token }});
""", live)
    assert result == {"challenge": False, "email": person.email, "provider": "google", "providerToken": True,
                      "keys": ["access_token", "expires_at", "expires_in", "provider_refresh_token", "provider_token",
                               "refresh_token", "token_type"]}
    assert idp.authorize_requests[-1]["access_type"] == "offline"  # the client's queryParams reach the provider


async def test_settings_list_the_enabled_providers(oauth_live):
    live, _ = oauth_live
    external = httpx.get(live.url + "/auth/v1/settings", headers={"apikey": live.anon_key}).json()["external"]
    assert {name: external[name] for name in PROVIDERS + ("keycloak", "apple", "email")} == {
        "github": True, "gitlab": True, "google": True, "azure": True, "oidc": True, "keycloak": False,
        "apple": False, "email": True}


async def test_verified_address_links_to_the_existing_user(oauth_live, idp, db):
    live, _ = oauth_live
    email = unique_email("linked")
    admin = {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}
    created = httpx.post(live.url + "/auth/v1/admin/users", headers=admin,
                         json={"email": email, "password": "owner-password", "email_confirm": True}).json()
    person = idp.person(email.upper())  # providers may spell it differently
    status, landed = browse(live, idp, authorize_url(live, "github", redirect_to=APP, login_hint=person.login))
    fragment = error_of(landed)[1]
    assert status == 302 and landed.startswith(APP + "#access_token=")
    me = httpx.get(live.url + "/auth/v1/user", headers={"apikey": live.anon_key,
                                                        "authorization": f"Bearer {fragment['access_token']}"}).json()
    assert me["id"] == created["id"]
    assert sorted(i["provider"] for i in me["identities"]) == ["email", "github"]
    assert me["app_metadata"]["providers"] == ["email", "github"] and me["app_metadata"]["provider"] == "email"
    password = httpx.post(live.url + "/auth/v1/token?grant_type=password", headers={"apikey": live.anon_key},
                          json={"email": email, "password": "owner-password"})
    assert password.status_code == 200  # a confirmed owner keeps the password
    # Signing in again finds the identity: no new user, no new identity.
    browse(live, idp, authorize_url(live, "github", redirect_to=APP, login_hint=person.login))
    assert await db.fetchval("select count(*) from auth.identities where user_id = $1", created["id"]) == 2


async def test_unverified_address_does_not_link(oauth_live, idp, db):
    live, _ = oauth_live
    email = unique_email("victim")
    admin = {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}
    victim = httpx.post(live.url + "/auth/v1/admin/users", headers=admin,
                        json={"email": email, "password": "victim-password", "email_confirm": True}).json()
    attacker = idp.person(email, verified=False)
    status, landed = browse(live, idp, authorize_url(live, "gitlab", redirect_to=APP, login_hint=attacker.login))
    query, fragment = error_of(landed)
    expected = {"error": "access_denied", "error_code": "provider_email_needs_verification",
                "error_description": "Unverified email with gitlab. Verify the email with gitlab in order to sign in"}
    assert status == 302 and landed.startswith(APP + "?") and query == expected and fragment == expected
    assert await db.fetchval("select count(*) from auth.identities where user_id = $1", victim["id"]) == 1
    # GoTrue keeps the new account, without the address another user holds, and unconfirmed.
    row = await db.fetchrow("select u.email, u.email_confirmed_at from auth.identities i join auth.users u "
                            "on u.id = i.user_id where i.provider = 'gitlab' and i.provider_id = $1", attacker.sub)
    assert row["email"] is None and row["email_confirmed_at"] is None


async def test_unverified_new_address_gets_a_confirmation_mail_then_signs_in(oauth_live, idp, db):
    live, mailbox = oauth_live
    person = idp.person(unique_email("newcomer"), verified=False)
    status, landed = browse(live, idp, authorize_url(live, "oidc", redirect_to=APP, login_hint=person.login))
    query, _ = error_of(landed)
    assert query["error_code"] == "provider_email_needs_verification"
    assert query["error_description"] == ("Unverified email with oidc. "
                                          "A confirmation email has been sent to your oidc email")
    confirm = httpx.get(link_in(mailbox.last(person.email)), follow_redirects=False)
    assert confirm.status_code == 303 and "#access_token=" in confirm.headers["location"]
    status, landed = browse(live, idp, authorize_url(live, "oidc", redirect_to=APP, login_hint=person.login))
    assert landed.startswith(APP + "#access_token=")


@pytest.mark.parametrize("state", ["", "not-a-jwt", "tampered"])
async def test_bad_state_goes_to_the_site_url(oauth_live, idp, state):
    live, _ = oauth_live
    if state == "tampered":
        person = idp.person(unique_email("state"))
        first = httpx.get(authorize_url(live, "github", redirect_to=APP, login_hint=person.login))
        real = parse_qs(urlsplit(first.headers["location"]).query)["state"][0]
        header, payload, signature = real.split(".")
        claims = json.loads(_b64decode(payload))
        claims["referrer"] = "https://evil.example/"
        state = f"{header}.{_b64encode(json.dumps(claims).encode())}.{signature}"
    response = httpx.get(live.url + "/auth/v1/callback", params={"state": state, "code": "abc"})
    assert response.status_code == 303
    query, _ = error_of(response.headers["location"])
    assert response.headers["location"].startswith(SITE + "?")
    if state == "":
        assert query == {"error": "invalid_request", "error_code": "bad_oauth_callback",
                         "error_description": "OAuth state parameter missing"}
    else:
        assert query == {"error": "invalid_request", "error_code": "bad_oauth_state",
                         "error_description": "OAuth callback with invalid state"}


@pytest.mark.parametrize("redirect_to", ["https://evil.example/steal", "http://localhost:3000.evil.example/",
                                         "//evil.example/", "javascript:alert(1)"])
async def test_redirect_to_outside_the_allow_list_is_not_followed(oauth_live, idp, redirect_to):
    live, _ = oauth_live
    person = idp.person(unique_email("redirect"))
    status, landed = browse(live, idp, authorize_url(live, "github", redirect_to=redirect_to, login_hint=person.login))
    assert landed.startswith(SITE + "#access_token=")  # the site URL instead, as GoTrue falls back
    # Nor from a Referer header.
    person = idp.person(unique_email("referer"))
    status, landed = browse(live, idp, authorize_url(live, "github", login_hint=person.login),
                            headers={"referer": redirect_to})
    assert landed.startswith(SITE + "#access_token=")


async def test_allowed_custom_scheme_and_referer(oauth_live, idp):
    live, _ = oauth_live
    person = idp.person(unique_email("mobile"))
    status, landed = browse(live, idp, authorize_url(live, "azure", redirect_to="myapp://callback",
                                                     login_hint=person.login))
    assert landed.startswith("myapp://callback#access_token=")
    person = idp.person(unique_email("referer-ok"))
    status, landed = browse(live, idp, authorize_url(live, "github", login_hint=person.login),
                            headers={"referer": "http://localhost:3000/login"})
    assert landed.startswith("http://localhost:3000/login#access_token=")


async def test_provider_error_is_passed_through(oauth_live, idp):
    live, _ = oauth_live
    status, landed = browse(live, idp, authorize_url(live, "google", redirect_to=APP + "?tab=1", login_hint="deny"))
    query, fragment = error_of(landed)
    assert status == 302 and landed.startswith(APP + "?")
    assert query == {"tab": "1", "error": "access_denied", "error_description": "The user denied the request"}
    assert fragment == {"error": "access_denied", "error_description": "The user denied the request"}


@pytest.mark.parametrize("forge", ["nonce", "key", "aud"])
async def test_id_tokens_that_do_not_verify_are_refused(oauth_live, idp, db, forge):
    live, _ = oauth_live
    person = idp.person(unique_email("forged"), forge=forge)
    status, landed = browse(live, idp, authorize_url(live, "oidc", redirect_to=APP, login_hint=person.login))
    query, _ = error_of(landed)
    assert query == {"error": "server_error", "error_code": "unexpected_failure",
                     "error_description": "Error getting user profile from external provider"}
    assert await db.fetchval("select count(*) from auth.users where email = $1", person.email) == 0


async def test_callback_without_code_and_replayed_codes(oauth_live, idp):
    live, _ = oauth_live
    person = idp.person(unique_email("replay"))
    first = httpx.get(authorize_url(live, "github", redirect_to=APP, login_hint=person.login))
    state = parse_qs(urlsplit(first.headers["location"]).query)["state"][0]
    missing = httpx.get(live.url + "/auth/v1/callback", params={"state": state})
    assert error_of(missing.headers["location"])[0] == {
        "error": "invalid_request", "error_code": "bad_oauth_callback",
        "error_description": "OAuth callback with missing authorization code missing"}
    at_idp = httpx.get(first.headers["location"])
    callback = at_idp.headers["location"]
    assert httpx.get(callback).headers["location"].startswith(APP + "#access_token=")
    replayed = httpx.get(callback)  # the provider's code works once
    assert error_of(replayed.headers["location"])[0]["error_description"].startswith("Unable to exchange external code")


async def test_disabled_provider_and_bad_pkce_parameters(oauth_live):
    live, _ = oauth_live
    disabled = httpx.get(live.url + "/auth/v1/authorize", params={"provider": "keycloak"},
                         headers={"x-supabase-api-version": "2024-01-01"})
    assert disabled.status_code == 400
    assert disabled.json() == {"code": "validation_failed", "message": "Unsupported provider: provider is not enabled"}
    half = httpx.get(live.url + "/auth/v1/authorize", params={"provider": "github", "code_challenge": "x" * 43})
    assert half.status_code == 400
    assert half.json()["msg"] == "PKCE flow requires code_challenge_method and code_challenge"


def _b64decode(part: str) -> bytes:
    import base64
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(raw: bytes) -> str:
    import base64
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_squatted_unconfirmed_account_loses_the_squatters_password(oauth_live, idp, db):
    """Someone signed up first with the owner's address (never confirmed); the owner's verified
    provider identity takes the account over and the squatter's password stops working."""
    live, _ = oauth_live
    email = unique_email("squatted")
    signup = httpx.post(live.url + "/auth/v1/signup", headers={"apikey": live.anon_key},
                        json={"email": email, "password": "squatter-password", "data": {"planted": True}})
    assert signup.status_code == 200 and signup.json().get("email_confirmed_at") is None
    owner = idp.person(email)
    status, landed = browse(live, idp, authorize_url(live, "github", redirect_to=APP, login_hint=owner.login))
    assert landed.startswith(APP + "#access_token=")
    user = await db.fetchrow("select * from auth.users where email = $1", email)
    assert user["email_confirmed_at"] is not None and user["encrypted_password"] == ""
    assert "planted" not in user["raw_user_meta_data"]
    assert [r["provider"] for r in await db.fetch("select provider from auth.identities where user_id = $1",
                                                  user["id"])] == ["github"]
    squatter = httpx.post(live.url + "/auth/v1/token?grant_type=password", headers={"apikey": live.anon_key},
                          json={"email": email, "password": "squatter-password"})
    assert squatter.status_code == 400 and squatter.json()["error_code"] == "invalid_credentials"


async def test_abandoned_flows_are_swept(oauth_live, db):
    live, _ = oauth_live
    old = await db.fetchval(
        "insert into auth.flow_state (id, auth_code, code_challenge_method, code_challenge, provider_type, "
        "authentication_method, created_at) values (gen_random_uuid(), 'stale', 's256', $1, 'github', 'oauth', "
        "now() - interval '3 days') returning id", "c" * 43)
    started = httpx.get(authorize_url(live, "github", redirect_to=APP, code_challenge="d" * 43,
                                      code_challenge_method="s256"))
    assert started.status_code == 302
    assert await db.fetchval("select count(*) from auth.flow_state where id = $1", old) == 0
