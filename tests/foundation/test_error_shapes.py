"""Every prefix answers its errors in one wire shape, whoever refuses: the gateway or the service.

A 401, 404, 413, 429 and 503 to each prefix of a running stack; each body's keys and value types are
pinned per wire format. Kong's refusals (no key, no route, body too large) are `{"message"}` on every
prefix, as the seed's gateway answers before any service sees the request; a refused rate and an
unavailable database are answered in the service's own shape.
"""
from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest

from oricol import bootstrap, jwt
from oricol.errors import ApiError
from tests.support import pg
from tests.support.stack import SECRETS, close_stack, config_for, open_stack

KONG = {"message": str}
AUTH = {"code": int, "error_code": str, "msg": str}
AUTH_2024 = {"code": str, "message": str}
REST = {"code": str, "message": str, "details": (str, type(None)), "hint": (str, type(None))}
STORAGE = {"statusCode": str, "code": str, "error": str, "message": str}
REALTIME = {"message": str, "error": str}
META = {"error": str}
STUDIO = {"message": str}

PROBES = {  # prefix -> (a path under it that needs the database, method)
    "/auth/v1": ("/auth/v1/admin/users", "GET"),
    "/rest/v1": ("/rest/v1/shape_probe", "GET"),
    "/storage/v1": ("/storage/v1/bucket", "GET"),
    "/realtime/v1": ("/realtime/v1/api/broadcast", "POST"),
    "/pg": ("/pg/tables", "GET"),
    "/studio/api": ("/studio/api/session", "GET"),
}
SERVICE_SHAPE = {"/auth/v1": AUTH, "/rest/v1": REST, "/storage/v1": STORAGE, "/realtime/v1": REALTIME,
                 "/pg": META, "/studio/api": STUDIO}
SERVICE_KEY = {"apikey": SECRETS["service_role_key"], "authorization": f"Bearer {SECRETS['service_role_key']}"}
PRIVATE_BROADCAST = {"messages": [{"topic": "shape", "event": "e", "payload": {}, "private": True}]}


def assert_shape(response: httpx.Response, status: int, shape: dict) -> None:
    assert response.status_code == status, (response.request.url, response.status_code, response.text)
    body = response.json()
    assert set(body) == set(shape), (response.request.url, body)
    for key, kind in shape.items():
        assert isinstance(body[key], kind) and not isinstance(body[key], bool), (response.request.url, key, body)


def client(stack, **headers) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t", headers=headers)


async def test_401_without_a_key_is_kongs_on_every_api_and_studios_own_without_a_session(stack):
    async with client(stack) as http:
        for prefix, (path, method) in PROBES.items():
            response = await http.request(method, path)
            assert_shape(response, 401, STUDIO if prefix == "/studio/api" else KONG)
        assert (await http.get("/rest/v1/x", headers={"apikey": "forged"})).json() == {"message": "Invalid API key"}


async def test_404_is_the_services_own_under_its_prefix_and_kongs_outside_any(stack):
    async with client(stack, **SERVICE_KEY) as http:
        assert_shape(await http.get("/auth/v1/nowhere"), 404, AUTH)
        assert_shape(await http.get("/auth/v1/nowhere", headers={"x-supabase-api-version": "2024-01-01"}),
                     404, AUTH_2024)
        assert_shape(await http.get("/rest/v1/no_such_table_here"), 404, REST)
        assert_shape(await http.get("/storage/v1/nowhere/at/all"), 404, STORAGE)
        assert_shape(await http.post("/realtime/v1/nowhere"), 404, REALTIME)
        assert_shape(await http.get("/pg/nowhere"), 404, META)
        assert_shape(await http.get("/studio/api/nowhere"), 404, STUDIO)
        assert_shape(await http.get("/functions/v1/nowhere"), 404, KONG)


