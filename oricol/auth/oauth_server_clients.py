"""OAuth 2.1 server clients: the apps that may ask our users for access (auth.oauth_clients).

Validation follows GoTrue's registration rules (RFC 7591 names); a confidential client's secret is
shown once, when it is made, and only its SHA-256 is kept, so the database never holds a usable secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from oricol.sql import ident, join, param, raw, render

from . import errors, users

PUBLIC, CONFIDENTIAL = "public", "confidential"
AUTH_METHODS = ("none", "client_secret_basic", "client_secret_post")
GRANT_TYPES = ("authorization_code", "refresh_token")
DANGEROUS_SCHEMES = ("javascript", "data", "file", "vbscript", "about", "blob")
LOOPBACK = ("localhost", "127.0.0.1", "::1")


def text_field(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise errors.error(400, "bad_json", "Invalid JSON body")  # Go's decoder refuses the type
    return value


def text_list_field(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise errors.error(400, "bad_json", "Invalid JSON body")
    return value


def _redirect_uri_problem(uri: str) -> str | None:
    if not uri:
        return "redirect URI cannot be empty"
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return "invalid URL format"
    if not parts.scheme or not parts.netloc:
        return "must have scheme and host"
    if parts.scheme.lower() in DANGEROUS_SCHEMES:
        return f"scheme '{parts.scheme}' is not allowed for security reasons"
    if parts.scheme == "http" and host not in LOOPBACK:
        return "HTTP scheme only allowed for localhost"
    if parts.fragment:
        return "fragment not allowed in redirect URI"
    return None


def check_redirect_uris(uris: list[str] | None, required: bool) -> None:
    if not uris:
        raise errors.validation("redirect_uris is required" if required else "redirect_uris cannot be empty")
    if len(uris) > 10:
        raise errors.validation("redirect_uris cannot exceed 10 items")
    for uri in uris:
        problem = _redirect_uri_problem(uri)
        if problem:
            raise errors.validation(f"invalid redirect_uri '{uri}': {problem}")


def check_grant_types(grant_types: list[str]) -> None:
    if not grant_types:
        raise errors.validation("grant_types cannot be empty")
    if any(grant not in GRANT_TYPES for grant in grant_types):
        raise errors.validation("grant_types must only contain 'authorization_code' and/or 'refresh_token'")


def _check_uri(name: str, value: str | None) -> None:
    if not value:
        return
    if len(value) > 2048:
        raise errors.validation(f"{name} cannot exceed 2048 characters")
    parts = urlsplit(value)
    if not parts.scheme and not value.startswith("/"):
        raise errors.validation(f"{name} must be a valid URL")


def check_auth_method(method: str | None) -> None:
    if method and method not in AUTH_METHODS:
        raise errors.validation("token_endpoint_auth_method must be one of: [none client_secret_basic "
                                "client_secret_post]")


def client_type_for(explicit: str | None, method: str | None) -> str:
    """An explicit client_type wins; else what the auth method implies; else confidential (as GoTrue)."""
    if explicit:
        return explicit
    return PUBLIC if method == "none" else CONFIDENTIAL


@dataclass(frozen=True)
class Registration:
    redirect_uris: list[str]
    grant_types: list[str]
    client_type: str
    auth_method: str
    client_name: str | None
    client_uri: str | None
    logo_uri: str | None


def registration(body: dict[str, Any]) -> Registration:
    """A new client's settings from a register request, checked and with GoTrue's defaults filled in."""
    uris = text_list_field(body, "redirect_uris")
    grants = text_list_field(body, "grant_types")
    name, client_uri, logo_uri = text_field(body, "client_name"), text_field(body, "client_uri"), text_field(body, "logo_uri")
    explicit, method = text_field(body, "client_type"), text_field(body, "token_endpoint_auth_method")
    check_redirect_uris(uris, required=True)
    if grants:
        check_grant_types(grants)
    if name and len(name) > 1024:
        raise errors.validation("client_name cannot exceed 1024 characters")
    _check_uri("client_uri", client_uri)
    _check_uri("logo_uri", logo_uri)
    if explicit and explicit not in (PUBLIC, CONFIDENTIAL):
        raise errors.validation("client_type must be 'public' or 'confidential'")
    check_auth_method(method)
    if explicit and method and client_type_for(None, method) != explicit:
        expected = client_type_for(None, method)
        raise errors.validation(f"client_type '{explicit}' is inconsistent with token_endpoint_auth_method "
                                f"'{method}' (expected client_type '{expected}')")
    kind = client_type_for(explicit, method)
    method = method or ("none" if kind == PUBLIC else "client_secret_basic")
    return Registration(redirect_uris=list(uris or []), grant_types=list(grants or GRANT_TYPES), client_type=kind,
                        auth_method=method, client_name=name or None, client_uri=client_uri or None,
                        logo_uri=logo_uri or None)


def new_secret() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def hash_secret(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode().rstrip("=")


def secret_matches(given: str, stored: str | None) -> bool:
    if not stored:
        return False
    return hmac.compare_digest(hash_secret(given).encode(), stored.encode())


def client_json(row: asyncpg.Record, secret: str | None = None) -> dict[str, Any]:
    """GoTrue's OAuthServerClientResponse: empty optional fields are left out, the secret only when new."""
    body: dict[str, Any] = {"client_id": str(row["id"])}
    if secret:
        body["client_secret"] = secret
    body.update({
        "client_type": row["client_type"],
        "redirect_uris": [u for u in row["redirect_uris"].split(",") if u],
        "token_endpoint_auth_method": row["token_endpoint_auth_method"],
        "grant_types": [g for g in row["grant_types"].split(",") if g],
        "response_types": ["code"],
    })
    for name in ("client_name", "client_uri", "logo_uri"):
        if row[name]:
            body[name] = row[name]
    body.update({"registration_type": row["registration_type"], "created_at": users.timestamp(row["created_at"]),
                 "updated_at": users.timestamp(row["updated_at"])})
    return body


