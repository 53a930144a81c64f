"""The report functions (0090_reports.sql) are security invoker: each person's numbers cover only the
tickets and assets RLS lets them see, and bad arguments are refused with a clear error."""
from __future__ import annotations

import datetime as dt

import pytest
from postgrest.exceptions import APIError

TODAY = dt.date.today()
RANGE = {"date_from": str(TODAY - dt.timedelta(days=1)), "date_to": str(TODAY + dt.timedelta(days=1))}


@pytest.fixture(scope="module")
def report_data(org):
    """Two tickets of A and one of B in one category unique to this module; A's first is resolved."""
    cat = f"cat-{org.tag}"
    made = []
    for who, n in (("req_a", 2), ("req_b", 1)):
        for i in range(n):
            made.append(org["agent"].hd.table("tickets").insert(
                {"title": f"report {org.tag} {who} {i}", "category": cat, "requester_id": org[who].user_id,
                 "priority": "urgent"}).execute().data[0])
    org["agent"].hd.table("tickets").update({"status": "resolved"}).eq("id", made[0]["id"]).execute()
    org["agent"].hd.table("assets").insert({"tag": f"A-{org.tag}", "name": "laptop", "type": f"type-{org.tag}",
                                             "status": "in_repair", "assigned_to": org["req_a"].user_id}).execute()
    org["agent"].hd.table("assets").insert({"tag": f"B-{org.tag}", "name": "desktop", "type": f"type-{org.tag}",
                                             "status": "deployed"}).execute()
    return cat


def _by_category(person, cat, **extra):
    rows = person.hd.rpc("report_tickets", {**RANGE, "dimension": "category", **extra}).execute().data
    mine = [r for r in rows if r["key"] == cat]
    return sum(r["created"] for r in mine), sum(r["resolved"] for r in mine)


def test_staff_see_every_ticket_and_requesters_only_their_own(org, report_data):
    assert _by_category(org["agent"], report_data) == (3, 1)
    assert _by_category(org["admin"], report_data, period="month") == (3, 1)
    assert _by_category(org["req_a"], report_data) == (2, 1)
    assert _by_category(org["req_b"], report_data) == (1, 0)


def test_grouping_by_agent_and_branch_labels_the_missing_ones(org, report_data):
    rows = org["agent"].hd.rpc("report_tickets", {**RANGE, "dimension": "agent", "period": "week"}).execute().data
    assert any(r["label"] == "Unassigned" and r["key"] == "" for r in rows)
    rows = org["agent"].hd.rpc("report_tickets", {**RANGE, "dimension": "branch"}).execute().data
    assert any(r["label"] == "No branch" for r in rows)


def test_sla_report_counts_by_priority_under_rls(org, report_data):
    urgent = {r["priority"]: r for r in org["req_b"].hd.rpc("report_sla", RANGE).execute().data}["urgent"]
    assert urgent["tickets"] == 1  # B's own only
    staff = {r["priority"]: r for r in org["admin"].hd.rpc("report_sla", RANGE).execute().data}["urgent"]
    assert staff["tickets"] >= 3


def test_asset_report_follows_asset_visibility(org, report_data):
    def counts(person):
        rows = person.hd.rpc("report_assets", {}).execute().data
        return {r["status"]: r["assets"] for r in rows if r["type"] == f"type-{org.tag}"}
    assert counts(org["agent"]) == {"in_repair": 1, "deployed": 1}
    assert counts(org["req_a"]) == {"in_repair": 1}  # only the asset assigned to A
    assert counts(org["req_b"]) == {}


@pytest.mark.parametrize("args", [
    {"date_from": "2026-02-01", "date_to": "2026-01-01"},  # backwards
    {"date_from": "2000-01-01", "date_to": "2026-01-01"},  # too long
    {**RANGE, "dimension": "password"},
    {**RANGE, "period": "hour"},
])
def test_bad_arguments_are_refused_with_a_clear_error(org, args):
    with pytest.raises(APIError) as caught:
        org["agent"].hd.rpc("report_tickets", args).execute()
    assert caught.value.code == "22023"
    assert "Traceback" not in str(caught.value.message)