async def test_413_is_kongs_where_the_gateway_limits_and_storages_own_where_storage_does(stack):
    limit = stack.platform.config.core.max_body_bytes
    too_big = b"x" * (limit + 1)
    async with client(stack, **SERVICE_KEY) as http:
        for prefix, (path, _) in PROBES.items():
            if prefix == "/storage/v1":
                continue  # storage limits its own bodies (per bucket), the gateway does not
            response = await http.post(path, content=too_big, headers={"content-type": "application/json"})
            assert_shape(response, 413, KONG)
        # Storage's own limit on a JSON body: its shape, with the class in statusCode.
        response = await http.post("/storage/v1/bucket", content=b" " * (1024 * 1024 + 1),
                                   headers={"content-type": "application/json"})
        assert_shape(response, 400, STORAGE)
        assert response.json()["statusCode"] == "413"


async def test_429_is_in_the_services_own_shape_on_every_prefix(db_url, pg_server, tmp_path):
    rates = ",".join(f"{group}=1/3600" for group in ("auth", "rest", "realtime", "storage", "meta", "studio"))
    stack = await open_stack(config_for(db_url, pg_server.password, tmp_path, ORICOL_RATE_LIMIT_IP=rates))
    try:
        async with client(stack, **SERVICE_KEY) as http:
            for prefix, (path, method) in PROBES.items():
                await http.request(method, path)
                response = await http.request(method, path)
                assert_shape(response, 429, SERVICE_SHAPE[prefix])
                assert int(response.headers["retry-after"]) >= 1
            auth = await http.get("/auth/v1/settings", headers={"x-supabase-api-version": "2024-01-01"})
            assert_shape(auth, 429, AUTH_2024)
            assert auth.json()["code"] == "over_request_rate_limit"
            assert auth.headers["x-supabase-api-version"] == "2024-01-01"
            storage = (await http.get("/storage/v1/bucket")).json()
            assert storage["statusCode"] == "429" and storage["code"] == "TooManyRequests"
    finally:
        await close_stack(stack)


PASSWORD = "shape-password-1"


@pytest.fixture
def own_cluster():
    with pg.own_cluster(PASSWORD) as (_, cluster, _):
        yield cluster


async def test_503_while_the_database_is_down_is_in_the_services_own_shape(own_cluster, tmp_path):
    url = own_cluster.url(PASSWORD)
    await bootstrap.prepare(url, PASSWORD, None)
    admin = await asyncpg.connect(url)
    try:  # a table REST knows, so that the read reaches the database
        await admin.execute("create table public.shape_probe (id int); grant select on public.shape_probe to service_role")
    finally:
        await admin.close()
    stack = await open_stack(config_for(url, PASSWORD, tmp_path))
    user = jwt.encode({"sub": "7b8e5f5e-0000-4000-8000-0000000000aa", "role": "authenticated",
                       "exp": 2_000_000_000}, SECRETS["jwt_secret"])
    try:
        async with client(stack, **SERVICE_KEY) as http:
            await asyncio.to_thread(own_cluster.stop, "fast")
            for prefix, (path, method) in PROBES.items():
                if prefix == "/studio/api":
                    continue  # the console's session store: answered below, it needs no key
                headers, body = {}, None
                if prefix == "/realtime/v1":  # a private channel asks the database who may write
                    headers, body = {"authorization": f"Bearer {user}"}, PRIVATE_BROADCAST
                response = await asyncio.wait_for(http.request(method, path, headers=headers, json=body), 20)
                assert_shape(response, 503, SERVICE_SHAPE[prefix])
                assert response.headers.get("retry-after") == "1", prefix
            auth = await http.get("/auth/v1/admin/users", headers={"x-supabase-api-version": "2024-01-01"})
            assert_shape(auth, 503, AUTH_2024)
            studio = await http.get("/studio/api/session", headers={"cookie": "oricol_studio=x"})
            assert_shape(studio, 503, STUDIO)
    finally:
        await close_stack(stack)


async def test_an_error_a_service_lets_escape_is_rendered_in_that_services_shape(stack):
    async def careless(scope, receive, send):
        raise ApiError(409, "careless", "raised past the service's own renderer")

    stack.gateway.services["rest"] = careless
    async with client(stack, **SERVICE_KEY) as http:
        response = await http.get("/rest/v1/anything")
        assert_shape(response, 409, REST)
        assert response.json()["code"] == "careless"
