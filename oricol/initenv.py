"""`oricol init`: a new `.env` whose every secret is freshly generated here, never a default."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from oricol.jwt import make_api_key

TEMPLATE = """\
# Written by `oricol init`. Keep this file secret: it holds the keys to everything.
ORICOL_JWT_SECRET={jwt_secret}
ORICOL_ANON_KEY={anon_key}
ORICOL_SERVICE_ROLE_KEY={service_role_key}
ORICOL_POSTGRES_PASSWORD={postgres_password}
ORICOL_DASHBOARD_USERNAME=admin
ORICOL_DASHBOARD_PASSWORD={dashboard_password}

# Where things live and listen (defaults shown).
# ORICOL_DATA_DIR=./data
# ORICOL_HOST=127.0.0.1
# ORICOL_PORT=8000
# ORICOL_DB_PORT=54322
# ORICOL_PUBLIC_URL=http://127.0.0.1:8000
# ORICOL_SITE_URL=http://localhost:8080
# ORICOL_MIGRATIONS_DIR=supabase/migrations

# Use an existing PostgreSQL >= 15 instead of the embedded one:
# ORICOL_DATABASE_URL=postgresql://postgres:password@db.example.com:5432/postgres
"""


def generate() -> dict[str, str]:
    jwt_secret = secrets.token_urlsafe(48)
    return {
        "jwt_secret": jwt_secret,
        "anon_key": make_api_key(jwt_secret, "anon"),
        "service_role_key": make_api_key(jwt_secret, "service_role"),
        "postgres_password": secrets.token_urlsafe(24),
        "dashboard_password": secrets.token_urlsafe(18),
    }


def write(path: Path) -> dict[str, str]:
    values = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(TEMPLATE.format(**values))
    os.chmod(path, 0o600)
    return values
