"""Fuzzing auth bodies over real HTTP: any JSON object (known fields with values of any type, NUL
characters, deep nesting, junk keys) sent to the public endpoints is answered below 500 in GoTrue's
shape, without internals. Before: a NUL in a sign-up email was a 500."""
from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.leaks import assert_clean

TEXT = st.text(st.sampled_from("abxyz019@.+-_ \x00\x01é\\\"'<>%"), max_size=20)
EMAILS = st.one_of(TEXT, st.builds(lambda a, b: f"{a}@{b}.test", TEXT, TEXT),
                   st.sampled_from(["a\x00b@x.test", "fuzz@x.test", "", " ", "a@b", "x" * 300 + "@x.test"]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False), TEXT)
VALUES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                      st.dictionaries(TEXT, kids, max_size=3)), max_leaves=6)
FIELDS = ["email", "password", "phone", "data", "options", "token", "token_hash", "type", "refresh_token",
          "code_verifier", "auth_code", "redirect_to", "gotrue_meta_security", "nonce", "channel", "create_user",
          "code_challenge", "code_challenge_method", "captcha_token"]
# A well-formed sign-in body with up to four fields replaced or added: most requests get past the first
# check and reach the database, where a NUL or an odd type would fail.
BASE = {"email": "fuzz@x.test", "password": "a-good-password-1"}
BODY = st.dictionaries(st.one_of(st.sampled_from(FIELDS), TEXT), st.one_of(VALUES, EMAILS), max_size=4).map(
    lambda changes: {**BASE, **changes})
ROUTES = st.sampled_from(["/signup", "/token?grant_type=password", "/token?grant_type=refresh_token",
                          "/token?grant_type=pkce", "/token?grant_type=id_token", "/token?grant_type=x", "/otp",
                          "/recover", "/verify", "/resend", "/magiclink", "/logout", "/user", "/factors",
                          "/reauthenticate", "/sso", "/invite", "/admin/users"])


@pytest.fixture(scope="module")
def auth(live):
    with httpx.Client(base_url=live.url + "/auth/v1", headers={"apikey": live.anon_key}) as http:
        yield http


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(route=ROUTES, body=BODY, method=st.sampled_from(["POST", "POST", "PUT", "GET"]))
def test_no_body_yields_a_5xx_or_leaks(auth, route, body, method):
    response = auth.request(method, route, json=body)
    assert_clean(response)
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        assert {"code", "msg"} <= set(response.json()) or {"error", "error_description"} <= set(response.json())


@pytest.mark.parametrize("field, value", [("email", "a\x00b@x.test"), ("password", "pass\x00word-1"),
                                          ("data", {"name\x00": "x"}), ("data", {"n": ["\x00"]})])
def test_nul_characters_are_a_400(auth, field, value):
    body = {"email": "nul-case@x.test", "password": "a-good-password-1", field: value}
    r = auth.post("/signup", json=body)
    assert r.status_code == 400 and r.json()["error_code"] == "validation_failed", r.text
