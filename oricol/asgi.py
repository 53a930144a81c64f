"""The ASGI types every server, gateway and service in Oricol is written against.

A scope is the dict our HTTP server builds for each connection. Messages are typed as Starlette types them
(a mutable mapping) so a Starlette app is an `ASGIApp` and our `send` can be handed to one.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, MutableMapping

Scope = dict[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
