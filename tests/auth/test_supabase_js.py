"""The same flows driven by supabase-js under node."""
from __future__ import annotations

import pytest

from tests.auth.conftest import unique_email
from tests.support.node import run_node

pytestmark = pytest.mark.node


async def test_js_sign_up_sign_in_refresh_update_sign_out(auth_live):
    email = unique_email("js")
    result = run_node(f"""
const sb = anon();
const up = await sb.auth.signUp({{ email: '{email}', password: 'js-password-1', options: {{ data: {{ team: 'red' }} }} }});
if (up.error) throw up.error;
await sb.auth.signOut();
const inn = await sb.auth.signInWithPassword({{ email: '{email}', password: 'js-password-1' }});
if (inn.error) throw inn.error;
const bad = await sb.auth.signInWithPassword({{ email: '{email}', password: 'wrong' }});
const refreshed = await sb.auth.refreshSession();
const upd = await sb.auth.updateUser({{ data: {{ team: 'blue' }} }});
const user = await sb.auth.getUser();
const claims = await sb.auth.getClaims();
const out1 = await sb.auth.signOut();
const after = await sb.auth.getSession();
out({{ upUser: up.data.user.email, hadSession: !!up.data.session, inUser: inn.data.user.id === up.data.user.id,
      badCode: bad.error && bad.error.code, badStatus: bad.error && bad.error.status,
      rotated: refreshed.data.session.refresh_token !== inn.data.session.refresh_token,
      team: upd.data.user.user_metadata.team, same: user.data.user.email,
      aal: claims.data && claims.data.claims.aal, signOutError: out1.error, after: after.data.session }});
""", auth_live)
    assert result == {"upUser": email, "hadSession": True, "inUser": True, "badCode": "invalid_credentials",
                      "badStatus": 400, "rotated": True, "team": "blue", "same": email, "aal": "aal1",
                      "signOutError": None, "after": None}


async def test_js_anonymous_and_weak_password(auth_live):
    result = run_node(f"""
const sb = anon();
const a = await sb.auth.signInAnonymously();
const weak = await anon().auth.signUp({{ email: '{unique_email("weak")}', password: '123' }});
out({{ anonymous: a.data.user.is_anonymous, weakName: weak.error.name, reasons: weak.error.reasons }});
""", auth_live)
    assert result == {"anonymous": True, "weakName": "AuthWeakPasswordError", "reasons": ["length"]}


async def test_js_sso_and_web3_answer_as_gotrue_with_them_disabled(auth_live):
    result = run_node("""
const auth = anon().auth;
const sso = await auth.signInWithSSO({ domain: 'example.com' });
const ssoById = await auth.signInWithSSO({ providerId: '00000000-0000-0000-0000-000000000000' });
const eth = await auth.signInWithWeb3({ chain: 'ethereum', message: 'example.com wants you to sign in', signature: '0x00' });
const providers = await fetch(process.env.ORICOL_URL + '/auth/v1/admin/sso/providers', {
  headers: { apikey: SERVICE_ROLE_KEY, authorization: 'Bearer ' + SERVICE_ROLE_KEY } });
const pick = (e) => e && [e.status, e.code, e.message];
out({ sso: pick(sso.error), ssoById: pick(ssoById.error), eth: pick(eth.error),
      providers: [providers.status, await providers.json()] });
""", auth_live)
    assert result["sso"] == [404, "saml_provider_disabled", "SAML 2.0 is disabled"]
    assert result["ssoById"] == [404, "saml_provider_disabled", "SAML 2.0 is disabled"]
    assert result["eth"] == [422, "web3_provider_disabled", "Web3 provider is disabled"]
    assert result["providers"][0] == 404 and result["providers"][1]["msg"] == "SAML 2.0 is disabled"