def summary_json(row: asyncpg.Record) -> dict[str, Any]:
    """The client as a consent page and a user's grant list show it (GoTrue's ClientDetailsResponse)."""
    body = {"id": str(row["id"])}
    for key, column in (("name", "client_name"), ("uri", "client_uri"), ("logo_uri", "logo_uri")):
        if row[column]:
            body[key] = row[column]
    return body


INSERT = """
insert into auth.oauth_clients (id, client_secret_hash, registration_type, redirect_uris, grant_types, client_name,
  client_uri, logo_uri, client_type, token_endpoint_auth_method)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
returning *
"""


async def create(conn: asyncpg.Connection, reg: Registration, registration_type: str) -> tuple[asyncpg.Record, str | None]:
    secret = new_secret() if reg.client_type == CONFIDENTIAL else None
    row = await conn.fetchrow(INSERT, uuid.uuid4(), hash_secret(secret) if secret else None, registration_type,
                              ",".join(reg.redirect_uris), ",".join(reg.grant_types), reg.client_name, reg.client_uri,
                              reg.logo_uri, reg.client_type, reg.auth_method)
    return row, secret


async def find(conn: asyncpg.Connection, client_id: uuid.UUID, *, for_update: bool = False) -> asyncpg.Record | None:
    lock = " for update" if for_update else ""
    return await conn.fetchrow("select * from auth.oauth_clients where id = $1 and deleted_at is null" + lock,
                               client_id)


async def page(conn: asyncpg.Connection, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """One page of the clients not deleted, newest first, and how many there are in all."""
    total = await conn.fetchval("select count(*) from auth.oauth_clients where deleted_at is null")
    rows = await conn.fetch("select * from auth.oauth_clients where deleted_at is null "
                            "order by created_at desc, id limit $1 offset $2", limit, offset)
    return rows, total


# The columns an update may name (the admin API's UPDATABLE fields, stored as text).
UPDATABLE_COLUMNS = frozenset({"redirect_uris", "grant_types", "client_name", "client_uri", "logo_uri",
                               "token_endpoint_auth_method"})


async def update(conn: asyncpg.Connection, client_id: uuid.UUID, changes: dict[str, Any]) -> asyncpg.Record:
    """The client with `changes` (column -> value) applied; the columns are ours, the values parameters."""
    unknown = set(changes) - UPDATABLE_COLUMNS
    if unknown:
        raise ValueError(f"auth.oauth_clients columns not updatable: {sorted(unknown)}")
    assignments = [ident(column) + raw(" = ") + param(value) for column, value in changes.items()]
    text, args = render(raw("update auth.oauth_clients set ") + join(", ", assignments)
                        + raw(", updated_at = now() where id = ") + param(client_id) + raw(" returning *"))
    return await conn.fetchrow(text, *args)


async def soft_delete(conn: asyncpg.Connection, client_id: uuid.UUID) -> bool:
    """As GoTrue's delete: the row stays, the client can no longer authorize or refresh. False when
    there was no such client (or it was deleted already)."""
    deleted = await conn.fetchval("update auth.oauth_clients set deleted_at = now(), updated_at = now() "
                                  "where id = $1 and deleted_at is null returning id", client_id)
    return deleted is not None


async def set_secret_hash(conn: asyncpg.Connection, client_id: uuid.UUID, secret_hash: str) -> asyncpg.Record:
    return await conn.fetchrow("update auth.oauth_clients set client_secret_hash = $2, updated_at = now() "
                               "where id = $1 returning *", client_id, secret_hash)


async def find_any(conn: asyncpg.Connection, client_id: uuid.UUID) -> asyncpg.Record | None:
    """The client, deleted or not (a pending request may outlive its client's deletion)."""
    return await conn.fetchrow("select * from auth.oauth_clients where id = $1", client_id)


def parse_id(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None
