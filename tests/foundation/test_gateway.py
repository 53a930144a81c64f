"""The gateway as the seed's Kong behaves: keys, bearer tokens, CORS, request ids, limits, errors."""
from __future__ import annotations

import time

import httpx

from oricol import jwt
from tests.support.stack import SECRETS


async def test_health_needs_no_key_and_reports_every_part(stack):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t") as http:
        response = await http.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["parts"]["database"] == "up"
    assert set(stack.services) <= set(body["parts"])


async def test_missing_api_key_is_401_with_kongs_message(stack):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t") as http:
        response = await http.get("/rest/v1/anything")
    assert response.status_code == 401
    assert response.json() == {"message": "No API key found in request"}
    assert response.headers["x-request-id"]


async def test_invalid_api_key_is_401(stack):
    forged = jwt.make_api_key("x" * 40, "service_role")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t") as http:
        for key in ("garbage", forged):
            response = await http.get("/rest/v1/anything", headers={"apikey": key})
            assert response.status_code == 401
            assert response.json() == {"message": "Invalid API key"}
        response = await http.get(f"/rest/v1/anything?apikey={forged}")
        assert response.status_code == 401


async def test_api_key_in_query_parameter_is_accepted(stack):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t") as http:
        response = await http.get(f"/rest/v1/?apikey={SECRETS['anon_key']}")
    assert response.status_code != 401


async def test_unknown_api_route_is_json_404(client):
    # Paths outside the APIs belong to the web app (tests/web/test_serving.py); under an API's segment
    # an unknown route is Kong's JSON 404.
    response = await client.get("/rest/v9/nowhere/at/all")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"message": "no Route matched with those values"}


async def test_meta_needs_the_service_role_key(client, service_client):
    response = await client.get("/pg/tables")
    assert response.status_code == 403
    response = await service_client.get("/pg/tables")
    assert response.status_code not in (401, 403)


async def test_bearer_token_role_is_passed_on_and_bad_tokens_are_not_anon(stack):
    seen = {}

    async def probe(scope, receive, send):
        from oricol.identity import identity_of

        identity = identity_of(scope)
        seen["identity"] = identity
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    stack.gateway.services["rest"] = probe
    user = jwt.encode({"sub": "7b8e5f5e-0000-4000-8000-000000000001", "role": "authenticated",
                       "exp": int(time.time()) + 60}, SECRETS["jwt_secret"])
    expired = jwt.encode({"sub": "x", "role": "authenticated", "exp": int(time.time()) - 10}, SECRETS["jwt_secret"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t",
                                 headers={"apikey": SECRETS["anon_key"]}) as http:
        await http.get("/rest/v1/x", headers={"authorization": f"Bearer {user}"})
        assert seen["identity"].caller.role == "authenticated"
        assert seen["identity"].caller.user_id == "7b8e5f5e-0000-4000-8000-000000000001"
        await http.get("/rest/v1/x")
        assert seen["identity"].caller.role == "anon"
        await http.get("/rest/v1/x", headers={"authorization": f"Bearer {expired}"})
        assert seen["identity"].caller is None and seen["identity"].jwt_error.expired
        await http.get("/rest/v1/x", headers={"authorization": "Bearer not.a.jwt"})
        assert seen["identity"].jwt_error is not None and not seen["identity"].jwt_error.expired


async def test_cors_preflight_allows_every_supabase_js_header(client):
    wanted = ("apikey, authorization, x-client-info, content-type, prefer, range, accept-profile, "
              "content-profile, x-upsert, x-supabase-api-version")
    response = await client.options("/rest/v1/tickets", headers={
        "origin": "http://localhost:8080", "access-control-request-method": "PATCH",
        "access-control-request-headers": wanted})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:8080"
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in wanted.split(",")} <= allowed
    assert "PATCH" in response.headers["access-control-allow-methods"]


async def test_cors_without_requested_headers_lists_the_defaults(client):
    response = await client.options("/auth/v1/token", headers={
        "origin": "http://app.example", "access-control-request-method": "POST"})
    assert response.status_code == 200
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("apikey", "authorization", "x-client-info", "prefer", "range", "x-upsert"):
        assert header in allowed


async def test_responses_expose_content_range_and_carry_request_ids(client):
    response = await client.get("/rest/v1/x", headers={"origin": "http://localhost:8080"})
    assert "Content-Range" in response.headers["access-control-expose-headers"]
    first = response.headers["x-request-id"]
    second = (await client.get("/rest/v1/x")).headers["x-request-id"]
    assert first and second and first != second
    echoed = await client.get("/rest/v1/x", headers={"x-request-id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"


async def test_body_over_the_limit_is_413(stack, client):
    async def reader(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    stack.gateway.services["rest"] = reader
    limit = stack.platform.config.core.max_body_bytes
    response = await client.post("/rest/v1/x", content=b"x" * (limit + 1),
                                  headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"message": "Request size limit exceeded"}

    async def chunks():
        for _ in range(limit // 65536 + 2):
            yield b"y" * 65536

    response = await client.post("/rest/v1/x", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_an_exception_in_a_service_is_a_json_500_without_a_trace(stack, client):
    async def broken(scope, receive, send):
        raise RuntimeError("secret internals /etc/passwd")

    stack.gateway.services["rest"] = broken
    response = await client.get("/rest/v1/x")
    assert response.status_code == 500
    assert response.json() == {"message": "An unexpected error occurred"}
    assert "passwd" not in response.text and "Traceback" not in response.text


async def test_health_is_503_naming_what_is_down(stack):
    async def broken() -> str:
        return "down: replication slot lost"

    stack.services["realtime"].health = broken
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway), base_url="http://t") as http:
        response = await http.get("/health")
    assert response.status_code == 503
    assert response.json()["down"] == ["realtime"]
    assert response.json()["parts"]["realtime"] == "down: replication slot lost"
