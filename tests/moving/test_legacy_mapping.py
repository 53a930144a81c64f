"""The legacy mapping on its own (it is pure: rows in, plan out), for the decisions the system test does not
reach: the highest of several roles wins, an unknown role is reported, a profile whose user is nowhere here is
reported, and rows an earlier run imported are counted, not mapped again."""
from __future__ import annotations

from oricol.moving.legacy import build_plan
from oricol.moving.legacy_plan import Legacy, Target

ADA, BEN, GHOST = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b", \
    "00000000-0000-0000-0000-0000000000ff"


def target(**overrides) -> Target:
    fields = dict(user_ids={ADA, BEN}, user_by_email={"ada@example.com": ADA, "ben@example.com": BEN},
                  members={ADA}, imported={}, branch_by_name={}, asset_tags=set(), objects=set())
    return Target(**{**fields, **overrides})


def legacy(**rows) -> Legacy:
    return Legacy(rows, {GHOST: "ghost@example.com"}, {})


def test_the_highest_role_wins_and_an_unknown_role_is_reported():
    plan = build_plan(legacy(user_roles=[
        {"id": "r1", "user_id": ADA, "role": "user"}, {"id": "r2", "user_id": ADA, "role": "ceo"},
        {"id": "r3", "user_id": ADA, "role": "support_staff"}, {"id": "r4", "user_id": BEN, "role": "janitor"}],
        profiles=[{"id": "p1", "user_id": BEN, "full_name": "Ben"}]), target())
    assert {m["user_id"]: m["role"] for m in plan.members} == {ADA: "manager", BEN: "requester"}
    assert [(u.table, u.id) for u in plan.unmapped] == [("user_roles", "r4")]
    assert plan.new_members == [{"user_id": BEN}]  # ADA already has a member row here


def test_a_profile_of_nobody_here_is_reported_and_its_tickets_have_no_requester():
    plan = build_plan(legacy(profiles=[{"id": "p9", "user_id": GHOST}],
                             tickets=[{"id": "t1", "title": "", "status": "in_progress", "priority": "medium",
                                       "created_by": "p9"}]), target())
    assert "ghost@example.com" in plan.unmapped[0].why and plan.unmapped[0].id == "p9"
    ticket = plan.rows["tickets"][0]
    assert (ticket["title"], ticket["status"], ticket["priority"], ticket["requester_id"]) == \
        ("(no title)", "open", "normal", None)


def test_rows_an_earlier_run_imported_are_counted_not_mapped_again():
    plan = build_plan(legacy(tickets=[{"id": "t1", "title": "Old"}, {"id": "t2", "title": "New"}],
                             ticket_comments=[{"id": "c1", "ticket_id": "t1", "comment": "late reply"}]),
                      target(imported={("tickets", "t1"): "t1"}))
    assert [t["id"] for t in plan.rows["tickets"]] == ["t2"] and plan.already == 1
    assert plan.rows["ticket_comments"][0]["ticket_id"] == "t1"  # a new comment on a ticket imported before
