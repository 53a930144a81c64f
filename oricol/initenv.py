"""`oricol init`: a new `.env` whose every secret is freshly generated here, never a default."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from oricol.jwt import make_api_key


def generate() -> dict[str, str]:
    jwt_secret = secrets.token_urlsafe(48)
    return {
        "jwt_secret": jwt_secret,
        "anon_key": make_api_key(jwt_secret, "anon"),
        "service_role_key": make_api_key(jwt_secret, "service_role"),
        "postgres_password": secrets.token_urlsafe(24),
        "dashboard_password": secrets.token_urlsafe(18),
    }


def content(values: dict[str, str]) -> str:
    """The secrets set, then every other variable commented out with its type, default and meaning, from
    the same source as docs/configuration.md (so the file lists what the code reads, nothing stale)."""
    from oricol.config.reference import env_template

    return env_template({
        "ORICOL_JWT_SECRET": values["jwt_secret"],
        "ORICOL_ANON_KEY": values["anon_key"],
        "ORICOL_SERVICE_ROLE_KEY": values["service_role_key"],
        "ORICOL_POSTGRES_PASSWORD": values["postgres_password"],
        "ORICOL_DASHBOARD_USERNAME": "admin",
        "ORICOL_DASHBOARD_PASSWORD": values["dashboard_password"],
    })


def write(path: Path) -> dict[str, str]:
    values = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content(values))
    os.chmod(path, 0o600)
    return values
