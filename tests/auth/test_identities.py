"""Manual identity linking (/user/identities) and signInWithIdToken (/token?grant_type=id_token).

The identity provider of tests/support/idp.py runs on a real port; id_tokens are minted with its keys
(or another key, to forge one). supabase-js and supabase-py are the clients.
"""
from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt as pyjwt
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from oricol.mailer import MemoryMailer
from tests.auth.conftest import AUTOCONFIRM, unique_email
from tests.support import pg
from tests.support.idp import CLIENT_ID, IdentityProvider
from tests.support.node import run_node
from tests.support.stack import LiveServer, config_for

APP = "http://localhost:3000/welcome"
MOBILE_CLIENT = "oricol-mobile-app"


@pytest.fixture(scope="session")
async def linking_live(pg_server, template_db, tmp_path_factory, idp):
    """Autoconfirm, manual linking on, every provider but keycloak at the test IdP, a second audience for oidc."""
    name = await pg.clone(pg_server, template_db)
    port = pg.free_port()
    config = config_for(pg_server.url_for(name), pg_server.password, tmp_path_factory.mktemp("linking"),
                        ORICOL_AUTH_EXTERNAL_URL=f"http://127.0.0.1:{port}/auth/v1", **AUTOCONFIRM, **idp.env(),
                        ORICOL_AUTH_MANUAL_LINKING_ENABLED="true", ORICOL_AUTH_REDIRECT_URLS="http://localhost:3000/**",
                        ORICOL_AUTH_EXTERNAL_OIDC_ID_TOKEN_CLIENT_IDS=f"other,{MOBILE_CLIENT}")
    server = LiveServer(config, mailer=MemoryMailer(), port=port)
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)
    await pg.drop(pg_server, name)


def mint(idp: IdentityProvider, realm: str = "oidc", *, email: str | None = None, nonce: str | None = None,
         aud: str = CLIENT_ID, expires_in: int = 600, key=None, sub: str | None = None, verified: bool = True) -> str:
    now = int(time.time())
    claims = {"iss": idp.issuer(realm), "sub": sub or str(secrets.randbelow(10**9)), "aud": aud, "iat": now,
              "exp": now + expires_in, "email": email or unique_email("idtoken"), "email_verified": verified,
              "name": "Grace Hopper"}
    if nonce is not None:
        claims["nonce"] = hashlib.sha256(nonce.encode()).hexdigest()  # the app sends the provider the hash
    return pyjwt.encode(claims, key or idp.key, algorithm="RS256", headers={"kid": idp.kid})


