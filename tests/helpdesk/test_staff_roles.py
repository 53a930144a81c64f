"""Agents work tickets (their team's when they have one) and write internal notes; managers read
everything and change only the assignment; admins change roles; nobody raises their own role."""
from __future__ import annotations

import pytest
from postgrest.exceptions import APIError


def _ids(rows) -> set[str]:
    return {r["id"] for r in rows}


def test_agent_sees_every_ticket_and_internal_notes(org, tickets):
    rows = org["agent"].hd.table("tickets").select("id").ilike("title", f"%{org.tag}%").execute().data
    assert {tickets["a"]["id"], tickets["b"]["id"], tickets["other"]["id"]} <= _ids(rows)
    notes = org["agent"].hd.table("ticket_comments").select("body,internal").eq("ticket_id", tickets["a"]["id"]).execute()
    assert {(c["body"], c["internal"]) for c in notes.data} >= {(f"internal {org.tag} note", True)}


def test_agent_with_a_team_sees_that_team_and_unassigned_team_tickets_only(org, tickets):
    rows = org["team_agent"].hd.table("tickets").select("id").ilike("title", f"%{org.tag}%").execute().data
    assert tickets["other"]["id"] not in _ids(rows)  # another team's ticket
    assert tickets["a"]["id"] in _ids(rows)  # no team yet: everybody's queue
    moved = org["agent"].hd.table("tickets").update({"team_id": org.team_id}).eq("id", tickets["b"]["id"]).execute()
    assert moved.data[0]["team_id"] == org.team_id
    assert org["team_agent"].hd.table("tickets").select("id").eq("id", tickets["b"]["id"]).execute().data != []


def test_agent_works_a_ticket_and_the_history_records_it(org, tickets):
    t = org["agent"].hd.table("tickets").insert(
        {"title": f"work {org.tag}", "requester_id": org["req_a"].user_id}).execute().data[0]
    org["agent"].hd.table("tickets").update({"status": "open", "priority": "high",
                                             "assignee_id": org["agent"].user_id}).eq("id", t["id"]).execute()
    events = org["agent"].hd.table("ticket_events").select("kind,field,old_value,new_value,actor_id").eq(
        "ticket_id", t["id"]).order("id").execute().data
    assert events[0]["kind"] == "created"
    assert {(e["field"], e["old_value"], e["new_value"]) for e in events[1:]} == {
        ("status", "new", "open"), ("priority", "normal", "high"), ("assignee_id", None, org["agent"].user_id)}
    assert all(e["actor_id"] == org["agent"].user_id for e in events)
    # the requester sees the history of their own ticket, and got an in-app notification of the status
    seen = org["req_a"].hd.table("ticket_events").select("kind").eq("ticket_id", t["id"]).execute().data
    assert len(seen) == 4
    notes = org["req_a"].hd.table("notifications").select("kind,ticket_id").eq("ticket_id", t["id"]).execute().data
    assert {"kind": "status", "ticket_id": t["id"]} in notes
    assert org["agent"].hd.table("notifications").select("id").eq("member_id", org["req_a"].user_id).execute().data == []


def test_manager_reads_everything_and_changes_only_assignment(org, tickets):
    m = org["manager"].hd
    rows = m.table("tickets").select("id").ilike("title", f"%{org.tag}%").execute().data
    assert {tickets["a"]["id"], tickets["b"]["id"], tickets["other"]["id"]} <= _ids(rows)
    notes = m.table("ticket_comments").select("internal").eq("ticket_id", tickets["a"]["id"]).execute().data
    assert any(c["internal"] for c in notes)
    assigned = m.table("tickets").update({"assignee_id": org["agent"].user_id}).eq("id", tickets["b"]["id"]).execute()
    assert assigned.data[0]["assignee_id"] == org["agent"].user_id
    for change in ({"title": "renamed"}, {"status": "closed"}, {"priority": "low"}):
        with pytest.raises(APIError) as error:
            m.table("tickets").update(change).eq("id", tickets["b"]["id"]).execute()
        assert error.value.code == "42501", change
    with pytest.raises(APIError) as error:
        m.table("ticket_comments").insert({"ticket_id": tickets["b"]["id"], "body": "hi"}).execute()
    assert error.value.code == "42501"
    with pytest.raises(APIError):
        m.table("assets").insert({"tag": f"M-{org.tag}", "name": "x"}).execute()
    assert m.table("credentials").select("id").execute().data == []


