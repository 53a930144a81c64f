"""What a handler needs for one request: the parsed request, the caller, the schema cache it
started with, the settings and the pool. Built once per request by the service."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import orjson

from oricol.config.rest import RestConfig
from oricol.db import Caller, Database

from . import errors
from .execute import Transaction
from .request import ApiRequest
from .schema_cache import SchemaCache
from .shapes import ShapeCache


@dataclass
class Context:
    request: ApiRequest
    caller: Caller
    cache: SchemaCache
    config: RestConfig
    db: Database
    shapes: ShapeCache | None = None  # the app's reads by shape (None: plan every request)

    def pool(self, readonly: bool) -> asyncpg.Pool:
        """Read-only transactions may go to a replica; everything else to the primary."""
        return self.db.read_pool() if readonly else self.db.app

    def transaction(self, *, readonly: bool) -> Transaction:
        req = self.request
        settings = {
            "request.method": req.method,
            "request.path": req.path,
            "request.headers": orjson.dumps(req.headers).decode(),
            "request.cookies": orjson.dumps(req.cookies).decode(),
        }
        return Transaction(self.caller, settings, readonly, self.config.pre_request, self.rollback)

    @property
    def rollback(self) -> bool:
        tx_end = self.config.tx_end
        wanted = self.request.prefer.get("tx")
        if tx_end.endswith("allow-override") and wanted in ("commit", "rollback"):
            return wanted == "rollback"
        return tx_end.startswith("rollback")

    def applied_preferences(self, *keys: str) -> str | None:
        prefer = self.request.prefer
        applied = [f"{k}={prefer.get(k)}" for k in keys if prefer.get(k) is not None]
        return ", ".join(applied) if applied else None

    def check_strict(self) -> None:
        if self.request.prefer.get("handling") == "strict" and self.request.prefer.invalid:
            raise errors.error(400, errors.PREFERENCES, "Invalid preferences given with handling=strict",
                               "Invalid preferences: " + ", ".join(self.request.prefer.invalid))
