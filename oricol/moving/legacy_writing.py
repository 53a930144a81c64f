"""Writing a legacy `Plan` into the helpdesk, inside the caller's one transaction.

It runs as the database owner with `session_replication_role = replica`, as `oricol demo` does: the
helpdesk's row triggers are for people working live (they would mail every requester about tickets
closed years ago, stamp `now()` over the original times, and number history the wrong way), so what
they would derive is written here instead: ticket numbers from the helpdesk's sequence, SLA due times
from its own `sla_due`, history rows, asset and licence holders, and vault secrets sealed by the vault's
own `vault_encrypt`. Foreign keys are not re-checked in this mode, which is why the mapping only ever
points at rows it made or read from this installation.

Each table's rows go in as one statement, `jsonb_populate_recordset` casting the JSON to the table's
own types; a column the mapping left empty takes the column's default.
"""
from __future__ import annotations

import asyncpg
import orjson

from oricol.sql import quote_ident

from .legacy_plan import DOCUMENTS_BUCKET, LegacyError, Plan
from .legacy_source import BOOKKEEPING

ORDER = ("branches", "assets", "asset_assignments", "tickets", "ticket_events", "ticket_comments", "licences",
         "licence_assignments", "network_devices", "credentials", "documents", "chat_conversations",
         "chat_messages")
# What the helpdesk's triggers would have computed, as expressions over the incoming row `r`.
DERIVED = {
    "tickets": {
        "number": "'HD-' || nextval('helpdesk.ticket_number_seq')",
        "first_response_due_at": "(helpdesk.sla_due(r.priority, coalesce(r.created_at, now()), '0'))"
                                 ".first_response_due_at",
        "resolution_due_at": "(helpdesk.sla_due(r.priority, coalesce(r.created_at, now()), '0')).resolution_due_at",
        "sla_paused_at": "case when r.status in ('pending', 'on_hold') then coalesce(r.created_at, now()) end",
    },
    "ticket_events": {
        "new_value": "case when r.kind = 'imported' then (select t.number from helpdesk.tickets t "
                     "where t.id = r.ticket_id) else r.new_value end",
    },
    "credentials": {"secret": "helpdesk_private.vault_encrypt(r.new_secret)"},
}
WRITE_ONLY = {"credentials": {"new_secret"}}  # inputs of a derived column, never stored themselves


async def _defaults(conn: asyncpg.Connection, table: str) -> dict[str, str]:
    return {r["attname"]: r["def"] for r in await conn.fetch(
        "select a.attname, pg_get_expr(d.adbin, d.adrelid) as def from pg_attribute a "
        "join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
        "where a.attrelid = to_regclass($1) and a.attgenerated = ''", f"helpdesk.{table}")}


async def insert_rows(conn: asyncpg.Connection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    derived = DERIVED.get(table, {})
    columns = [c for c in dict.fromkeys(k for row in rows for k in row)
               if c not in WRITE_ONLY.get(table, set()) and c not in derived]
    defaults = await _defaults(conn, table)
    values = [f"coalesce(r.{quote_ident(c)}, {defaults[c]})" if c in defaults else f"r.{quote_ident(c)}"
              for c in columns]
    names = ", ".join(quote_ident(c) for c in [*columns, *derived])
    await conn.execute(
        f"insert into helpdesk.{quote_ident(table)} ({names}) select {', '.join([*values, *derived.values()])} "
        f"from jsonb_populate_recordset(null::helpdesk.{quote_ident(table)}, $1::jsonb) with ordinality r "
        "order by r.ordinality", orjson.dumps(rows).decode())


async def _members(conn: asyncpg.Connection, plan: Plan) -> None:
    # The helpdesk gives every auth user a member row at sign-up; users who predate it get theirs now.
    await conn.execute(
        "insert into helpdesk.members (user_id, email, full_name) select u.id, u.email, "
        "coalesce(u.raw_user_meta_data ->> 'full_name', split_part(u.email, '@', 1)) from auth.users u "
        "where u.id = any($1::uuid[]) on conflict (user_id) do nothing",
        [m["user_id"] for m in plan.new_members])
    await conn.execute(
        "update helpdesk.members m set role = r.role::helpdesk.member_role, full_name = coalesce(r.full_name, "
        "m.full_name), branch_id = coalesce(r.branch_id, m.branch_id), phone = coalesce(r.phone, m.phone), "
        "job_title = coalesce(r.job_title, m.job_title) from jsonb_to_recordset($1::jsonb) as r(user_id uuid, "
        "role text, full_name text, branch_id uuid, phone text, job_title text) where m.user_id = r.user_id",
        orjson.dumps(plan.members).decode())


async def _move_objects(conn: asyncpg.Connection, plan: Plan) -> None:
    for bucket, name, new_name in plan.moves:
        moved = await conn.execute("update storage.objects set bucket_id = $3, name = $4 "
                                   "where bucket_id = $1 and name = $2", bucket, name, DOCUMENTS_BUCKET, new_name)
        if moved != "UPDATE 1":  # gone since the plan was read: stop, so the transaction moves nothing
            raise LegacyError(f"the file {bucket}/{name} disappeared during the import")


async def write(conn: asyncpg.Connection, plan: Plan) -> None:
    """Runs inside the caller's transaction: all of it lands, or none of it."""
    await conn.execute(BOOKKEEPING)
    await conn.execute("set local session_replication_role = replica")
    await insert_rows(conn, "branches", plan.rows.get("branches", []))
    await _members(conn, plan)
    for table in ORDER[1:]:
        await insert_rows(conn, table, plan.rows.get(table, []))
    await _move_objects(conn, plan)
    await conn.execute(
        "insert into oricol_import.legacy_rows (source_table, source_id, target_id) "
        "select * from unnest($1::text[], $2::text[], $3::text[])",
        [d[0] for d in plan.done], [d[1] for d in plan.done], [d[2] for d in plan.done])
    await conn.execute("set local session_replication_role = origin")
