"""auth.audit_log_entries: who signed in, out, failed, was changed, as GoTrue records it."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from . import users


async def record(conn: asyncpg.Connection, actor: asyncpg.Record | None, action: str, log_type: str, ip: str,
                 traits: dict[str, Any]) -> None:
    payload = {
        "actor_id": str(actor["id"]) if actor else "00000000-0000-0000-0000-000000000000",
        "actor_username": (actor["email"] or actor["phone"] or "") if actor else "",
        "actor_via_sso": False,
        "action": action,
        "log_type": log_type,
        "traits": traits,
    }
    await conn.execute(
        "insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) "
        "values ($1, $2, $3::json, now(), $4)", users.INSTANCE_ID, uuid.uuid4(), payload, (ip or "")[:64])
