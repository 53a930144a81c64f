"""The console's own login: cookie flags, CSRF, expiry, rate limit, sign-out ending the session."""
from __future__ import annotations

import logging

import httpx

from tests.support.stack import SECRETS, asgi_client, close_stack, config_for, open_stack

from .conftest import sign_in


async def test_sign_in_sets_a_strict_httponly_cookie_and_returns_a_csrf_token(browser):
    response = await browser.post("/studio/api/login", json={"username": "admin",
                                                              "password": SECRETS["dashboard_password"]})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("oricol_studio=")
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/studio", "Max-Age=43200"):
        assert flag in cookie
    assert "Secure" not in cookie  # served over plain http here
    body = response.json()
    assert body["username"] == "admin" and len(body["csrf_token"]) > 30
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in response.text  # the session token lives in the cookie only
    session = await browser.get("/studio/api/session")
    assert session.status_code == 200 and session.json()["csrf_token"] == body["csrf_token"]


async def test_the_cookie_is_secure_behind_a_trusted_https_proxy_only(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_TRUSTED_PROXIES="10.0.0.0/24")
    stack = await open_stack(config)
    right = {"username": "admin", "password": SECRETS["dashboard_password"]}
    try:
        for peer, secure in ((("10.0.0.7", 1), True), (("192.0.2.1", 1), False)):
            transport = httpx.ASGITransport(app=stack.gateway, client=peer)
            async with httpx.AsyncClient(transport=transport, base_url="http://oricol.test") as http:
                response = await http.post("/studio/api/login", json=right, headers={"x-forwarded-proto": "https"})
                assert ("; Secure" in response.headers["set-cookie"]) is secure, peer
    finally:
        await close_stack(stack)


async def test_the_cookie_is_secure_when_the_public_url_is_https(db_url, pg_server, tmp_path):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_PUBLIC_URL="https://studio.example.com")
    stack = await open_stack(config)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://oricol.test") as http:
            response = await http.post("/studio/api/login", json={"username": "admin",
                                                                   "password": SECRETS["dashboard_password"]})
            assert "; Secure" in response.headers["set-cookie"]
    finally:
        await close_stack(stack)


async def test_wrong_credentials_are_refused_and_logged_without_the_password(browser, caplog):
    caplog.set_level(logging.WARNING, logger="oricol.studio")
    for username, password in (("admin", "wrong-password-123"), ("root", SECRETS["dashboard_password"])):
        response = await browser.post("/studio/api/login", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json() == {"message": "Invalid username or password"}
        assert "set-cookie" not in response.headers
    assert (await browser.get("/studio/api/session")).status_code == 401
    failures = [r for r in caplog.records if r.getMessage() == "studio sign-in failed"]
    assert len(failures) == 2 and failures[0].client_ip == "10.0.0.9"
    assert "wrong-password-123" not in caplog.text and SECRETS["dashboard_password"] not in caplog.text
    bad = await browser.post("/studio/api/login", content=b"not json")
    assert bad.status_code == 400 and "message" in bad.json()


async def test_failed_sign_ins_are_rate_limited_per_ip(stack):
    limit = stack.platform.config.studio.failed_logins
    transport = httpx.ASGITransport(app=stack.gateway, client=("10.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://oricol.test") as attacker:
        for _ in range(limit):
            wrong = await attacker.post("/studio/api/login", json={"username": "admin", "password": "guess"})
            assert wrong.status_code == 401
        blocked = await attacker.post("/studio/api/login",
                                      json={"username": "admin", "password": SECRETS["dashboard_password"]})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    other = httpx.ASGITransport(app=stack.gateway, client=("10.0.0.2", 1))
    async with httpx.AsyncClient(transport=other, base_url="http://oricol.test") as operator:
        assert (await sign_in(operator))  # another address is not locked out


async def test_failed_sign_ins_are_counted_in_redis_across_nodes(db_url, pg_server, tmp_path, redis_url):
    config = config_for(db_url, pg_server.password, tmp_path, ORICOL_REDIS_URL=redis_url,
                        ORICOL_STUDIO_FAILED_LOGINS="2")
    first, second = await open_stack(config), await open_stack(config)
    try:
        for stack in (first, second):
            transport = httpx.ASGITransport(app=stack.gateway, client=("10.0.0.3", 1))
            async with httpx.AsyncClient(transport=transport, base_url="http://oricol.test") as http:
                assert (await http.post("/studio/api/login", json={"username": "a", "password": "b"})).status_code == 401
        transport = httpx.ASGITransport(app=first.gateway, client=("10.0.0.3", 1))
        async with httpx.AsyncClient(transport=transport, base_url="http://oricol.test") as http:
            right = {"username": "admin", "password": SECRETS["dashboard_password"]}
            assert (await http.post("/studio/api/login", json=right)).status_code == 429
    finally:
        await close_stack(first)
        await close_stack(second)


async def test_sign_out_ends_the_session_on_the_server(browser):
    csrf = await sign_in(browser)
    token = browser.cookies["oricol_studio"]
    assert (await browser.post("/studio/api/logout")).status_code == 403  # no CSRF token: refused
    out = await browser.post("/studio/api/logout", headers={"x-csrf-token": csrf})
    assert out.status_code == 204 and "Max-Age=0" in out.headers["set-cookie"]
    # Replaying the old cookie after sign-out gets nothing.
    replay = await browser.get("/studio/api/session", headers={"cookie": f"oricol_studio={token}"})
    assert replay.status_code == 401
    tables = await browser.get("/studio/api/pg/tables", headers={"cookie": f"oricol_studio={token}"})
    assert tables.status_code == 401


async def test_an_expired_session_is_refused(browser, admin):
    await sign_in(browser)
    await admin.execute("update oricol_studio.sessions set expires_at = now() - interval '1 second'")
    assert (await browser.get("/studio/api/session")).status_code == 401
    assert (await browser.get("/studio/api/rest/v1/")).status_code == 401


async def test_sessions_are_stored_hashed_and_shared_by_every_node(browser, admin, config):
    await sign_in(browser)
    token = browser.cookies["oricol_studio"]
    stored = await admin.fetch("select token_hash, username from oricol_studio.sessions")
    assert len(stored) == 1 and stored[0]["username"] == "admin"
    assert token.encode() not in bytes(stored[0]["token_hash"])
    other = await open_stack(config)  # a second node on the same database knows the session
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other.gateway),
                                     base_url="http://oricol.test") as http:
            answer = await http.get("/studio/api/session", headers={"cookie": f"oricol_studio={token}"})
            assert answer.status_code == 200
    finally:
        await close_stack(other)


async def test_the_anon_and_service_keys_do_not_open_the_console(stack):
    for key in (SECRETS["anon_key"], SECRETS["service_role_key"]):
        async with asgi_client(stack, key=key, token=key) as http:
            assert (await http.get("/studio/api/session")).status_code == 401
            assert (await http.get("/studio/api/logs")).status_code == 401
