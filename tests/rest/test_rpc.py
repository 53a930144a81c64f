"""Functions as RPC: named arguments by POST and GET, overloads, a single JSON parameter, variadic,
scalar / set / table / void results, and the read grammar on table-valued results."""
from __future__ import annotations


async def test_post_and_get_with_named_arguments(anon):
    assert (await anon.post("/rest/v1/rpc/add_them", json={"a": 1, "b": 2})).json() == 3
    assert (await anon.get("/rest/v1/rpc/add_them?a=4&b=5")).json() == 9


async def test_overloads_are_resolved_by_argument_names(anon):
    assert (await anon.post("/rest/v1/rpc/add_them", json={"a": 1, "b": 2, "c": 3})).json() == 6
    r = await anon.post("/rest/v1/rpc/add_them", json={"a": 1, "z": 2})
    assert r.status_code == 404 and r.json()["code"] == "PGRST202"
    assert r.json()["message"] == "Could not find the function public.add_them(a, z) in the schema cache"


async def test_unknown_function_suggests_a_close_name(anon):
    r = await anon.post("/rest/v1/rpc/add_then", json={})
    assert r.status_code == 404 and r.json()["hint"] == "Perhaps you meant to call the function public.add_them"


async def test_single_unnamed_json_parameter(anon):
    body = {"x": [1, 2], "y": {"z": None}}
    assert (await anon.post("/rest/v1/rpc/echo_json", json=body)).json() == body


async def test_variadic(anon):
    assert (await anon.post("/rest/v1/rpc/total", json={"nums": [1, 2, 3]})).json() == 6
    assert (await anon.get("/rest/v1/rpc/total?nums=1&nums=2&nums=4")).json() == 7
    assert (await anon.get("/rest/v1/rpc/total?nums={5,6}")).json() == 11


async def test_set_of_table_rows_takes_filters_select_order_and_paging(anon):
    r = await anon.get("/rest/v1/rpc/books_by", params={"author": 1, "select": "id,title", "order": "id.desc"})
    assert r.json() == [{"id": 2, "title": "The Dispossessed"}, {"id": 1, "title": "A Wizard of Earthsea"}]
    r = await anon.post("/rest/v1/rpc/books_by?pages=gt.200&select=id,authors!books_author_fk(name)",
                        json={"author": 1}, headers={"Prefer": "count=exact"})
    assert r.json() == [{"id": 2, "authors": {"name": "Ursula"}}]
    assert r.headers["content-range"] == "0-0/1"
    single = await anon.get("/rest/v1/rpc/books_by?author=2&select=title",
                            headers={"Accept": "application/vnd.pgrst.object+json"})
    assert single.json() == {"title": "Solaris"}


async def test_returns_table_columns(anon):
    r = await anon.get("/rest/v1/rpc/label_names?len=gt.4&order=label")
    assert r.json() == [{"label": "favourite", "len": 9}, {"label": "reread", "len": 6}]


async def test_void_function_answers_204(anon):
    r = await anon.post("/rest/v1/rpc/nothing", json={})
    assert r.status_code == 204 and r.content == b""


async def test_raise_exception_is_400_with_the_message(anon):
    r = await anon.post("/rest/v1/rpc/fail", json={"msg": "no way"})
    assert r.status_code == 400
    assert r.json() == {"code": "P0001", "message": "no way", "details": None, "hint": None}


async def test_volatile_function_by_get_is_read_only(anon):
    r = await anon.get("/rest/v1/rpc/teapot")
    assert r.status_code in (200, 418)  # set_config is allowed in a read-only transaction


async def test_writes_in_get_fail_with_405(admin, service):
    await admin.execute("create function public.make_label() returns int language sql as "
                        "$$ insert into public.labels values (77, 'made') returning id $$")
    await admin.execute("notify pgrst, 'reload schema'")
    import asyncio
    for _ in range(50):
        r = await service.get("/rest/v1/rpc/make_label")
        if r.status_code != 404:
            break
        await asyncio.sleep(0.05)
    assert r.status_code == 405 and r.json()["code"] == "25006"
    assert (await service.post("/rest/v1/rpc/make_label", json={})).json() == 77


async def test_rpc_with_other_methods_is_refused(anon):
    r = await anon.delete("/rest/v1/rpc/add_them")
    assert r.status_code == 405 and r.json()["code"] == "PGRST101"
