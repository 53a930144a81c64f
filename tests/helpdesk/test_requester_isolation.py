"""A requester sees their own (and watched) tickets and public comments only, through every path:
filters, embeddings, RPC, exact counts; they create tickets only for themselves and only close them."""
from __future__ import annotations

import pytest
from postgrest.exceptions import APIError


def test_requester_creates_for_themself_with_a_number_and_status_new(org, tickets):
    a = tickets["a"]
    assert a["number"].startswith("HD-") and int(a["number"][3:]) >= 1001
    assert a["status"] == "new" and a["requester_id"] == org["req_a"].user_id
    assert a["first_response_due_at"] is None or a["first_response_due_at"] > a["created_at"]
    forced = org["req_a"].hd.table("tickets").insert(
        {"title": f"sneaky {org.tag}", "requester_id": org["req_a"].user_id, "status": "closed",
         "assignee_id": org["agent"].user_id, "number": "HD-1"}).execute().data[0]
    assert forced["status"] == "new" and forced["assignee_id"] is None and forced["number"] != "HD-1"
    with pytest.raises(APIError) as error:
        org["req_a"].hd.table("tickets").insert({"title": "for B", "requester_id": org["req_b"].user_id}).execute()
    assert error.value.code == "42501"


def test_filters_and_exact_counts_show_only_own_tickets(org, tickets):
    a = org["req_a"].hd
    assert a.table("tickets").select("id").eq("id", tickets["b"]["id"]).execute().data == []
    rows = a.table("tickets").select("id,title", count="exact").ilike("title", f"%{org.tag}%").execute()
    assert {r["id"] for r in rows.data} <= {tickets["a"]["id"]} | _own_extra(org)
    assert tickets["b"]["id"] not in {r["id"] for r in rows.data} and rows.count == len(rows.data)
    head = a.table("tickets").select("*", count="exact", head=True).eq("requester_id", org["req_b"].user_id).execute()
    assert head.count == 0
    b = org["req_b"].hd.table("tickets").select("id", count="exact").ilike("title", f"%{org.tag}%").execute()
    assert {r["id"] for r in b.data} == {tickets["b"]["id"], tickets["other"]["id"]} and b.count == 2


def _own_extra(org) -> set[str]:
    rows = org["req_a"].hd.table("tickets").select("id").eq("requester_id", org["req_a"].user_id).execute().data
    return {r["id"] for r in rows}


def test_embeddings_do_not_leak_other_tickets_or_internal_notes(org, tickets):
    a = org["req_a"].hd
    # B's member row is not visible; through it, B's tickets cannot be reached either
    assert a.table("members").select("user_id,tickets!tickets_requester_id_fkey(id)").eq(
        "user_id", org["req_b"].user_id).execute().data == []
    mine = a.table("members").select("user_id,tickets!tickets_requester_id_fkey(id,title)").eq(
        "user_id", org["req_a"].user_id).single().execute().data
    assert tickets["b"]["id"] not in {t["id"] for t in mine["tickets"]}
    # staff appear (names for the ticket page), with their own embedded tickets filtered by RLS
    agent = a.table("members").select("full_name,assigned:tickets!tickets_assignee_id_fkey(id)").eq(
        "user_id", org["agent"].user_id).single().execute().data
    assert agent["full_name"] == f"agent {org.tag}"
    assert tickets["other"]["id"] not in {t["id"] for t in agent["assigned"]}
    # the ticket with its comments: the public reply only, never the internal note
    page = a.table("tickets").select(
        "number,requester:members!tickets_requester_id_fkey(full_name),ticket_comments(body,internal)"
    ).eq("id", tickets["a"]["id"]).single().execute().data
    assert page["requester"] == {"full_name": f"req_a {org.tag}"}
    assert [c["body"] for c in page["ticket_comments"]] == [f"public reply {org.tag}"]
    comments = a.table("ticket_comments").select("body,ticket:tickets(id)").ilike("body", f"%{org.tag}%").execute()
    assert [c["body"] for c in comments.data] == [f"public reply {org.tag}"]
    events = a.table("ticket_events").select("ticket_id").in_("ticket_id", [tickets["b"]["id"]]).execute()
    assert events.data == []


