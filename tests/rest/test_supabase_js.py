"""supabase-js under node against the live server: `.from()` and `.rpc()` work unchanged."""
from __future__ import annotations

import asyncio
import json

import pytest

from tests.support.node import run_node

from . import live_schema
from .conftest import USER_A, USER_B, user_token


@pytest.fixture(scope="module")
def prefix(live):
    return asyncio.run(live_schema.create(live))


def js(live, prefix, body, **env):
    return run_node(f"const P = {json.dumps(prefix)};\n" + body, live, env=env)


def test_reads(live, prefix):
    result = js(live, prefix, """
const db = anon();
const t = `${P}_tickets`;
const page = await db.from(t).select('title, priority', { count: 'exact' }).eq('status', 'open')
  .order('priority', { ascending: false }).range(0, 0);
const embed = await db.from(t).select(`title, team:${P}_teams(name)`).gte('priority', 5).single();
const missing = await db.from(t).select('id').eq('priority', 99).maybeSingle();
const many = await db.from(t).select('id').single();
const ors = await db.from(t).select('title').or('priority.gt.4,status.eq.closed').order('id');
const json = await db.from(t).select('title').eq('details->>floor', '3');
const ins = await db.from(t).select('id').in('priority', [1, 5]).order('id');
const tags = await db.from(t).select('id').overlaps('tags', ['urgent', 'nothing']);
const head = await db.from(t).select('*', { count: 'exact', head: true });
const bad = await db.from(`${P}_nope`).select();
const csv = await db.from(`${P}_teams`).select('id,name').order('id').csv();
out({ page: [page.status, page.count, page.data], embed: embed.data, missing: [missing.data, missing.error],
      many: many.error && many.error.code, ors: ors.data.map(r => r.title), json: json.data,
      ins: ins.data.length, tags: tags.data.length, head: [head.status, head.count, head.data],
      bad: [bad.status, bad.error.code], csv: csv.data });
""")
    assert result["page"] == [206, 2, [{"title": "VPN down", "priority": 5}]]
    assert result["embed"] == {"title": "VPN down", "team": {"name": "Network"}}
    assert result["missing"] == [None, None]
    assert result["many"] == "PGRST116"
    assert result["ors"] == ["VPN down", "Password reset"]
    assert result["json"] == [{"title": "Printer jammed"}]
    assert result["ins"] == 2 and result["tags"] == 1
    assert result["head"][0] == 200 and result["head"][1] == 3 and result["head"][2] is None
    assert result["bad"] == [404, "PGRST205"]
    assert result["csv"] == "id,name\n1,Desk\n2,Network"


def test_writes_rls_and_rpc(live, prefix):
    result = js(live, prefix, """
const as = (token) => createClient(URL_, ANON_KEY, { ...options, global: { headers: { Authorization: `Bearer ${token}` } } });
const a = as(process.env.TOKEN_A), b = as(process.env.TOKEN_B);
const t = `${P}_tickets`;
const made = await a.from(t).insert({ title: 'js A', priority: 1 }).select().single();
const minimal = await b.from(t).insert([{ title: 'js B1' }, { title: 'js B2' }]);
const seenA = await a.from(t).select('title');
const seenB = await b.from(t).select('title').order('id');
const cross = await b.from(t).update({ status: 'closed' }).eq('id', made.data.id).select();
const up = await a.from(t).upsert({ id: made.data.id, title: 'js A2' }).select('title');
const del = await b.from(t).delete().like('title', 'js B%').select('title');
const anonWrite = await anon().from(t).insert({ title: 'nope' });
const forged = await a.from(t).insert({ title: 'forged', owner: process.env.USER_B });
const rpc = await anon().rpc(`${P}_count_open`, { min_priority: 3 });
const rpcGet = await anon().rpc(`${P}_count_open`, {}, { get: true });
const rows = await anon().rpc(`${P}_search`, { term: 'printer' }).select('title');
const svc = await service().from(t).select('title', { count: 'exact' }).like('title', 'js%');
out({ made: [made.status, made.data.owner, made.data.title], minimal: [minimal.status, minimal.data],
      seenA: seenA.data, seenB: seenB.data, cross: cross.data, up: up.data, del: del.data.length,
      anonWrite: [anonWrite.status, anonWrite.error.code], forged: [forged.status, forged.error.code],
      rpc: rpc.data, rpcGet: rpcGet.data, rows: rows.data, svc: svc.count });
""", TOKEN_A=user_token(USER_A), TOKEN_B=user_token(USER_B), USER_B=USER_B)
    assert result["made"] == [201, USER_A, "js A"]
    assert result["minimal"] == [201, None]
    assert result["seenA"] == [{"title": "js A"}]
    assert result["seenB"] == [{"title": "js B1"}, {"title": "js B2"}]
    assert result["cross"] == []
    assert result["up"] == [{"title": "js A2"}]
    assert result["del"] == 2
    assert result["anonWrite"] == [401, "42501"]
    assert result["forged"] == [403, "42501"]
    assert result["rpc"] == 1 and result["rpcGet"] == 2
    assert result["rows"] == [{"title": "Printer jammed"}]
    assert result["svc"] == 1