def test_nobody_raises_their_own_role(org):
    for key in ("req_a", "agent", "manager"):
        person = org[key]
        with pytest.raises(APIError) as error:
            person.hd.table("members").update({"role": "admin"}).eq("user_id", person.user_id).execute()
        assert error.value.code == "42501", key
        with pytest.raises(APIError) as error:
            person.hd.rpc("set_member_role", {"user_id": person.user_id, "role": "admin"}).execute()
        assert error.value.code == "42501", key
    with pytest.raises(APIError) as error:
        org["admin"].hd.rpc("set_member_role", {"user_id": org["admin"].user_id, "role": "requester"}).execute()
    assert error.value.code == "42501"
    # a member edits their own name, not their team
    mine = org["req_a"].hd.table("members").update({"full_name": f"req_a {org.tag}", "phone": "+27 11 000"}).eq(
        "user_id", org["req_a"].user_id).execute().data[0]
    assert mine["phone"] == "+27 11 000"
    with pytest.raises(APIError):
        org["req_a"].hd.table("members").update({"team_id": org.team_id}).eq("user_id", org["req_a"].user_id).execute()


def test_admin_changes_roles_and_it_is_audited(org):
    admin = org["admin"].hd
    promoted = admin.rpc("set_member_role", {"user_id": org["req_b"].user_id, "role": "agent"}).execute().data
    assert promoted["role"] == "agent"
    try:
        assert org["req_b"].hd.table("tickets").select("id").eq("requester_id", org["req_a"].user_id).limit(1).execute().data
    finally:
        admin.rpc("set_member_role", {"user_id": org["req_b"].user_id, "role": "requester"}).execute()
    log = admin.table("audit_log").select("action,entity_id,details").eq("entity_id", org["req_b"].user_id).execute().data
    assert [e["details"]["role"] for e in log if e["action"] == "member.role"][-2:] == ["agent", "requester"]
    assert org["agent"].hd.table("audit_log").select("id").limit(1).execute().data == []


def test_first_public_reply_by_staff_sets_first_response(org):
    t = org["req_a"].hd.table("tickets").insert(
        {"title": f"first response {org.tag}", "requester_id": org["req_a"].user_id}).execute().data[0]
    org["agent"].hd.table("ticket_comments").insert({"ticket_id": t["id"], "body": "note", "internal": True}).execute()
    after_note = org["agent"].hd.table("tickets").select("first_responded_at,status").eq("id", t["id"]).single().execute()
    assert after_note.data == {"first_responded_at": None, "status": "new"}
    org["agent"].hd.table("ticket_comments").insert({"ticket_id": t["id"], "body": "on it"}).execute()
    after = org["agent"].hd.table("tickets").select("first_responded_at,status").eq("id", t["id"]).single().execute()
    assert after.data["first_responded_at"] is not None and after.data["status"] == "open"


def test_only_admins_delete_tickets(org):
    t = org["agent"].hd.table("tickets").insert(
        {"title": f"delete me {org.tag}", "requester_id": org["req_a"].user_id}).execute().data[0]
    for key in ("agent", "manager", "req_a"):
        assert org[key].hd.table("tickets").delete().eq("id", t["id"]).execute().data == [], key
    assert org["agent"].hd.table("tickets").select("id").eq("id", t["id"]).execute().data != []
    gone = org["admin"].hd.table("tickets").delete().eq("id", t["id"]).execute().data
    assert [r["id"] for r in gone] == [t["id"]]
