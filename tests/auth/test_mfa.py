"""MFA with TOTP factors through supabase-py and supabase-js; TOTP itself against RFC 6238 vectors."""
from __future__ import annotations

import base64
import time

import jwt
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from oricol.auth import totp
from tests.auth.conftest import unique_email
from tests.support.node import run_node


def test_totp_matches_rfc6238_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B (SHA-1), last six digits.
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"
    assert totp.code_at(secret, 2000000000) == "279037"
    assert totp.matches(secret, "287082", moment=59 + 30)  # one step of clock skew
    assert not totp.matches(secret, "287082", moment=59 + 90)
    sealed = totp.seal(secret, "project-secret")
    assert secret not in sealed and totp.unseal(sealed, "project-secret") == secret


async def test_enroll_challenge_verify_raises_to_aal2_and_unenroll(auth_live):
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    email = unique_email("mfa")
    auth.sign_up({"email": email, "password": "mfa-password-1"})
    enrolled = auth.mfa.enroll({"factor_type": "totp", "friendly_name": "phone app", "issuer": "Oricol"})
    assert enrolled.totp.uri.startswith("otpauth://totp/Oricol:") and enrolled.totp.secret in enrolled.totp.uri
    assert "<svg" in enrolled.totp.qr_code
    challenge = auth.mfa.challenge({"factor_id": enrolled.id})
    assert challenge.expires_at > time.time()
    wrong = "000000" if totp.code_at(enrolled.totp.secret, time.time()) != "000000" else "111111"
    with pytest.raises(AuthApiError) as failed:
        auth.mfa.verify({"factor_id": enrolled.id, "challenge_id": challenge.id, "code": wrong})
    assert failed.value.code == "mfa_verification_failed"
    verified = auth.mfa.verify({"factor_id": enrolled.id, "challenge_id": challenge.id,
                                "code": totp.code_at(enrolled.totp.secret, time.time())})
    claims = jwt.decode(verified.access_token, options={"verify_signature": False})
    assert claims["aal"] == "aal2" and {a["method"] for a in claims["amr"]} == {"password", "totp"}
    level = auth.mfa.get_authenticator_assurance_level()
    assert level.current_level == "aal2" and level.next_level == "aal2"
    assert auth.get_user().user.factors[0].status == "verified"
    # A refresh keeps the level.
    refreshed = auth.refresh_session()
    assert jwt.decode(refreshed.session.access_token, options={"verify_signature": False})["aal"] == "aal2"
    # A new sign-in is aal1 with aal2 next, and cannot remove the verified factor.
    auth.sign_out()
    auth.sign_in_with_password({"email": email, "password": "mfa-password-1"})
    level = auth.mfa.get_authenticator_assurance_level()
    assert level.current_level == "aal1" and level.next_level == "aal2"
    with pytest.raises(AuthApiError) as insufficient:
        auth.mfa.unenroll({"factor_id": enrolled.id})
    assert insufficient.value.code == "insufficient_aal"
    auth.mfa.challenge_and_verify({"factor_id": enrolled.id,
                                   "code": totp.code_at(enrolled.totp.secret, time.time())})
    assert auth.mfa.unenroll({"factor_id": enrolled.id}).id == enrolled.id
    assert not auth.get_user().user.factors


async def test_admin_lists_and_deletes_factors(auth_live):
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    user = auth.sign_up({"email": unique_email("mfa-admin"), "password": "mfa-admin-pass"}).user
    enrolled = auth.mfa.enroll({"factor_type": "totp", "friendly_name": "one"})
    admin = create_client(auth_live.url, auth_live.service_role_key).auth.admin
    listed = admin.mfa.list_factors({"user_id": user.id})
    assert [f.id for f in listed] == [enrolled.id]
    assert admin.mfa.delete_factor({"user_id": user.id, "id": enrolled.id}).id == enrolled.id
    assert admin.mfa.list_factors({"user_id": user.id}) == []


async def test_js_mfa_flow(auth_live):
    email = unique_email("jsmfa")
    result = run_node(f"""
import crypto from 'node:crypto';
function totp(secret) {{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{{8}}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}}
const sb = anon();
await sb.auth.signUp({{ email: '{email}', password: 'js-mfa-pass' }});
const enrolled = await sb.auth.mfa.enroll({{ factorType: 'totp', friendlyName: 'js' }});
if (enrolled.error) throw enrolled.error;
const done = await sb.auth.mfa.challengeAndVerify({{ factorId: enrolled.data.id, code: totp(enrolled.data.totp.secret) }});
if (done.error) throw done.error;
const level = await sb.auth.mfa.getAuthenticatorAssuranceLevel();
const factors = await sb.auth.mfa.listFactors();
out({{ qr: enrolled.data.totp.qr_code.startsWith('data:image/svg+xml'), level: level.data.currentLevel,
      verified: factors.data.totp.length }});
""", auth_live)
    assert result == {"qr": True, "level": "aal2", "verified": 1}
