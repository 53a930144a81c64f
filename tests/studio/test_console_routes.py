"""The console routes: a session cookie (plus CSRF on writes) maps to service_role for /studio/api/pg,
/rest/v1, /auth/v1 and /storage/v1 only; without it, 401. No response ever carries the service key."""
from __future__ import annotations

import orjson

from tests.support.stack import SECRETS

from .conftest import sign_in

CONSOLE_GETS = ("/studio/api/pg/tables", "/studio/api/rest/v1/", "/studio/api/auth/v1/admin/users",
                "/studio/api/storage/v1/bucket", "/studio/api/logs", "/studio/api/settings",
                "/studio/api/ops/health", "/studio/api/ops/metrics", "/studio/api/ops/backups")


async def test_every_console_route_needs_the_cookie(browser, stack):
    for path in CONSOLE_GETS:
        response = await browser.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"message": "Sign in to the Studio first"}
    # A key in the request does not stand in for the session on console routes.
    keyed = await browser.get("/studio/api/pg/tables", headers={"apikey": SECRETS["service_role_key"],
                                                               "authorization": f"Bearer {SECRETS['service_role_key']}"})
    assert keyed.status_code == 401
    forged = await browser.get("/studio/api/pg/tables", headers={"cookie": "oricol_studio=made-up"})
    assert forged.status_code == 401


async def test_writes_need_the_csrf_token(browser):
    csrf = await sign_in(browser)
    query = {"query": "select 1 as one"}
    assert (await browser.post("/studio/api/pg/query", json=query)).status_code == 403
    wrong = await browser.post("/studio/api/pg/query", json=query, headers={"x-csrf-token": "x" + csrf})
    assert wrong.status_code == 403
    right = await browser.post("/studio/api/pg/query", json=query, headers={"x-csrf-token": csrf})
    assert right.status_code == 200 and right.json() == [{"one": 1}]


async def test_the_cookie_maps_to_service_role_on_console_routes_only(browser, admin):
    csrf = await sign_in(browser)
    await admin.execute("create table public.notes (id bigint generated always as identity primary key, body text);"
                        "alter table public.notes enable row level security;"
                        "grant all on public.notes to anon, authenticated, service_role;")
    headers = {"x-csrf-token": csrf, "prefer": "return=representation,count=exact"}
    made = await browser.post("/studio/api/rest/v1/notes", json={"body": "hello"}, headers=headers)
    assert made.status_code == 201, made.text
    listed = await browser.get("/studio/api/rest/v1/notes?select=*", headers={"prefer": "count=exact"})
    assert listed.json() == [{"id": 1, "body": "hello"}]
    assert listed.headers["content-range"] == "0-0/1"  # service_role bypasses RLS, as the console should
    cookie = {"cookie": f"oricol_studio={browser.cookies['oricol_studio']}"}
    # The same cookie on the public routes is nothing: no key, no access.
    for path in ("/rest/v1/notes", "/pg/tables", "/auth/v1/admin/users", "/storage/v1/bucket"):
        assert (await browser.get(path, headers=cookie)).status_code == 401, path
    # With the anon key the public route is the anon role: RLS hides the row.
    anon = await browser.get("/rest/v1/notes", headers={**cookie, "apikey": SECRETS["anon_key"]})
    assert anon.status_code == 200 and anon.json() == []


async def test_no_console_response_carries_the_service_key_or_the_jwt_secret(browser, stack, tmp_path):
    csrf = await sign_in(browser)
    writes = {"x-csrf-token": csrf}
    responses = [await browser.get(path) for path in CONSOLE_GETS]
    responses += [
        await browser.get("/studio/api/session"),
        await browser.get("/studio/api/pg/config"),
        await browser.get("/studio/api/pg/roles"),
        await browser.get("/studio/api/auth/v1/settings"),
        await browser.post("/studio/api/pg/query", headers=writes,
                           json={"query": "select current_setting('request.jwt.claims', true) as claims"}),
        await browser.post("/studio/api/pg/query", headers=writes, json={"query": "select nonsense from nowhere"}),
        await browser.post("/studio/api/auth/v1/invite", headers=writes, json={"email": "invited@example.com"}),
        await browser.post("/studio/api/storage/v1/bucket", headers=writes, json={"name": "docs", "public": False}),
        await browser.post("/studio/api/storage/v1/object/docs/a.txt", headers={**writes, "content-type": "text/plain"},
                           content=b"hello"),
        await browser.post("/studio/api/storage/v1/object/sign/docs/a.txt", headers=writes, json={"expiresIn": 60}),
        await browser.get("/studio/api/rest/v1/nothing_here"),
    ]
    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), statuses
    for response in responses:
        seen = response.text + orjson.dumps(dict(response.headers)).decode()
        assert SECRETS["service_role_key"] not in seen, response.url
        assert SECRETS["jwt_secret"] not in seen, response.url
    settings = (await browser.get("/studio/api/settings")).json()
    assert settings["anon_key"] == SECRETS["anon_key"]


async def test_health_says_studio_is_up_only_with_its_table(service_client, admin):
    health = (await service_client.get("/health")).json()
    assert health["parts"]["studio"] == "up"
    await admin.execute("drop table oricol_studio.sessions")
    health = (await service_client.get("/health")).json()
    assert health["parts"]["studio"].startswith("down")
