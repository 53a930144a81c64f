"""Attachments of inbound mail into the `helpdesk-attachments` bucket, as the sender.

The bytes go through the storage API of this node's gateway (POST /storage/v1/object/...), with a
short-lived token of the sender, rather than into the object store directly: the storage service owns
its layout (object ids, versions, disk or S3, the storage.objects row and its metadata) and services
do not import each other. Going through its API also means the bucket's policies decide, as the
sender, exactly as for an upload from the web app.
"""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from oricol import jwt as jwtlib

from .message import Attachment

BUCKET = "helpdesk-attachments"
TOKEN_SECONDS = 300
log = logging.getLogger("oricol.helpdesk.inbound")


@dataclass(frozen=True)
class Stored:
    object_path: str
    attachment: Attachment


class UploadFailed(Exception):
    pass


def sender_token(secret: str, user_id: str, email: str) -> str:
    now = int(time.time())
    return jwtlib.encode({"sub": user_id, "role": "authenticated", "aud": "authenticated", "email": email,
                          "iat": now, "exp": now + TOKEN_SECONDS, "iss": "oricol-helpdesk-inbound"}, secret)


def object_path(ticket_id: str, file_name: str) -> str:
    return f"{ticket_id}/{uuid.uuid4()}-{file_name}"


async def upload(base_url: str, anon_key: str, token: str, ticket_id: str, item: Attachment) -> Stored:
    path = object_path(ticket_id, item.file_name)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post(
            f"/storage/v1/object/{BUCKET}/{quote(path)}", content=item.data,
            headers={"apikey": anon_key, "authorization": f"Bearer {token}",
                     "content-type": item.content_type or "application/octet-stream", "x-upsert": "false"})
    if response.status_code >= 300:
        raise UploadFailed(f"storage answered {response.status_code}: {response.text[:300]}")
    return Stored(object_path=path, attachment=item)
