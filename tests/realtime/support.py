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
