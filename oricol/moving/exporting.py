"""`oricol export supabase --out DIR`: the way back out, in the layout Supabase's own tools restore.

DIR/roles.sql, DIR/schema.sql, DIR/auth_storage_data.sql and DIR/data.sql are plain SQL as `supabase db
dump` writes them, restored by psql in that order (Supabase's restore guide:
`psql --single-transaction -v ON_ERROR_STOP=1 -f roles.sql -f schema.sql
-c 'SET session_replication_role = replica' -f auth_storage_data.sql -f data.sql`).
schema.sql is the app's schemas (pg_dump's definitions, owners left out) plus what the app keeps on
Supabase's own tables: its triggers on auth tables, its policies on storage tables and its tables'
membership of the realtime publication. auth_storage_data.sql holds the rows of auth.users (bcrypt
hashes kept), auth.identities, auth.mfa_factors, storage.buckets and storage.objects.

Every object's bytes go to DIR/storage/<bucket>/<key>, listed in DIR/storage/manifest.json with size,
MD5, SHA-256, content type and metadata. `oricol import supabase --dump DIR` brings it all back.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import asyncpg

from oricol.backup import tools
from oricol.objectstore import CHUNK, Backend
from oricol.sql import quote_ident

from .database import columns, outside_triggers_sql, publication_sql, storage_policies_sql
from .dumpfile import EXPORT_FILES
from .source import read

Progress = Callable[[str], None]
MANIFEST_FORMAT = "oricol-export/1"
AUTH_TABLES = ("auth.users", "auth.identities", "auth.mfa_factors")
ROLES_NOTE = """-- Roles: Supabase's own (anon, authenticated, service_role, ...) exist in every project, and the
-- exported schema grants only to those, so there is nothing to create here.
"""


class ExportRefused(RuntimeError):
    """The output folder is not empty: nothing was written."""


@dataclass
class Exported:
    tables: int
    users: int
    objects: int
    bytes: int


def _script(text: str) -> str:
    # Newer pg_dump brackets a plain script with \restrict/\unrestrict; Supabase's psql may predate them.
    return "\n".join(line for line in text.splitlines() if not line.startswith("\\restrict")
                     and not line.startswith("\\unrestrict")) + "\n"


async def export(db_url: str, backend: Backend, out: Path, progress: Progress,
                 bindir: Path | None = None) -> Exported:
    if out.exists() and any(out.iterdir()):  # noqa: ASYNC240 - a folder check before any work, not worth a thread
        raise ExportRefused(f"{out} is not empty; export into a new folder")
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a folder check before any work, not worth a thread
    try:
        return await _export(db_url, backend, out, progress, bindir)
    except BaseException:
        _remove_partial(out)  # a failed export leaves no folder that looks complete
        raise


async def _export(db_url: str, backend: Backend, out: Path, progress: Progress, bindir: Path | None) -> Exported:
    conn = await asyncpg.connect(db_url, timeout=15, server_settings={"search_path": ""})
    try:
        inventory = await read(conn)
        progress(f"schema: {', '.join(inventory.schemas) or 'no app schemas'}")
        schema = ""
        if inventory.schemas:
            schema = _script(await tools.run("pg_dump", "--schema-only", "--no-owner",
                                             *[f"--schema={s}" for s in inventory.schemas], url=db_url, bindir=bindir))
        extra = (await outside_triggers_sql(conn) + await storage_policies_sql(conn)
                 + await publication_sql(conn, inventory.schemas))
        schema += "".join(f"{statement};\n" for statement in extra)
        (out / "roles.sql").write_text(ROLES_NOTE)
        (out / "schema.sql").write_text(schema)
        progress("rows: auth and storage")
        auth = _script(await tools.run("pg_dump", "--data-only", *[f"--table={t}" for t in AUTH_TABLES],
                                       url=db_url, bindir=bindir))
        # The app's buckets only: the Oricol Helpdesk's own are made by every installation (and not Supabase's).
        buckets = (await _copy_block(conn, "buckets", "id", inventory.buckets)
                   + await _copy_block(conn, "objects", "bucket_id", inventory.buckets))
        (out / "auth_storage_data.sql").write_text(auth + buckets)
        progress(f"rows: {sum(t.rows for t in inventory.tables)} in {len(inventory.tables)} tables")
        data = ""
        if inventory.tables:
            data = _script(await tools.run("pg_dump", "--data-only", *[f"--schema={s}" for s in inventory.schemas],
                                           url=db_url, bindir=bindir))
        (out / "data.sql").write_text(data)
        count, size = await _objects(conn, backend, out / "storage", inventory.buckets, progress)
    finally:
        await conn.close()
    return Exported(len(inventory.tables), inventory.auth_rows.get("users", 0), count, size)


async def _copy_block(conn: asyncpg.Connection, table: str, bucket_column: str, buckets: list[str]) -> str:
    """storage.<table>'s rows of the given buckets as the COPY block pg_dump would write for them."""
    names = await columns(conn, "storage", table)
    listed = ", ".join(quote_ident(c) for c in names)
    chunks: list[bytes] = []

    async def collect(chunk: bytes) -> None:
        chunks.append(chunk)

    await conn.copy_from_query(f"select {listed} from storage.{quote_ident(table)} "
                               f"where {quote_ident(bucket_column)} = any($1::text[]) order by 1", buckets,
                               output=collect, format="text")
    return (f"\nCOPY storage.{quote_ident(table)} ({listed}) FROM stdin;\n"
            + b"".join(chunks).decode() + "\\.\n\n")


async def _objects(conn: asyncpg.Connection, backend: Backend, folder: Path, buckets: list[str],
                   progress: Progress) -> tuple[int, int]:
    folder.mkdir()  # noqa: ASYNC240 - a folder check before any work, not worth a thread
    rows = await conn.fetch("select id::text, version, bucket_id, name, metadata::text as metadata "
                            "from storage.objects where bucket_id = any($1::text[]) order by bucket_id, name", buckets)
    if rows:
        await backend.start()
    listed, total = [], 0
    for number, row in enumerate(rows, 1):
        bucket_dir = folder / row["bucket_id"]
        path = bucket_dir / row["name"]
        # Keys are paths inside their bucket; one that would climb out of its folder is not written.
        if not path.resolve().is_relative_to(bucket_dir.resolve()):
            raise ExportRefused(f"object key {row['bucket_id']}/{row['name']} cannot be a file name")
        path.parent.mkdir(parents=True, exist_ok=True)
        md5, sha256, size = hashlib.md5(), hashlib.sha256(), 0
        async with backend.local_file(row["id"], row["version"]) as local:
            with local.open("rb") as data, path.open("wb") as copy:
                while chunk := data.read(CHUNK):
                    copy.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    size += len(chunk)
        metadata = json.loads(row["metadata"] or "{}") or {}
        listed.append({"bucket": row["bucket_id"], "name": row["name"], "size": size, "md5": md5.hexdigest(),
                       "sha256": sha256.hexdigest(), "content_type": metadata.get("mimetype"),
                       "metadata": metadata})
        total += size
        progress(f"objects: {number}/{len(rows)}, {total / 1_000_000:.1f} MB")
    manifest = {"format": MANIFEST_FORMAT, "objects": listed}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return len(listed), total


def _remove_partial(out: Path) -> None:
    for name in (*EXPORT_FILES, "storage"):
        path = out / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
