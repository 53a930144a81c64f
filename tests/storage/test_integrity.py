"""Nothing lost, nothing half-written; keys validated; every error in Storage's shape."""
from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from oricol.storage.keys import is_valid_key


def _files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _stored(live) -> set[str]:
    """Every file under the storage dir (staging included) and, with S3, every key in the bucket."""
    config = live.config.storage
    found = _files(config.root)
    if config.backend == "s3":
        import boto3
        client = boto3.client("s3", endpoint_url=config.s3_endpoint, region_name=config.s3_region,
                              aws_access_key_id=config.s3_access_key, aws_secret_access_key=config.s3_secret_key)
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=config.s3_bucket)
        found |= {"s3:" + item["Key"] for page in pages for item in page.get("Contents", [])}
    return found


def _admin_headers(live) -> dict[str, str]:
    return {"apikey": live.service_role_key, "authorization": f"Bearer {live.service_role_key}"}


async def _rows(live, bucket: str) -> list[str]:
    conn = await asyncpg.connect(live.db_url)
    try:
        return [r["name"] for r in await conn.fetch("select name from storage.objects where bucket_id = $1", bucket)]
    finally:
        await conn.close()


async def test_interrupted_upload_leaves_no_row_and_no_file(storage_live, own_bucket):
    before = _stored(storage_live)
    parts = urlsplit(storage_live.url)
    request = (f"POST /storage/v1/object/{own_bucket}/cut/file.bin HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"apikey: {storage_live.service_role_key}\r\nAuthorization: Bearer {storage_live.service_role_key}\r\n"
               "Content-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(request + b"x" * 3_000_000)
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while _stored(storage_live) != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _stored(storage_live) == before
    assert await _rows(storage_live, own_bucket) == []


async def test_refused_upload_leaves_no_file(storage_live, user, own_bucket):
    _, storage = user
    before = _stored(storage_live)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: what matters is that no file is left
        storage.from_(own_bucket).upload("not-mine/x.bin", b"y" * 500_000)
    assert _stored(storage_live) == before
    assert await _rows(storage_live, own_bucket) == []


async def test_replaced_version_is_removed(storage_live, admin_storage, own_bucket):
    files = admin_storage.from_(own_bucket)
    files.upload("v/a.txt", b"one")
    first = _stored(storage_live)
    files.upload("v/a.txt", b"two", {"upsert": "true"})
    second = _stored(storage_live)
    assert len(second) == len(first) and second != first
    files.remove(["v/a.txt"])
    assert len(_stored(storage_live)) == len(first) - 1


@pytest.mark.parametrize("key", ["a/%2E%2E/b.txt", "a/%2E/b.txt", "a//b.txt", "a/b%00.txt", "a/%E2%80%AEtxt.exe",
                                 "a/e%CC%81.txt", "%2Fabs.txt", "a\\b.txt"])
def test_bad_keys_are_refused(storage_live, own_bucket, key):
    url = f"{storage_live.url}/storage/v1/object/{own_bucket}/{key}"
    response = httpx.post(url, content=b"x", headers={**_admin_headers(storage_live), "content-type": "text/plain"})
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"statusCode", "code", "error", "message"} and body["statusCode"] == "400"
    assert body["code"] == body["error"] == "InvalidKey"
    assert body["message"].startswith("Invalid key")


def test_key_rules():
    assert is_valid_key("folder/sub/file name (1).png")
    assert is_valid_key("документы/файл.txt") and is_valid_key("写真/猫.jpg")
    for bad in ["", "/a", "a/", "a/../b", "..", "a\x00b", "a\u202eb", "a\u200bb", "e\u0301", "a\nb", "x" * 1025]:
        assert not is_valid_key(bad), bad


def test_error_shape_everywhere(storage_live):
    headers = _admin_headers(storage_live)
    base = f"{storage_live.url}/storage/v1"
    cases = [
        httpx.get(f"{base}/bucket/no-such-bucket-xyz", headers=headers),
        httpx.get(f"{base}/object/no-such-bucket-xyz/a.txt", headers=headers),
        httpx.post(f"{base}/bucket", headers=headers, content=b"{not json"),
        httpx.get(f"{base}/no/such/route", headers=headers),
        httpx.get(f"{base}/bucket", headers={**headers, "authorization": "Bearer not.a.jwt"}),
        httpx.get(f"{base}/object/sign/b/a.txt?token=garbage"),
        httpx.post(f"{base}/object/list/x", headers=headers, json={"limit": -1}),
    ]
    for response in cases:
        body = response.json()
        assert set(body) == {"statusCode", "code", "error", "message"}, body
        assert "Traceback" not in response.text
    # As Storage API: the class is in `statusCode`; the HTTP status is 400 for all but internal errors
    # (and a route that does not exist, the framework's 404).
    assert [r.json()["statusCode"] for r in cases] == ["404", "404", "400", "404", "400", "400", "400"]
    assert [r.status_code for r in cases] == [400, 400, 400, 404, 400, 400, 400]
    assert [r.json()["code"] for r in cases[:2]] == ["NoSuchBucket", "NoSuchKey"]
    assert cases[4].json()["error"] == "InvalidJWT"