def test_rpc_search_and_dashboard_respect_rls(org, tickets):
    a = org["req_a"].hd
    found = a.rpc("search_tickets", {"q": org.tag}).execute().data
    assert tickets["a"]["id"] in {t["id"] for t in found} and tickets["b"]["id"] not in {t["id"] for t in found}
    assert a.rpc("search_tickets", {"q": "bravo " + org.tag}).execute().data == []
    assert a.rpc("search_tickets", {"q": tickets["b"]["number"]}).execute().data == []
    stats = a.rpc("dashboard_stats", {"days": 7}).execute().data
    own = a.table("tickets").select("id", count="exact", head=True).execute().count
    assert sum(stats["by_status"].values()) == own


def test_requester_comments_publicly_and_cannot_write_internal_notes(org, tickets):
    a = org["req_a"].hd.table("ticket_comments")
    done = a.insert({"ticket_id": tickets["a"]["id"], "body": "thanks", "author_id": org["agent"].user_id}).execute()
    assert done.data[0]["author_id"] == org["req_a"].user_id and done.data[0]["internal"] is False
    with pytest.raises(APIError) as error:
        a.insert({"ticket_id": tickets["a"]["id"], "body": "psst", "internal": True}).execute()
    assert error.value.code == "42501"
    with pytest.raises(APIError) as error:
        a.insert({"ticket_id": tickets["b"]["id"], "body": "hello B"}).execute()
    assert error.value.code == "42501"


def test_requester_may_close_own_ticket_and_change_nothing_else(org, live):
    mine = org["req_a"].hd.table("tickets").insert(
        {"title": f"close me {org.tag}", "requester_id": org["req_a"].user_id}).execute().data[0]
    with pytest.raises(APIError) as error:
        org["req_a"].hd.table("tickets").update({"priority": "urgent"}).eq("id", mine["id"]).execute()
    assert error.value.code == "42501"
    closed = org["req_a"].hd.table("tickets").update({"status": "closed"}).eq("id", mine["id"]).execute().data[0]
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    # B cannot close A's ticket: no row is visible to update
    other = org["req_b"].hd.table("tickets").update({"status": "closed"}).eq("id", mine["id"]).execute()
    assert other.data == []


def test_watched_tickets_are_visible_to_the_watcher(org, tickets, live):
    b_ticket = tickets["b"]["id"]
    assert org["req_a"].hd.table("tickets").select("id").eq("id", b_ticket).execute().data == []
    org["agent"].hd.table("ticket_watchers").insert({"ticket_id": b_ticket, "member_id": org["req_a"].user_id}).execute()
    try:
        seen = org["req_a"].hd.table("tickets").select("id,ticket_comments(body)").eq("id", b_ticket).execute().data
        assert [t["id"] for t in seen] == [b_ticket]
    finally:
        org["agent"].hd.table("ticket_watchers").delete().eq("ticket_id", b_ticket).eq(
            "member_id", org["req_a"].user_id).execute()
    assert org["req_a"].hd.table("tickets").select("id").eq("id", b_ticket).execute().data == []


def test_requester_sees_no_inventory_vault_audit_or_time(org, tickets):
    a = org["req_a"].hd
    for table in ("credentials", "audit_log", "time_entries", "notification_outbox", "canned_replies", "documents",
                  "licences", "network_devices", "internet_links", "settings"):
        assert a.table(table).select("*").limit(5).execute().data == [], table
    members = a.table("members").select("user_id,role").execute().data
    assert all(m["role"] != "requester" or m["user_id"] == org["req_a"].user_id for m in members)


def test_anonymous_callers_reach_nothing(live, org, tickets):
    from supabase import create_client

    anon = create_client(live.url, live.anon_key).schema("helpdesk")
    for table in ("tickets", "members", "ticket_comments"):
        with pytest.raises(APIError) as error:
            anon.table(table).select("*").limit(1).execute()
        assert error.value.code == "42501"
