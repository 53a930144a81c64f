"""Roles and RLS: anon reads what its policy allows, two users never see each other's rows,
service_role bypasses RLS; request settings, the pre-request function and JWT errors."""
from __future__ import annotations

import dataclasses
import time

from oricol import jwt
from tests.support.stack import SECRETS, asgi_client

from .conftest import USER_A, USER_B, user_token


async def test_two_users_do_not_see_each_other(user_a, user_b, service):
    a = await user_a.post("/rest/v1/notes?select=body,owner", json={"body": "mine A"},
                          headers={"Prefer": "return=representation"})
    assert a.status_code == 201 and a.json() == [{"body": "mine A", "owner": USER_A}]
    b = await user_b.post("/rest/v1/notes", json={"body": "mine B"})
    assert b.status_code == 201
    assert [n["body"] for n in (await user_a.get("/rest/v1/notes")).json()] == ["mine A"]
    assert [n["body"] for n in (await user_b.get("/rest/v1/notes")).json()] == ["mine B"]
    # B cannot change or delete A's note: zero rows match under B's policy.
    patched = await user_b.patch("/rest/v1/notes?body=eq.mine A", json={"body": "stolen"},
                                 headers={"Prefer": "return=representation"})
    assert patched.status_code == 200 and patched.json() == []
    deleted = await user_b.delete("/rest/v1/notes", headers={"Prefer": "count=exact"})
    assert deleted.headers["content-range"] == "0-0/1"
    assert sorted(n["body"] for n in (await service.get("/rest/v1/notes")).json()) == ["mine A"]


async def test_user_cannot_write_a_row_for_someone_else(user_a):
    r = await user_a.post("/rest/v1/notes", json={"body": "forged", "owner": USER_B})
    assert r.status_code == 403 and r.json()["code"] == "42501"
    assert "row-level security" in r.json()["message"]


async def test_anon_reads_public_rows_but_cannot_write(anon):
    assert len((await anon.get("/rest/v1/authors")).json()) == 3
    assert (await anon.get("/rest/v1/notes")).json() == []
    r = await anon.post("/rest/v1/authors", json={"name": "anon"})
    assert r.status_code == 401 and r.json()["code"] == "42501"


async def test_permission_denied_is_401_for_anon_and_403_for_users(admin, anon, user_a):
    await admin.execute("revoke all on public.files from anon, authenticated")
    assert (await anon.get("/rest/v1/files")).status_code == 401
    r = await user_a.get("/rest/v1/files")
    assert r.status_code == 403 and r.json()["message"] == "permission denied for table files"


async def test_service_role_bypasses_rls(service, user_a):
    await user_a.post("/rest/v1/notes", json={"body": "private"})
    assert [n["body"] for n in (await service.get("/rest/v1/notes")).json()] == ["private"]


async def test_request_settings_are_visible_to_sql(user_a):
    r = await user_a.get("/rest/v1/rpc/whoami", headers={"X-Probe": "hello"})
    assert r.json() == {"role": "authenticated", "sub": USER_A, "method": "GET", "path": "/rest/v1/rpc/whoami",
                        "header": "hello"}


async def test_response_headers_and_status_from_sql(service):
    r = await service.post("/rest/v1/rpc/teapot", json={})
    assert r.status_code == 418 and r.headers["x-brew"] == "green" and r.json() == 1


async def test_pre_request_function(rest_stack, admin, anon):
    await admin.execute("""
      create function public.check_request() returns void language plpgsql as $$
      begin
        if current_setting('request.headers', true)::json->>'x-block' = 'yes' then
          raise sqlstate 'PGRST' using message = '{"code":"BLOCKED","message":"Blocked by pre-request"}',
                                       detail = '{"status":403,"headers":{"X-Why":"blocked"}}';
        end if;
      end $$""")
    app = rest_stack.services["rest"].app
    app.config = dataclasses.replace(app.config, pre_request="public.check_request")
    blocked = await anon.get("/rest/v1/authors", headers={"X-Block": "yes"})
    assert blocked.status_code == 403 and blocked.headers["x-why"] == "blocked"
    assert blocked.json() == {"code": "BLOCKED", "message": "Blocked by pre-request", "details": None, "hint": None}
    assert (await anon.get("/rest/v1/authors")).status_code == 200


async def test_expired_and_forged_tokens(rest_stack):
    expired = jwt.encode({"role": "authenticated", "sub": USER_A, "exp": int(time.time()) - 10},
                         SECRETS["jwt_secret"])
    async with asgi_client(rest_stack, token=expired) as http:
        r = await http.get("/rest/v1/authors")
    assert r.status_code == 401 and r.json()["code"] == "PGRST303" and r.json()["message"] == "JWT expired"
    assert "invalid_token" in r.headers["www-authenticate"]
    forged = jwt.encode({"role": "service_role", "exp": int(time.time()) + 60}, "x" * 40)
    async with asgi_client(rest_stack, token=forged) as http:
        r = await http.get("/rest/v1/notes")
    assert r.status_code == 401 and r.json()["code"] == "PGRST301"


async def test_unknown_role_in_a_valid_token_is_refused(rest_stack):
    token = user_token(USER_A, role="no_such_role")
    async with asgi_client(rest_stack, token=token) as http:
        r = await http.get("/rest/v1/authors")
    assert r.status_code in (400, 401, 403) and set(r.json()) == {"code", "message", "details", "hint"}
