"""Tickets and their comments. A ticket keeps its original id (so old links and exports still name it)
and gets a helpdesk number; its original code (`TKT-…`, when the app had given one) and the columns we
have no column for are written at the end of its description, where search finds them; and its history
says where it came from.

The original app's statuses and priorities are fewer than ours and map one way: `in_progress` is our
`open`, `medium` our `normal`. Its comments had no internal notes, so all are public.
"""
from __future__ import annotations

from .legacy_plan import Context, extras, joined, new_id, text

STATUS = {"open": "open", "in_progress": "open", "pending": "pending", "on_hold": "on_hold",
          "resolved": "resolved", "closed": "closed"}
PRIORITY = {"low": "low", "medium": "normal", "normal": "normal", "high": "high", "urgent": "urgent",
            "critical": "urgent"}
EXTRA_COLUMNS = {"fault_type": "Fault type", "error_code": "Error code", "device_serial_number": "Device serial number",
                 "user_email": "Contact email", "time_spent_minutes": "Time spent (minutes)"}


def reference(row: dict) -> str:
    code = text(row.get("ticket_code"))
    return f"{code} ({row['id']})" if code else str(row["id"])


def map_tickets(ctx: Context) -> None:
    for row in sorted(ctx.legacy.of("tickets"), key=lambda r: (r.get("created_at") or "", str(r["id"]))):
        if ctx.seen("tickets", row):
            continue
        status = STATUS.get(str(row.get("status")), "open")
        branch = ctx.target.branch_by_name.get((text(row.get("branch")) or "").lower())
        finished = row.get("resolved_at") or row.get("updated_at")
        description = joined(
            text(row.get("description")),
            "---\nImported from the original Oricol app: ticket " + reference(row),
            *extras({k: v for k, v in row.items() if not (k == "time_spent_minutes" and not v)}, EXTRA_COLUMNS),
            f"Branch: {row['branch']}" if row.get("branch") and not branch else None)
        requester = ctx.member_of_profile(row.get("created_by")) or ctx.member(
            ctx.target.user_by_email.get((text(row.get("user_email")) or "").lower()))
        ctx.plan.add("tickets", {
            "id": str(row["id"]), "title": text(row.get("title")) or "(no title)", "description": description,
            "status": status, "priority": PRIORITY.get(str(row.get("priority")), "normal"),
            "category": text(row.get("category")), "source": "web",
            "requester_id": requester, "assignee_id": ctx.member_of_profile(row.get("assigned_to")),
            "branch_id": branch, "created_at": row.get("created_at"), "updated_at": row.get("updated_at"),
            "resolved_at": finished if status in ("resolved", "closed") else None,
            "closed_at": finished if status == "closed" else None,
        })
        ctx.ids.set("tickets", row["id"], row["id"])
        ctx.plan.add("ticket_events", {"ticket_id": str(row["id"]), "actor_id": requester, "kind": "created",
                                       "new_value": status, "created_at": row.get("created_at")})
        ctx.plan.add("ticket_events", {"ticket_id": str(row["id"]), "kind": "imported", "field": "original ticket",
                                       "old_value": reference(row)})
        ctx.plan.record("tickets", row["id"], row["id"])


def map_comments(ctx: Context) -> None:
    for row in sorted(ctx.legacy.of("ticket_comments"), key=lambda r: (r.get("created_at") or "", str(r["id"]))):
        if ctx.seen("ticket_comments", row):
            continue
        ticket = ctx.ids.get("tickets", row.get("ticket_id"))
        if ticket is None:
            ctx.plan.skip("ticket_comments", row["id"], f"its ticket {row.get('ticket_id')} was not imported")
            continue
        body = text(row.get("comment"))
        if body is None:
            ctx.plan.skip("ticket_comments", row["id"], "the comment is empty (the helpdesk keeps no empty comments)")
            continue
        ours = new_id()
        ctx.plan.add("ticket_comments", {"id": ours, "ticket_id": ticket, "body": body, "internal": False,
                                         "author_id": ctx.member_of_profile(row.get("user_id")),
                                         "created_at": row.get("created_at")})
        ctx.plan.record("ticket_comments", row["id"], ours)