def test_more_filters_and_modifiers(live, prefix):
    result = js(live, prefix, """
const db = anon(), svc = service();
const t = `${P}_tickets`, teams = `${P}_teams`;
const not = await db.from(t).select('id').not('priority', 'is', null).not('status', 'eq', 'closed');
const match = await db.from(t).select('title').match({ status: 'open', priority: 5 });
const filter = await db.from(t).select('title').filter('tags', 'cs', '{network}');
const containedBy = await db.from(t).select('id').containedBy('tags', ['hardware', 'network', 'urgent']);
const text = await db.from(t).select('title').textSearch('title', 'printer', { config: 'english' });
const web = await db.from(t).select('title').textSearch('title', 'vpn or password', { type: 'websearch' });
const nested = await db.from(teams).select(`name, ${t}(title)`).order('id')
  .order('priority', { referencedTable: t, ascending: false }).limit(1, { referencedTable: t });
const inner = await db.from(teams).select(`name, ${t}!inner(title)`).eq(`${t}.status`, 'closed');
const insCount = await svc.from(teams).insert([{ id: 90, name: 'x' }, { id: 91, name: 'y' }], { count: 'exact' });
const ignore = await svc.from(teams).upsert({ id: 90, name: 'changed' }, { ignoreDuplicates: true }).select();
const merged = await svc.from(teams).upsert([{ id: 91, name: 'merged' }], { onConflict: 'id' }).select('name');
const rpcCount = await db.rpc(`${P}_search`, { term: 'e' }, { count: 'exact' }).select('id');
const gone = await svc.from(teams).delete({ count: 'exact' }).in('id', [90, 91]);
out({ not: not.data.length, match: match.data, filter: filter.data, containedBy: containedBy.data.length,
      text: text.data, web: web.data.map(r => r.title).sort(), nested: nested.data, inner: inner.data,
      insCount: [insCount.status, insCount.count], ignore: ignore.data, merged: merged.data,
      rpcCount: rpcCount.count, gone: [gone.status, gone.count] });
""")
    assert result["not"] == 2
    assert result["match"] == [{"title": "VPN down"}]
    assert result["filter"] == [{"title": "VPN down"}]
    assert result["containedBy"] == 3
    assert result["text"] == [{"title": "Printer jammed"}]
    assert result["web"] == ["Password reset", "VPN down"]
    tickets = f"{prefix}_tickets"
    assert result["nested"] == [{"name": "Desk", tickets: [{"title": "Printer jammed"}]},
                                {"name": "Network", tickets: [{"title": "VPN down"}]}]
    assert result["inner"] == [{"name": "Desk", tickets: [{"title": "Password reset"}]}]
    assert result["insCount"] == [201, 2]
    assert result["ignore"] == []
    assert result["merged"] == [{"name": "merged"}]
    assert result["rpcCount"] == 2
    assert result["gone"] == [204, 2]


def test_self_referencing_and_computed_embeds(live, prefix):
    result = js(live, prefix, """
const db = anon();
const e = `${P}_employees`, t = `${P}_tickets`;
const tree = await db.from(e).select(`name, manager:manager_id(name), reports:${e}!manager_id(name)`)
  .order('id').order('id', { referencedTable: 'reports' });
const ambiguous = await db.from(e).select(`*, ${e}(*)`);
const byConstraint = await db.from(e).select(`*, ${e}!${e}_manager_id_fkey(*)`);
const computed = await db.from(t).select(`title, thread:${P}_thread(body), last:${P}_last_comment(body)`)
  .eq('id', 1).single();
const inner = await db.from(t).select(`id, thread:${P}_thread!inner(body)`).like('thread.body', '%gateway%');
out({ tree: tree.data, ambiguous: [ambiguous.status, ambiguous.error], byConstraint: [byConstraint.status,
      byConstraint.error.code], computed: computed.data, inner: inner.data });
""")
    e = f"{prefix}_employees"
    assert result["tree"] == [{"name": "Ada", "manager": None, "reports": [{"name": "Bob"}, {"name": "Cy"}]},
                              {"name": "Bob", "manager": {"name": "Ada"}, "reports": []},
                              {"name": "Cy", "manager": {"name": "Ada"}, "reports": []}]
    status, error = result["ambiguous"]
    assert status == 300
    assert error == {
        "code": "PGRST201",
        "details": [{"cardinality": "one-to-many", "embedding": f"{e} with {e}",
                     "relationship": f"{e}_manager_id_fkey using {e}(id) and {e}(manager_id)"},
                    {"cardinality": "one-to-many", "embedding": f"{e} with {e}",
                     "relationship": f"{e}_mentor_id_fkey using {e}(id) and {e}(mentor_id)"}],
        "hint": f"Try changing '{e}' to one of the following: '{e}!{e}_manager_id_fkey', '{e}!{e}_mentor_id_fkey'. "
                "Find the desired relationship in the 'details' key.",
        "message": f"Could not embed because more than one relationship was found for '{e}' and '{e}'"}
    assert result["byConstraint"] == [400, "PGRST200"]
    assert result["computed"] == {"title": "Printer jammed", "thread": [{"body": "On it"}], "last": {"body": "On it"}}
    assert result["inner"] == [{"id": 2, "thread": [{"body": "Restarted the gateway"}]}]
