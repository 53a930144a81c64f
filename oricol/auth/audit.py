"""auth.audit_log_entries: who signed in, out, failed, was changed, as GoTrue records it."""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from . import users


def payload(actor: asyncpg.Record | None, action: str, log_type: str, traits: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor_id": str(actor["id"]) if actor else "00000000-0000-0000-0000-000000000000",
        "actor_username": (actor["email"] or actor["phone"] or "") if actor else "",
        "actor_via_sso": False,
        "action": action,
        "log_type": log_type,
        "traits": traits,
    }


async def record(conn: asyncpg.Connection, actor: asyncpg.Record | None, action: str, log_type: str, ip: str,
                 traits: dict[str, Any]) -> None:
    await conn.execute(
        "insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) "
        "values ($1, $2, $3::json, now(), $4)", users.INSTANCE_ID, uuid.uuid4(),
        payload(actor, action, log_type, traits), (ip or "")[:64])
