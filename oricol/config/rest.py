"""Configuration of the rest service, read from ORICOL_REST_* variables."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .env import ConfigError, Env

TX_END = ("commit", "commit-allow-override", "rollback", "rollback-allow-override")
QUALIFIED_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")


@dataclass(frozen=True)
class RestConfig:
    schemas: tuple[str, ...] = ("public",)
    max_rows: int | None = 1000  # Supabase's default cap on rows a read returns
    pre_request: str | None = None  # schema-qualified function called before every request
    plan_enabled: bool = False  # application/vnd.pgrst.plan (EXPLAIN) answers
    aggregates_enabled: bool = True
    tx_end: str = "commit-allow-override"
    openapi_enabled: bool = True

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig", *, helpdesk: bool = False) -> "RestConfig":
        # The helpdesk's schema is exposed by default when the helpdesk is installed.
        schemas = env.list("ORICOL_REST_SCHEMAS", ("public", "helpdesk") if helpdesk else ("public",))
        if not schemas:
            raise ConfigError("ORICOL_REST_SCHEMAS must name at least one schema")
        max_rows = env.int("ORICOL_REST_MAX_ROWS", 1000, min=0)
        pre_request = env.opt("ORICOL_REST_PRE_REQUEST")
        if pre_request is not None and not QUALIFIED_NAME.match(pre_request):
            raise ConfigError(f"ORICOL_REST_PRE_REQUEST must be a function name like schema.name, got {pre_request!r}")
        return cls(
            schemas=schemas,
            max_rows=max_rows or None,
            pre_request=pre_request,
            plan_enabled=env.bool("ORICOL_REST_PLAN_ENABLED", False),
            aggregates_enabled=env.bool("ORICOL_REST_AGGREGATES_ENABLED", True),
            tx_end=env.choice("ORICOL_REST_TX_END", "commit-allow-override", TX_END),
            openapi_enabled=env.bool("ORICOL_REST_OPENAPI_ENABLED", True),
        )


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
