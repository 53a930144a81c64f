"""supabase-js as the web app uses it: signed-in users, `schema('helpdesk')`, realtime postgres_changes
under RLS (a requester never receives another's ticket or an internal note), and REST reads."""
from __future__ import annotations

import json

from tests.realtime.support import NodeScript
from tests.support.node import run_node

LISTEN = """
const who = %(who)s;
const seen = {};
const ready = new Set();
for (const person of who) {
  const c = createClient(URL_, ANON_KEY, options);
  const { error } = await c.auth.signInWithPassword({ email: person.email, password: person.password });
  if (error) throw error;
  seen[person.key] = [];
  c.channel('hd-' + person.key + '-' + Math.random())
    .on('postgres_changes', { event: '*', schema: 'helpdesk', table: 'tickets' },
        (p) => seen[person.key].push({ table: 'tickets', type: p.eventType, id: p.new.id, title: p.new.title }))
    .on('postgres_changes', { event: 'INSERT', schema: 'helpdesk', table: 'ticket_comments' },
        (p) => seen[person.key].push({ table: 'ticket_comments', ticket: p.new.ticket_id, body: p.new.body,
                                       internal: p.new.internal }))
    .on('system', {}, (p) => { if (p.extension === 'postgres_changes' && p.status === 'ok') {
        ready.add(person.key); if (ready.size === who.length) out({ ready: true }); } })
    .subscribe();
}
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const done = () => seen.req_a.some((e) => e.table === 'ticket_comments' && e.body === 'public ' + %(tag)s);
for (let i = 0; i < 300 && !done(); i++) await wait(50);
await wait(1500);  // anything that should not arrive has had its chance
out(seen);
process.exit(0);
"""


async def test_realtime_changes_follow_rls(live, org):
    who = [{"key": k, "email": org[k].email, "password": org[k].password} for k in ("req_a", "req_b", "manager")]
    script = NodeScript(LISTEN % {"who": json.dumps(who), "tag": json.dumps(org.tag)}, live)
    try:
        assert await script.line() == {"ready": True}
        ticket = org["req_a"].hd.table("tickets").insert(
            {"title": f"live {org.tag}", "requester_id": org["req_a"].user_id}).execute().data[0]
        comments = org["agent"].hd.table("ticket_comments")
        comments.insert({"ticket_id": ticket["id"], "body": f"internal {org.tag}", "internal": True}).execute()
        comments.insert({"ticket_id": ticket["id"], "body": f"public {org.tag}"}).execute()
        seen = await script.line(timeout=40)
    finally:
        script.close()
    mine = [e for e in seen["req_a"] if e.get("id") == ticket["id"] or e.get("ticket") == ticket["id"]]
    assert {"table": "tickets", "type": "INSERT", "id": ticket["id"], "title": f"live {org.tag}"} in mine
    assert [e["body"] for e in mine if e["table"] == "ticket_comments"] == [f"public {org.tag}"]
    assert not [e for e in seen["req_b"] if e.get("id") == ticket["id"] or e.get("ticket") == ticket["id"]]
    manager = [e for e in seen["manager"] if e.get("ticket") == ticket["id"]]
    assert sorted(e["body"] for e in manager) == [f"internal {org.tag}", f"public {org.tag}"]


def test_supabase_js_reads_and_rpc_as_each_role(live, org, tickets):
    result = run_node("""
const as = async (email, password) => {
  const c = createClient(URL_, ANON_KEY, options);
  const { error } = await c.auth.signInWithPassword({ email, password });
  if (error) throw error;
  return c.schema('helpdesk');
};
const a = await as(process.env.A_EMAIL, process.env.A_PASSWORD);
const agent = await as(process.env.AGENT_EMAIL, process.env.AGENT_PASSWORD);
const list = await agent.from('tickets')
  .select('number,title,requester:members!tickets_requester_id_fkey(full_name),'
          + 'assignee:members!tickets_assignee_id_fkey(full_name)', { count: 'exact' })
  .ilike('title', `%${process.env.TAG}%`).order('updated_at', { ascending: false }).range(0, 49);
const other = await a.from('tickets').select('id', { count: 'exact' }).eq('id', process.env.B_TICKET);
const search = await a.rpc('search_tickets', { q: 'bravo ' + process.env.TAG });
const reveal = await agent.rpc('reveal_credential', { id: '00000000-0000-0000-0000-000000000000' });
out({ list: [list.status, list.count, list.data.length, list.data.some((t) => t.requester && t.requester.full_name)],
      other: [other.data, other.count], search: search.data, reveal: [reveal.status, reveal.error && reveal.error.code] });
""", live, env={"A_EMAIL": org["req_a"].email, "A_PASSWORD": org["req_a"].password, "AGENT_EMAIL": org["agent"].email,
                "AGENT_PASSWORD": org["agent"].password, "TAG": org.tag, "B_TICKET": tickets["b"]["id"]})
    status, count, length, embedded = result["list"]
    assert status in (200, 206) and count >= 3 and length == min(count, 50) and embedded
    assert result["other"] == [[], 0]
    assert result["search"] == []
    assert result["reveal"] == [403, "42501"]
