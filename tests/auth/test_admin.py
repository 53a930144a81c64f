"""The admin API through supabase-py's admin client and supabase-js, with the service_role key."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from supabase import create_client
from supabase_auth.errors import AuthApiError

from tests.auth.conftest import code_in, link_in, unique_email
from tests.support.node import run_node


def admin(live):
    return create_client(live.url, live.service_role_key).auth.admin


async def test_create_get_update_and_delete_users(auth_live):
    api = admin(auth_live)
    email = unique_email("admin")
    created = api.create_user({"email": email, "password": "admin-made-1", "email_confirm": True,
                               "user_metadata": {"name": "Lin"}, "app_metadata": {"plan": "pro"}}).user
    assert created.email_confirmed_at is not None and created.user_metadata == {"name": "Lin"}
    assert created.app_metadata == {"provider": "email", "providers": ["email"], "plan": "pro"}
    with pytest.raises(AuthApiError) as exists:
        api.create_user({"email": email, "password": "admin-made-1"})
    assert exists.value.code == "email_exists"
    assert api.get_user_by_id(created.id).user.email == email
    updated = api.update_user_by_id(created.id, {"app_metadata": {"roles": ["agent"]},
                                                 "user_metadata": {"name": "Lin Q"}}).user
    assert updated.app_metadata["roles"] == ["agent"] and updated.app_metadata["plan"] == "pro"
    assert updated.user_metadata == {"name": "Lin Q"}
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    assert auth.sign_in_with_password({"email": email, "password": "admin-made-1"}).user.id == created.id
    claims_session = auth.get_session()
    import jwt
    claims = jwt.decode(claims_session.access_token, options={"verify_signature": False})
    assert claims["app_metadata"]["roles"] == ["agent"]
    api.delete_user(created.id)
    with pytest.raises(AuthApiError) as gone:
        api.get_user_by_id(created.id)
    assert gone.value.status == 404 and gone.value.code == "user_not_found"


async def test_soft_delete_keeps_the_row_but_ends_sign_in(auth_live, live_db):
    api = admin(auth_live)
    email = unique_email("soft")
    user = api.create_user({"email": email, "password": "soft-delete-1", "email_confirm": True}).user
    api.delete_user(user.id, should_soft_delete=True)
    row = await live_db.fetchrow("select deleted_at, email from auth.users where id = $1::uuid", user.id)
    assert row["deleted_at"] is not None and row["email"] is None
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    with pytest.raises(AuthApiError):
        auth.sign_in_with_password({"email": email, "password": "soft-delete-1"})


async def test_ban_duration_blocks_sign_in_and_none_lifts_it(auth_live):
    api = admin(auth_live)
    email = unique_email("ban")
    user = api.create_user({"email": email, "password": "ban-me-please", "email_confirm": True}).user
    banned = api.update_user_by_id(user.id, {"ban_duration": "24h"}).user
    assert banned.banned_until is not None
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    with pytest.raises(AuthApiError) as refused:
        auth.sign_in_with_password({"email": email, "password": "ban-me-please"})
    assert refused.value.code == "user_banned"
    api.update_user_by_id(user.id, {"ban_duration": "none"})
    assert auth.sign_in_with_password({"email": email, "password": "ban-me-please"}).session


async def test_list_users_is_paged_with_total_headers(auth_live):
    api = admin(auth_live)
    for _ in range(3):
        api.create_user({"email": unique_email("page"), "password": "paged-users"})
    response = httpx.get(auth_live.url + "/auth/v1/admin/users?page=1&per_page=2",
                         headers={"apikey": auth_live.service_role_key,
                                  "authorization": f"Bearer {auth_live.service_role_key}"})
    total = int(response.headers["x-total-count"])
    assert total >= 3 and len(response.json()["users"]) == 2
    assert 'rel="next"' in response.headers["link"] and 'rel="last"' in response.headers["link"]
    assert len(api.list_users(page=1, per_page=2)) == 2
    result = run_node("""
