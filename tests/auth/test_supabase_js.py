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
