"""SQL values and the token verifier."""
from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oricol import jwt
from oricol.db import Caller, caller_settings, with_login
from oricol.sql import ident, join, param, quote_ident, raw, render


def test_fragments_number_their_parameters_in_order():
    fragment = raw("select ") + ident("public", 'we"ird') + raw(" where a = ") + param(1) + " and b = " + param("x", "text")
    assert render(fragment) == ('select "public"."we""ird" where a = $1 and b = $2::text', [1, "x"])
    assert render(join(", ", [param(1), param(2), param(3)])) == ("$1, $2, $3", [1, 2, 3])


@given(st.text())
def test_user_values_never_reach_the_text(value):
    text, params = render(raw("select ") + param(value))
    assert text == "select $1" and params == [value]


@given(st.text().filter(lambda s: "\x00" not in s))
def test_identifiers_are_always_one_quoted_token(name):
    quoted = quote_ident(name)
    assert quoted.startswith('"') and quoted.endswith('"')
    assert quoted[1:-1].replace('""', "") .count('"') == 0


def test_caller_settings_is_one_parameterised_statement():
    text, params = render(caller_settings(Caller("authenticated", {"sub": "u1"}), {"request.method": "GET"}))
    assert text.count("set_config(") == 3 and "u1" not in text
    assert params[:2] == ["role", "authenticated"] and '"sub":"u1"' in params[3]


def test_with_login_swaps_user_and_keeps_the_rest():
    assert with_login("postgresql://a:b@h:5/db?sslmode=require", "authenticator", "p@ss") == \
        "postgresql://authenticator:p%40ss@h:5/db?sslmode=require"


def test_verifier_accepts_valid_refuses_forged_and_expired_and_caches():
    secret = "s" * 40
    verifier = jwt.Verifier(secret=secret)
    good = jwt.encode({"sub": "u", "role": "authenticated", "exp": int(time.time()) + 60}, secret)
    assert verifier.verify(good)["sub"] == "u"
    assert good in verifier._cache
    with pytest.raises(jwt.JwtError) as expired:
        verifier.verify(jwt.encode({"exp": int(time.time()) - 1}, secret))
    assert expired.value.expired
    with pytest.raises(jwt.JwtError) as forged:
        verifier.verify(jwt.encode({"role": "service_role"}, "t" * 40))
    assert not forged.value.expired
    with pytest.raises(jwt.JwtError):
        verifier.verify("a.b")
    with pytest.raises(jwt.JwtError):
        verifier.verify(jwt.encode({"role": "x"}, secret, algorithm="HS512"))
