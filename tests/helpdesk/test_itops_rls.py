"""IT operations under RLS through supabase-py: agents keep the inventory, requesters see only their own
assets and, for any asset, just its label (helpdesk.asset_label) — enough to report a problem about it;
managers read but do not write; anon gets nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from postgrest.exceptions import APIError
from supabase import create_client


@pytest.fixture(scope="module")
def assets(org) -> dict[str, dict]:
    agent = org["agent"].hd
    mine = agent.table("assets").insert({"tag": f"MINE-{org.tag}", "name": "Rita's laptop", "serial": "S-1",
                                         "assigned_to": org["req_a"].user_id}).execute().data[0]
    shared = agent.table("assets").insert({"tag": f"PRN-{org.tag}", "name": "Floor printer", "serial": "S-2",
                                           "type": "printer", "purchase_cost": 900}).execute().data[0]
    return {"mine": mine, "shared": shared}


def test_requester_reads_only_own_assets_but_any_label(org, assets):
    req = org["req_a"].hd
    rows = req.table("assets").select("tag").ilike("tag", f"%{org.tag}%").execute().data
    assert [r["tag"] for r in rows] == [f"MINE-{org.tag}"]
    label = req.rpc("asset_label", {"key": f"PRN-{org.tag}"}).execute().data
    assert label == [{"id": assets["shared"]["id"], "tag": f"PRN-{org.tag}", "name": "Floor printer",
                      "type": "printer", "branch_name": None}]
    by_id = req.rpc("asset_label", {"key": assets["shared"]["id"]}).execute().data
    assert by_id[0]["tag"] == f"PRN-{org.tag}"
    assert req.rpc("asset_label", {"key": f"NOPE-{org.tag}"}).execute().data == []


def test_requester_reports_a_problem_linked_to_an_asset_but_cannot_change_assets(org, assets):
    req = org["req_a"]
    ticket = req.hd.table("tickets").insert({"title": f"printer jams {org.tag}", "requester_id": req.user_id,
                                             "asset_id": assets["shared"]["id"]}).execute().data[0]
    assert ticket["asset_id"] == assets["shared"]["id"]
    changed = req.hd.table("assets").update({"name": "hacked"}).eq("id", assets["mine"]["id"]).execute().data
    assert changed == []
    with pytest.raises(APIError) as error:
        req.hd.table("assets").insert({"tag": f"X-{org.tag}", "name": "x"}).execute()
    assert error.value.code == "42501"


def test_manager_reads_inventory_and_seats_but_does_not_write(org, assets):
    mgr = org["manager"].hd
    assert len(mgr.table("assets").select("id").ilike("tag", f"%{org.tag}%").execute().data) == 2
    with pytest.raises(APIError):
        mgr.table("licences").insert({"name": f"L {org.tag}", "seats": 1}).execute()


def test_agent_assigns_and_releases_a_seat(org, assets):
    agent = org["agent"].hd
    lic = agent.table("licences").insert({"name": f"Office {org.tag}", "seats": 1}).execute().data[0]
    seat = agent.table("licence_assignments").insert({"licence_id": lic["id"], "member_id": org["req_a"].user_id,
                                                      "assigned_by": org["agent"].user_id}).execute().data[0]
    # the holder sees their own seat; another requester does not
    held = org["req_a"].hd.table("licence_assignments").select("id").eq("licence_id", lic["id"]).execute().data
    assert [s["id"] for s in held] == [seat["id"]]
    assert org["req_b"].hd.table("licence_assignments").select("id").eq("licence_id", lic["id"]).execute().data == []
    released = {"released_at": datetime.now(timezone.utc).isoformat()}
    agent.table("licence_assignments").update(released).eq("id", seat["id"]).execute()
    open_seats = (agent.table("licence_assignments").select("id").eq("licence_id", lic["id"])
                  .is_("released_at", "null").execute().data)
    assert open_seats == []


def test_anon_cannot_read_labels(live, assets, org):
    client = create_client(live.url, live.anon_key)
    with pytest.raises(APIError):
        client.schema("helpdesk").rpc("asset_label", {"key": f"PRN-{org.tag}"}).execute()