def grant(live, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(live.url + "/auth/v1/token", params={"grant_type": "id_token"}, json=body,
                      headers={"apikey": live.anon_key, **(headers or {})})


def browse(live, idp, url: str) -> str:
    with httpx.Client(follow_redirects=False, timeout=15) as http:
        for _ in range(8):
            if not url.startswith((live.url, idp.url)):
                return url
            response = http.get(url)
            assert response.status_code in (302, 303), (url, response.status_code, response.text)
            url = urljoin(url, response.headers["location"])
    raise AssertionError("redirect loop")


@pytest.mark.node
async def test_sign_in_with_id_token_through_supabase_js(linking_live, idp):
    email = unique_email("js-idtoken")
    token = mint(idp, email=email, nonce="raw-nonce-kept-by-the-app")
    result = run_node(f"""
const sb = anon();
const {{ data, error }} = await sb.auth.signInWithIdToken({{ provider: 'oidc', token: '{token}',
                                                             nonce: 'raw-nonce-kept-by-the-app' }});
if (error) throw error;
const me = await sb.auth.getUser();
const claims = JSON.parse(Buffer.from(data.session.access_token.split('.')[1], 'base64url'));
out({{ email: me.data.user.email, providers: me.data.user.app_metadata.providers,
      identity: me.data.user.identities.map(i => [i.provider, i.identity_data.email, i.identity_data.name]),
      amr: claims.amr.map(a => a.method) }});
""", linking_live)
    assert result == {"email": email, "providers": ["oidc"], "identity": [["oidc", email, "Grace Hopper"]],
                      "amr": ["oauth"]}
    # The same person again: the same user, no second identity.
    again = grant(linking_live, {"provider": "oidc", "id_token": mint(idp, email=email, sub=None)})
    assert again.status_code == 200 and again.json()["user"]["email"] == email


async def test_sign_in_with_id_token_through_supabase_py_by_extra_audience_and_issuer(linking_live, idp):
    auth = create_client(linking_live.url, linking_live.anon_key).auth
    email = unique_email("py-idtoken")
    sub = str(secrets.randbelow(10**9))
    response = await _py_sign_in(auth, {"provider": "oidc", "token": mint(idp, email=email, aud=MOBILE_CLIENT,
                                                                          sub=sub)})
    assert response.user.email == email and response.session.access_token
    # Found by its issuer instead of a name: the same identity.
    by_issuer = grant(linking_live, {"issuer": idp.issuer("oidc"), "client_id": CLIENT_ID,
                                     "id_token": mint(idp, email=email, sub=sub)})
    assert by_issuer.status_code == 200 and by_issuer.json()["user"]["id"] == response.user.id
    google = grant(linking_live, {"provider": "google", "id_token": mint(idp, "google", email=unique_email("g"))})
    assert google.status_code == 200
    assert google.json()["user"]["app_metadata"] == {"provider": "google", "providers": ["google"]}
    azure = grant(linking_live, {"provider": "azure",
                                 "id_token": mint(idp, "azure/tenant-1", email=unique_email("a"))})
    assert azure.status_code == 200, azure.text
    assert azure.json()["user"]["app_metadata"] == {"provider": "azure", "providers": ["azure"]}
    other_tenant = grant(linking_live, {"provider": "azure",
                                        "id_token": mint(idp, "azure/tenant-2", email=unique_email("a"))})
    assert other_tenant.json() == {"error": "invalid request", "error_description": "Bad ID token"}


async def _py_sign_in(auth, credentials):
    return await asyncio.to_thread(auth.sign_in_with_id_token, credentials)


@pytest.mark.parametrize("case", ["wrong audience", "wrong nonce", "nonce missing", "expired", "forged",
                                  "disabled provider", "unknown provider", "no token"])
async def test_id_tokens_that_must_be_refused(linking_live, idp, case):
    email = unique_email("refused")
    body = {"provider": "oidc", "id_token": mint(idp, email=email)}
    expected = {"error": "invalid request", "error_description": "Bad ID token"}
    if case == "wrong audience":
        body["id_token"] = mint(idp, email=email, aud="some-other-client")
        expected["error_description"] = "Unacceptable audience in id_token: [some-other-client]"
    elif case == "wrong nonce":
        body.update(id_token=mint(idp, email=email, nonce="the-real-one"), nonce="a-different-one")
        expected = {"error": "invalid nonce", "error_description": "Nonces mismatch"}
    elif case == "nonce missing":
        body["id_token"] = mint(idp, email=email, nonce="the-real-one")
        expected["error_description"] = "Passed nonce and nonce in id_token should either both exist or not."
    elif case == "expired":
        body["id_token"] = mint(idp, email=email, expires_in=-120)
    elif case == "forged":
        body["id_token"] = mint(idp, email=email, key=idp.other_key)
    elif case == "disabled provider":
        body["provider"] = "keycloak"
        expected = None
    elif case == "unknown provider":
        body["provider"] = "github"
        expected = None
    else:
        body["id_token"] = ""
        expected["error_description"] = "id_token required"
    response = grant(linking_live, body, {"x-supabase-api-version": "2024-01-01"})
    assert response.status_code == 400
    if case == "disabled provider":
        assert response.json() == {"code": "provider_disabled",
                                   "message": 'Provider (issuer "") is not enabled'}
    elif case == "unknown provider":
        assert response.json() == {"code": "validation_failed", "message": 'Custom OIDC provider "github" not allowed'}
    else:
        assert response.json() == expected
    auth = create_client(linking_live.url, linking_live.anon_key).auth
    with pytest.raises(AuthApiError):  # supabase-py raises it too, and no user was made
        await _py_sign_in(auth, {"provider": body["provider"], "token": body["id_token"] or "x",
                                 "nonce": body.get("nonce")})
    admin = {"apikey": linking_live.service_role_key, "authorization": f"Bearer {linking_live.service_role_key}"}
    listed = httpx.get(linking_live.url + "/auth/v1/admin/users", headers=admin, params={"per_page": 1000}).json()
    assert email not in [u["email"] for u in listed["users"]]


@pytest.mark.node
async def test_link_and_unlink_an_oauth_identity_through_supabase_js(linking_live, idp):
    email = unique_email("linker")
    person = idp.person(unique_email("github-side"))
    started = run_node(f"""
const sb = anon();
const up = await sb.auth.signUp({{ email: '{email}', password: 'linker-password' }});
if (up.error) throw up.error;
const {{ data, error }} = await sb.auth.linkIdentity({{ provider: 'github',
  options: {{ redirectTo: '{APP}', queryParams: {{ login_hint: '{person.login}' }} }} }});
if (error) throw error;
out({{ url: data.url, userId: up.data.user.id }});
""", linking_live)
    landed = browse(linking_live, idp, started["url"])
    assert landed.startswith(APP + "#access_token="), landed
    token = parse_qs(urlsplit(landed).fragment)["access_token"][0]
    result = run_node(f"""
const sb = anon();
await sb.auth.signInWithPassword({{ email: '{email}', password: 'linker-password' }});
const before = await sb.auth.getUserIdentities();
const github = before.data.identities.find(i => i.provider === 'github');
const unlinked = await sb.auth.unlinkIdentity(github);
const after = await sb.auth.getUserIdentities();
const last = await sb.auth.unlinkIdentity(after.data.identities[0]);
const user = await sb.auth.getUser('{token}');
out({{ before: before.data.identities.map(i => i.provider).sort(), unlinkError: unlinked.error,
      after: after.data.identities.map(i => i.provider), lastError: [last.error.status, last.error.code],
      linkedUser: user.data.user.id, email: user.data.user.email }});
""", linking_live)
    assert result["before"] == ["email", "github"] and result["unlinkError"] is None
    assert result["after"] == ["email"]
    assert result["lastError"] == [422, "single_identity_not_deletable"]
    assert result["linkedUser"] == started["userId"] and result["email"] == email


async def test_linking_an_identity_another_user_has_is_refused(linking_live, idp):
    person = idp.person(unique_email("taken"))
    owner_landed = browse(linking_live, idp, str(httpx.URL(linking_live.url + "/auth/v1/authorize", params={
        "provider": "gitlab", "redirect_to": APP, "login_hint": person.login})))
    assert "#access_token=" in owner_landed
    other = httpx.post(linking_live.url + "/auth/v1/signup", headers={"apikey": linking_live.anon_key},
                       json={"email": unique_email("other"), "password": "other-password"}).json()
    headers = {"apikey": linking_live.anon_key, "authorization": f"Bearer {other['access_token']}"}
    started = httpx.get(linking_live.url + "/auth/v1/user/identities/authorize", headers=headers, params={
        "provider": "gitlab", "redirect_to": APP, "login_hint": person.login, "skip_http_redirect": "true"})
    assert started.status_code == 200
    landed = browse(linking_live, idp, started.json()["url"])
    query = {k: v[0] for k, v in parse_qs(urlsplit(landed).query).items()}
    assert query == {"error": "server_error", "error_code": "identity_already_exists",
                     "error_description": "Identity is already linked to another user"}
    # Without skip_http_redirect the browser is sent straight to the provider.
    direct = httpx.get(linking_live.url + "/auth/v1/user/identities/authorize", headers=headers,
                       params={"provider": "gitlab"})
    assert direct.status_code == 302 and direct.headers["location"].startswith(idp.url + "/gitlab/oauth/authorize")
    unknown = httpx.delete(linking_live.url + "/auth/v1/user/identities/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12,
                           headers=headers)
    assert unknown.status_code == 422 and unknown.json()["error_code"] == "single_identity_not_deletable"
    anonymous = httpx.get(linking_live.url + "/auth/v1/user/identities/authorize", params={"provider": "gitlab"},
                          headers={"apikey": linking_live.anon_key})
    assert anonymous.status_code == 401 and anonymous.json()["error_code"] == "no_authorization"


@pytest.mark.node
async def test_link_an_id_token_identity_to_an_anonymous_user_through_supabase_js(linking_live, idp):
    email = unique_email("anon-link")
    token = mint(idp, email=email)
    result = run_node(f"""
const sb = anon();
const a = await sb.auth.signInAnonymously();
if (a.error) throw a.error;
const {{ data, error }} = await sb.auth.linkIdentity({{ provider: 'oidc', token: '{token}' }});
if (error) throw error;
const again = await sb.auth.linkIdentity({{ provider: 'oidc', token: '{token}' }});
out({{ same: data.user.id === a.data.user.id, email: data.user.email, anonymous: data.user.is_anonymous,
      providers: data.user.app_metadata.providers,
      again: [again.error.status, again.error.code, again.error.message] }});
""", linking_live)
    assert result == {"same": True, "email": email, "anonymous": False, "providers": ["oidc"],
                      "again": [422, "identity_already_exists", "Identity is already linked"]}


async def test_manual_linking_disabled_by_default(auth_live):
    session = httpx.post(auth_live.url + "/auth/v1/signup", headers={"apikey": auth_live.anon_key}, json={}).json()
    headers = {"apikey": auth_live.anon_key, "authorization": f"Bearer {session['access_token']}",
               "x-supabase-api-version": "2024-01-01"}
    expected = {"code": "manual_linking_disabled", "message": "Manual linking is disabled"}
    link = httpx.get(auth_live.url + "/auth/v1/user/identities/authorize", params={"provider": "github"},
                     headers=headers)
    unlink = httpx.delete(auth_live.url + "/auth/v1/user/identities/" + str(session["user"]["id"]), headers=headers)
    assert (link.status_code, link.json()) == (404, expected)
    assert (unlink.status_code, unlink.json()) == (404, expected)
