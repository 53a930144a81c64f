"""Helpers for the realtime tests: a raw Phoenix socket, tokens, unique names, rows written directly."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any, Callable

import websockets

from oricol import jwt
from tests.support.stack import SECRETS


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def user_token(user_id: str | None = None, *, role: str = "authenticated", exp_in: int = 3600) -> str:
    claims = {"sub": user_id or str(uuid.uuid4()), "role": role, "exp": int(time.time()) + exp_in}
    return jwt.encode(claims, SECRETS["jwt_secret"])


def ws_url(live: Any, vsn: str = "1.0.0", apikey: str | None = None) -> str:
    base = live.url.replace("http://", "ws://")
    return f"{base}/realtime/v1/websocket?apikey={apikey or live.anon_key}&vsn={vsn}"


class RawSocket:
    """A Phoenix client written out by hand, to pin the wire format."""

    def __init__(self, ws: Any, vsn: str):
        self.ws = ws
        self.vsn = vsn
        self.ref = 0

    @classmethod
    async def open(cls, live: Any, vsn: str = "1.0.0", apikey: str | None = None) -> "RawSocket":
        return cls(await websockets.connect(ws_url(live, vsn, apikey)), vsn)

    async def push(self, topic: str, event: str, payload: Any, join_ref: str | None = None) -> str:
        self.ref += 1
        ref = str(self.ref)
        if self.vsn == "2.0.0":
            frame = json.dumps([join_ref, ref, topic, event, payload])
        else:
            frame = json.dumps({"topic": topic, "event": event, "payload": payload, "ref": ref, "join_ref": join_ref})
        await self.ws.send(frame)
        return ref

    async def recv(self, timeout: float = 10) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        if isinstance(raw, bytes):
            return {"binary": raw}
        data = json.loads(raw)
        if self.vsn == "2.0.0":
            join_ref, ref, topic, event, payload = data
            return {"join_ref": join_ref, "ref": ref, "topic": topic, "event": event, "payload": payload}
        return data

    async def until(self, predicate: Callable[[dict], bool], timeout: float = 10) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise TimeoutError("expected message never came")
            message = await self.recv(left)
            if predicate(message):
                return message

    async def reply_to(self, ref: str, timeout: float = 10) -> dict[str, Any]:
        return await self.until(lambda m: m.get("event") == "phx_reply" and m.get("ref") == ref, timeout)

    async def join(self, name: str, config: dict | None = None, token: str | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"config": config or {}}
        if token:
            payload["access_token"] = token
        self.ref += 0
        ref = await self.push(f"realtime:{name}", "phx_join", payload, join_ref=str(self.ref + 1))
        return await self.reply_to(ref)

    async def close(self) -> None:
        await self.ws.close()


class NodeScript:
    """supabase-js under node as a running process: the test waits for a line, acts, then reads the result."""

    def __init__(self, body: str, live: Any):
        import os
        import subprocess
        import tempfile

        from tests.support.node import JS_DIR, PRELUDE, ensure_installed

        ensure_installed()
        with tempfile.NamedTemporaryFile("w", suffix=".mjs", dir=JS_DIR, delete=False) as handle:
            handle.write(PRELUDE + "\n" + body)
            self.path = handle.name
        self.proc = subprocess.Popen(
            ["node", self.path], cwd=JS_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "ORICOL_URL": live.url, "ANON_KEY": live.anon_key,
                 "SERVICE_ROLE_KEY": live.service_role_key})

    async def line(self, timeout: float = 30) -> Any:
        raw = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), timeout)  # type: ignore[union-attr]
        if not raw:
            raise AssertionError(f"node ended early:\n{self.proc.stderr.read()}")  # type: ignore[union-attr]
        return json.loads(raw)

    def close(self) -> None:
        import os
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.unlink(self.path)


async def published_table(admin: Any, prefix: str, columns: str, *, full: bool = True) -> str:
    """A new table in the supabase_realtime publication (REPLICA IDENTITY FULL unless told)."""
    table = unique(prefix)
    await admin.execute(f"create table public.{table} ({columns})")
    if full:
        await admin.execute(f"alter table public.{table} replica identity full")
    await admin.execute(f"grant select on public.{table} to anon, authenticated, service_role")
    await admin.execute(f"alter publication supabase_realtime add table public.{table}")
    return table
