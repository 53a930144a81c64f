"""The ceiling of "Python doing what PostgREST does" for bench/rest.py's request (a), GET one row by key:
a bare ASGI app (no framework) on uvicorn (its defaults: uvloop + httptools) and asyncpg, sending
PostgREST v12's statements for the read, one round trip each, as PostgREST does:

    BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
    select set_config('role', ...), set_config('request.jwt.claims', ...), <the request settings>;
    WITH pgrst_source AS (...) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) ...;
    COMMIT;

and answering the body with the status and headers our server sends. Like PostgREST's pool, no reset
query on release; statements are prepared once per connection (asyncpg's statement cache).

    MINIMAL_DATABASE_URL=... MINIMAL_CLAIMS='{"role":"anon"}' python bench/minimal_app.py PORT WORKERS POOL
"""
from __future__ import annotations

import asyncio
import os
import sys
from urllib.parse import parse_qsl

import asyncpg
import orjson
import uvicorn

BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY"
SETTINGS = ("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), "
            "set_config('request.method', $3, true), set_config('request.path', $4, true), "
            "set_config('request.headers', $5, true), set_config('request.cookies', $6, true)")
READ = ('WITH pgrst_source AS ( SELECT "public"."customers".* FROM "public"."customers" '
        'WHERE  "public"."customers"."id" = $1  ) '
        "SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
        "coalesce(json_agg(_postgrest_t), '[]') AS body, "
        "nullif(current_setting('response.headers', true), '') AS response_headers, "
        "nullif(current_setting('response.status', true), '') AS response_status, "
        "'' AS response_inserted FROM ( SELECT * FROM pgrst_source ) _postgrest_t")

_pool: asyncpg.Pool | None = None
_pool_lock = asyncio.Lock()


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


async def pool() -> asyncpg.Pool:
    global _pool
    if _pool is None:
        async with _pool_lock:
            if _pool is None:
                size = int(os.environ.get("MINIMAL_POOL", "10"))
                _pool = await asyncpg.create_pool(os.environ["MINIMAL_DATABASE_URL"], min_size=size, max_size=size,
                                                  reset=_no_reset, server_settings={"jit": "off"})
    return _pool


async def app(scope: dict, receive, send) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["path"] == "/health":
        await _answer(send, 200, b"{}", [])
        return
    query = dict(parse_qsl(scope["query_string"].decode()))
    key = int(query["id"].removeprefix("eq."))
    headers = orjson.dumps({k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}).decode()
    async with (await pool()).acquire() as conn:
        await conn.execute(BEGIN)
        await conn.fetchrow(SETTINGS, "anon", os.environ["MINIMAL_CLAIMS"], "GET", scope["path"], headers, "{}")
        row = await conn.fetchrow(READ, key)
        await conn.execute("COMMIT")
    page = row["page_total"]
    content_range = f"0-{page - 1}/*" if page else "*/*"
    await _answer(send, 200, row["body"].encode(), [(b"content-range", content_range.encode()),
                                                   (b"content-type", b"application/json; charset=utf-8")])


async def _answer(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": headers + [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    port, workers, size = (int(a) for a in sys.argv[1:4])
    os.environ["MINIMAL_POOL"] = str(size)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    uvicorn.run("minimal_app:app", host="127.0.0.1", port=port, workers=workers, log_level="error",
                access_log=False, lifespan="off")


if __name__ == "__main__":
    main()