const { data, error } = await service().auth.admin.listUsers({ page: 1, perPage: 2 });
out({ count: data.users.length, total: data.total, next: data.nextPage, error });
""", auth_live)
    assert result["count"] == 2 and result["total"] == total and result["next"] == 2 and result["error"] is None


async def test_admin_routes_refuse_anon_and_users(auth_live):
    response = httpx.get(auth_live.url + "/auth/v1/admin/users", headers={
        "apikey": auth_live.anon_key, "authorization": f"Bearer {auth_live.anon_key}",
        "X-Supabase-Api-Version": "2024-01-01"})
    assert response.status_code == 403 and response.json()["code"] == "not_admin"
    user_client = create_client(auth_live.url, auth_live.anon_key).auth
    session = user_client.sign_up({"email": unique_email("nosy"), "password": "not-an-admin"}).session
    as_user = httpx.get(auth_live.url + "/auth/v1/admin/users", headers={
        "apikey": auth_live.anon_key, "authorization": f"Bearer {session.access_token}"})
    assert as_user.status_code == 403


async def test_generate_link_and_invite(mail_live):
    live, mailbox = mail_live
    api = admin(live)
    email = unique_email("link")
    link = api.generate_link({"type": "signup", "email": email, "password": "linked-pass",
                              "options": {"redirect_to": "http://localhost:8080/x"}})
    assert link.user.email == email and link.properties.verification_type == "signup"
    assert mailbox.all_to(email) == []  # nothing is sent: the app mails it itself
    auth = create_client(live.url, live.anon_key).auth
    session = auth.verify_otp({"token_hash": link.properties.hashed_token, "type": "signup"}).session
    assert session.user.email == email
    magic = api.generate_link({"type": "magiclink", "email": email})
    assert auth.verify_otp({"email": email, "token": magic.properties.email_otp, "type": "magiclink"}).session
    with pytest.raises(AuthApiError):
        api.generate_link({"type": "recovery", "email": unique_email("ghost")})
    invited = unique_email("invited")
    user = api.invite_user_by_email(invited, {"data": {"team": "ops"}}).user
    assert user.invited_at is not None and user.user_metadata == {"team": "ops"}
    mail = mailbox.last(invited)
    assert mail.subject == "You have been invited"
    token = parse_qs(urlsplit(link_in(mail)).query)["token"][0]
    accepted = auth.verify_otp({"token_hash": token, "type": "invite"}).session
    assert accepted.user.email == invited
    auth.update_user({"password": "my-own-password"})
    auth.sign_out()
    assert auth.sign_in_with_password({"email": invited, "password": "my-own-password"}).session
    assert code_in(mail)


async def test_admin_and_sign_up_validate_emails_and_pages_as_gotrue(auth_live):
    api = admin(auth_live)
    for bad in ("a@b..com", "<script>@x.com", "no-at-sign", "a@-b.com"):
        with pytest.raises(AuthApiError) as refused:
            api.create_user({"email": bad, "password": "valid-pass-1"})
        assert refused.value.status == 400 and refused.value.code == "validation_failed", bad
        assert refused.value.message == "Unable to validate email address: invalid format"
    auth = create_client(auth_live.url, auth_live.anon_key).auth
    with pytest.raises(AuthApiError) as refused:
        auth.sign_up({"email": "a@b..com", "password": "valid-pass-1"})
    assert refused.value.code == "validation_failed"
    for page in ("0", "-1", "x"):
        response = httpx.get(auth_live.url + f"/auth/v1/admin/users?page={page}",
                             headers={"apikey": auth_live.service_role_key,
                                      "authorization": f"Bearer {auth_live.service_role_key}"})
        assert response.status_code == 400 and response.json()["error_code"] == "validation_failed", page
        assert response.json()["msg"].startswith("Bad Pagination Parameters")
    with pytest.raises(AuthApiError) as refused:
        api.list_users(page=0)
    assert refused.value.code == "validation_failed"


async def test_generate_link_for_an_email_change_as_gotrue(auth_live):
    api = admin(auth_live)
    email, taken, new = unique_email("change"), unique_email("taken"), unique_email("new")
    api.create_user({"email": email, "password": "change-me-1", "email_confirm": True})
    api.create_user({"email": taken, "password": "change-me-1", "email_confirm": True})
    with pytest.raises(AuthApiError) as refused:
        api.generate_link({"type": "email_change_new", "email": email, "new_email": taken})
    assert refused.value.status == 422 and refused.value.code == "email_exists"
    with pytest.raises(AuthApiError) as refused:
        api.generate_link({"type": "email_change_current", "email": email, "new_email": "a@b..com"})
    assert refused.value.status == 400 and refused.value.code == "validation_failed"
    link = api.generate_link({"type": "email_change_new", "email": email, "new_email": new})
    # supabase-py's model only takes the requested type here (GoTrue echoes it); the link verifies as email_change
    assert link.properties.verification_type == "email_change_new"
    assert "type=email_change&" in link.properties.action_link
    assert link.user.new_email == new and link.user.email == email
