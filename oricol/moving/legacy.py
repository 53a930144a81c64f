"""`oricol import oricol-legacy`: the original Oricol app's data (in `public` of this installation, or of
another database by URL) mapped into the helpdesk's own tables, in one transaction.

Read both sides, map (pure, see legacy_plan), print what will happen and every row that cannot be
mapped and why; then, confirmed, write it all or nothing. Every imported row is recorded in
`oricol_import.legacy_rows` with its legacy id, so a second run imports only what is new.
"""
from __future__ import annotations

import sys
from typing import Callable, TextIO

import asyncpg

from . import legacy_files, legacy_inventory, legacy_people, legacy_tickets, legacy_writing
from .legacy_plan import ROLE_ORDER, Context, Legacy, LegacyError, Plan, Target
from .legacy_source import document_buckets, read_legacy, read_target

# Each step reads what the steps before it mapped (branches before members, profiles before tickets).
STEPS = (legacy_inventory.map_branches, legacy_people.map_members, legacy_inventory.map_assets,
         legacy_tickets.map_tickets, legacy_tickets.map_comments, legacy_inventory.map_licences,
         legacy_inventory.map_network_devices, legacy_people.map_credentials, legacy_files.map_documents,
         legacy_files.map_chat)
SKIPPED_TABLES = {
    "schema_migrations": "the original app's migration history",
    "software_inventory": "installed software per device: the helpdesk keeps licences, not installations",
    "ticket_time_logs": "the time spent is kept in each ticket's description",
    "network_diagrams": "the original diagrams are image files, ours are drawn node by node",
}


class LegacyRefused(LegacyError):
    """Not confirmed, or nothing to import from: nothing was changed."""


def build_plan(legacy: Legacy, target: Target) -> Plan:
    ctx = Context(legacy, target)
    for step in STEPS:
        step(ctx)
    return ctx.plan


def plan_text(plan: Plan, legacy: Legacy, heading: str) -> str:
    roles = plan.roles()
    count = plan.count
    lines = [heading,
             f"  members: {len(plan.members)} ("
             + ", ".join(f"{roles[r]} {r}" for r in reversed(ROLE_ORDER) if roles[r]) + ")",
             f"  branches: {count('branches')}",
             f"  tickets: {count('tickets')}, comments: {count('ticket_comments')}",
             f"  assets: {count('assets')}, licences: {count('licences')}, network devices: {count('network_devices')}",
             f"  vault secrets: {count('credentials')}",
             f"  documents: {count('documents')} (files moved to the helpdesk-documents bucket: {len(plan.moves)})",
             f"  chat messages: {count('chat_messages')}"]
    if plan.already:
        lines.append(f"  already imported by an earlier run (left as they are): {plan.already} rows")
    if plan.unmapped:
        lines.append(f"Not mapped ({len(plan.unmapped)} rows):")
        lines += [f"  public.{u.table} {u.id}: {u.why}" for u in plan.unmapped]
    others = {t: n for t, n in legacy.other_tables.items() if n}
    if others:
        lines.append("Not imported (tables the helpdesk has no place for):")
        lines += [f"  public.{t}: {n} rows ({SKIPPED_TABLES.get(t, 'no helpdesk table holds this')})"
                  for t, n in others.items()]
    return "\n".join(lines)


async def run(source_url: str | None, target_url: str, *, plan_only: bool, confirm: Callable[[str], bool],
              out: TextIO = sys.stdout) -> int:
    target = await asyncpg.connect(target_url, timeout=15)
    source = await asyncpg.connect(source_url, timeout=15) if source_url else target
    try:
        legacy = await read_legacy(source)
        plan = build_plan(legacy, await read_target(target, document_buckets(legacy)))
        if plan_only:
            print(plan_text(plan, legacy, "Will import:"), file=out, flush=True)
            return 0
        print(plan_text(plan, legacy, "Importing:"), file=out, flush=True)
        if not plan.done:
            print("Nothing new to import.", file=out)
            return 0
        if not confirm("Import the original Oricol app's data into the helpdesk?"):
            raise LegacyRefused("not confirmed (run with --yes to import without asking)")
        async with target.transaction():
            # Read again inside the transaction: what it writes is decided on what it sees.
            legacy = await read_legacy(source)
            plan = build_plan(legacy, await read_target(target, document_buckets(legacy)))
            await legacy_writing.write(target, plan)
    finally:
        if source is not target:
            await source.close()
        await target.close()
    print(f"Imported {len(plan.done)} rows into the helpdesk"
          + (f"; {len(plan.unmapped)} rows not mapped (listed above)." if plan.unmapped else "."), file=out)
    return 0
