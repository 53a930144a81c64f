"""Sign-up, password sign-in, refresh, user and sign-out through supabase-py against a live server."""
from __future__ import annotations

import httpx
import jwt
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError, AuthWeakPasswordError

from tests.auth.conftest import unique_email


def client(live):
    return create_client(live.url, live.anon_key).auth


async def test_health_and_settings(auth_live):
    headers = {"apikey": auth_live.anon_key}
    health = httpx.get(auth_live.url + "/auth/v1/health")  # open route: no key needed
    assert health.status_code == 200 and health.json()["name"] == "GoTrue"
    settings = httpx.get(auth_live.url + "/auth/v1/settings", headers=headers).json()
    assert settings["external"]["email"] is True
    assert settings["mailer_autoconfirm"] is True and settings["disable_signup"] is False
    assert settings["external"]["anonymous_users"] is True


async def test_sign_up_returns_a_session_with_gotrue_claims(auth_live):
    auth = client(auth_live)
    email = unique_email()
    result = auth.sign_up({"email": email, "password": "correct horse 1",
                           "options": {"data": {"display_name": "Ada"}}})
    assert result.user.email == email
    assert result.user.user_metadata == {"display_name": "Ada"}
    assert result.user.app_metadata == {"provider": "email", "providers": ["email"]}
    assert result.session is not None and result.session.token_type == "bearer"
    claims = jwt.decode(result.session.access_token, auth_live.jwt_secret, algorithms=["HS256"],
                        audience="authenticated")
    assert claims["sub"] == result.user.id and claims["email"] == email and claims["role"] == "authenticated"
    assert claims["aal"] == "aal1" and claims["amr"][0]["method"] == "password"
    assert claims["iss"].endswith("/auth/v1") and claims["is_anonymous"] is False
    assert claims["user_metadata"] == {"display_name": "Ada"} and claims["session_id"]
    assert claims["exp"] - claims["iat"] == 3600


async def test_password_sign_in_refresh_and_sign_out(auth_live):
    auth = client(auth_live)
    email = unique_email()
    auth.sign_up({"email": email, "password": "s3cret-pass"})
    auth.sign_out()
    signed_in = auth.sign_in_with_password({"email": email.upper(), "password": "s3cret-pass"})
    assert signed_in.user.email == email
    user = auth.get_user()
    assert user.user.id == signed_in.user.id and user.user.identities[0].provider == "email"
    refreshed = auth.refresh_session()
    assert refreshed.session.refresh_token != signed_in.session.refresh_token
    assert auth.get_user(refreshed.session.access_token).user.email == email
    auth.sign_out()
    with pytest.raises(AuthApiError) as failure:
        auth.get_user(refreshed.session.access_token)
    assert failure.value.code == "session_not_found"


async def test_wrong_password_and_unknown_user_get_the_same_error(auth_live):
    auth = client(auth_live)
    email = unique_email()
    auth.sign_up({"email": email, "password": "right-password"})
    errors = []
    for credentials in ({"email": email, "password": "wrong-password"},
                        {"email": unique_email(), "password": "right-password"}):
        with pytest.raises(AuthApiError) as failure:
            auth.sign_in_with_password(credentials)
        errors.append((failure.value.status, failure.value.code, failure.value.message))
    assert errors[0] == errors[1] == (400, "invalid_credentials", "Invalid login credentials")


async def test_weak_password_and_existing_user_errors(auth_live):
    auth = client(auth_live)
    with pytest.raises(AuthWeakPasswordError) as weak:
        auth.sign_up({"email": unique_email(), "password": "abc"})
    assert weak.value.status == 422 and "length" in weak.value.reasons
    email = unique_email()
    auth.sign_up({"email": email, "password": "long-enough"})
    with pytest.raises(AuthApiError) as exists:
        auth.sign_up({"email": email, "password": "long-enough"})
    assert exists.value.code == "user_already_exists" and exists.value.status == 422


async def test_legacy_error_shape_without_api_version_header(auth_live):
    response = httpx.post(auth_live.url + "/auth/v1/token?grant_type=password",
                          headers={"apikey": auth_live.anon_key},
                          json={"email": unique_email(), "password": "nope-nope"})
    assert response.status_code == 400
    assert response.json() == {"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"}
    versioned = httpx.post(auth_live.url + "/auth/v1/token?grant_type=password",
                           headers={"apikey": auth_live.anon_key, "X-Supabase-Api-Version": "2024-01-01"},
                           json={"email": unique_email(), "password": "nope-nope"})
    assert versioned.json() == {"code": "invalid_credentials", "message": "Invalid login credentials"}
    assert versioned.headers["x-supabase-api-version"] == "2024-01-01"
    unsupported = httpx.post(auth_live.url + "/auth/v1/token?grant_type=magic", headers={"apikey": auth_live.anon_key})
    assert unsupported.status_code == 400 and unsupported.json()["error"] == "unsupported_grant_type"
    garbage = httpx.post(auth_live.url + "/auth/v1/signup", headers={"apikey": auth_live.anon_key},
                         content=b"{not json")
    assert garbage.status_code == 400 and garbage.json()["error_code"] == "bad_json"


async def test_update_user_metadata_and_password(auth_live):
    auth = client(auth_live)
    email = unique_email()
    auth.sign_up({"email": email, "password": "first-password", "options": {"data": {"a": 1, "b": 2}}})
    updated = auth.update_user({"data": {"b": None, "c": 3}})
    assert updated.user.user_metadata == {"a": 1, "c": 3}
    auth.update_user({"password": "second-password"})
    auth.sign_out()
    with pytest.raises(AuthApiError):
        auth.sign_in_with_password({"email": email, "password": "first-password"})
    assert auth.sign_in_with_password({"email": email, "password": "second-password"}).user.email == email


async def test_anonymous_sign_in(auth_live):
    auth = client(auth_live)
    result = auth.sign_in_anonymously()
    assert result.user.is_anonymous is True and result.session is not None
    claims = jwt.decode(result.session.access_token, options={"verify_signature": False})
    assert claims["is_anonymous"] is True and claims["amr"][0]["method"] == "anonymous"
