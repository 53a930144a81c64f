"""Move, copy, info, signed URLs (download and upload), Range, ETag and cache headers."""
from __future__ import annotations

import time

import httpx
import pytest
from storage3.exceptions import StorageApiError

from oricol.jwt import encode
from tests.support.stack import SECRETS

from .conftest import unique


def test_move_and_copy_within_and_across_buckets(user, own_bucket, admin_storage):
    user_id, storage = user
    files = storage.from_(own_bucket)
    files.upload(f"{user_id}/a.txt", b"alpha", {"content-type": "text/plain"})
    assert files.move(f"{user_id}/a.txt", f"{user_id}/moved/b.txt") == {"message": "Successfully moved"}
    assert files.download(f"{user_id}/moved/b.txt") == b"alpha"
    with pytest.raises(StorageApiError):
        files.download(f"{user_id}/a.txt")
    copied = files.copy(f"{user_id}/moved/b.txt", f"{user_id}/c.txt")
    assert copied["Key"] == f"{own_bucket}/{user_id}/c.txt"
    assert files.download(f"{user_id}/c.txt") == b"alpha"
    assert files.download(f"{user_id}/moved/b.txt") == b"alpha"
    # Moving out of one's own folder is refused by the policy's WITH CHECK.
    with pytest.raises(StorageApiError) as error:
        files.move(f"{user_id}/c.txt", "elsewhere/c.txt")
    assert error.value.status == "403"
    # Across buckets (service role): the bytes follow the row.
    other = unique("own")
    admin_storage.create_bucket(other)
    admin = admin_storage.from_(own_bucket)
    response = httpx.post(f"{admin._base_url}object/copy", headers=dict(admin._headers),
                          json={"bucketId": own_bucket, "sourceKey": f"{user_id}/c.txt",
                                "destinationBucket": other, "destinationKey": "x/copied.txt"})
    assert response.status_code == 200 and response.json()["Key"] == f"{other}/x/copied.txt"
    response = httpx.post(f"{admin._base_url}object/move", headers=dict(admin._headers),
                          json={"bucketId": own_bucket, "sourceKey": f"{user_id}/c.txt",
                                "destinationBucket": other, "destinationKey": "x/moved.txt"})
    assert response.status_code == 200
    assert admin_storage.from_(other).download("x/moved.txt") == b"alpha"
    assert admin_storage.from_(other).download("x/copied.txt") == b"alpha"


def test_move_onto_existing_key_is_duplicate(admin_storage, own_bucket):
    files = admin_storage.from_(own_bucket)
    files.upload("d/1.txt", b"1")
    files.upload("d/2.txt", b"2")
    with pytest.raises(StorageApiError) as error:
        files.move("d/1.txt", "d/2.txt")
    assert (error.value.status, error.value.code) == ("409", "Duplicate")
    assert files.download("d/1.txt") == b"1" and files.download("d/2.txt") == b"2"


def test_info_and_exists(user, own_bucket):
    user_id, storage = user
    files = storage.from_(own_bucket)
    files.upload(f"{user_id}/i.json", b'{"a":1}', {"content-type": "application/json", "metadata": {"k": "v"}})
    info = files.info(f"{user_id}/i.json")
    assert info["name"] == f"{user_id}/i.json" and info["bucket_id"] == own_bucket
    assert info["size"] == 7 and info["content_type"] == "application/json"
    assert info["metadata"] == {"k": "v"} and info["etag"].startswith('"')
    assert files.exists(f"{user_id}/i.json") is True
    assert files.exists(f"{user_id}/nothing.json") is False


def test_signed_urls_single_and_many(user, own_bucket, storage_live):
    user_id, storage = user
    files = storage.from_(own_bucket)
    files.upload(f"{user_id}/s.txt", b"signed", {"content-type": "text/plain"})
    signed = files.create_signed_url(f"{user_id}/s.txt", 60)
    response = httpx.get(signed["signedURL"])  # no key, no token: the URL is enough
    assert response.status_code == 200 and response.content == b"signed"
    download = files.create_signed_url(f"{user_id}/s.txt", 60, {"download": "report.txt"})
    response = httpx.get(download["signedURL"])
    assert response.headers["content-disposition"] == "attachment; filename=report.txt; filename*=UTF-8''report.txt"
    download = files.create_signed_url(f"{user_id}/s.txt", 60, {"download": "rapport été.txt"})
    assert httpx.get(download["signedURL"]).headers["content-disposition"] == (
        "attachment; filename=rapport%20%C3%A9t%C3%A9.txt; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.txt")
    many = files.create_signed_urls([f"{user_id}/s.txt", f"{user_id}/none.txt", "other/s.txt"], 60)
    assert [m["error"] is None for m in many] == [True, False, False]
    assert httpx.get(many[0]["signedURL"]).content == b"signed"
    with pytest.raises(StorageApiError) as error:
        files.create_signed_url("other/s.txt", 60)
    assert error.value.status == "404"


def test_signed_url_tampering_and_expiry(admin_storage, own_bucket, storage_live):
    files = admin_storage.from_(own_bucket)
    files.upload("t/a.txt", b"a")
    files.upload("t/b.txt", b"b")
    token = files.create_signed_url("t/a.txt", 60)["signedURL"].split("token=")[1]
    base = f"{storage_live.url}/storage/v1/object/sign/{own_bucket}"
    wrong = httpx.get(f"{base}/t/b.txt?token={token}")
    assert wrong.status_code == 400 and wrong.json()["error"] == "InvalidSignature"
    expired = encode({"url": f"{own_bucket}/t/a.txt", "iat": 0, "exp": int(time.time()) - 10}, SECRETS["jwt_secret"])
    response = httpx.get(f"{base}/t/a.txt?token={expired}")
    assert response.status_code == 400 and response.json()["error"] == "ExpiredToken"
    forged = encode({"url": f"{own_bucket}/t/a.txt", "exp": int(time.time()) + 60}, "not-the-secret-" * 3)
    assert httpx.get(f"{base}/t/a.txt?token={forged}").status_code == 400


def test_signed_upload(user, own_bucket):
    user_id, storage = user
    files = storage.from_(own_bucket)
    signed = files.create_signed_upload_url(f"{user_id}/up.txt")
    assert signed["token"] and signed["path"] == f"{user_id}/up.txt"
    result = files.upload_to_signed_url(f"{user_id}/up.txt", signed["token"], b"via token",
                                        {"content-type": "text/plain"})
    assert result.full_path == f"{own_bucket}/{user_id}/up.txt"
    assert files.download(f"{user_id}/up.txt") == b"via token"
    assert files.info(f"{user_id}/up.txt")["size"] == 9
    with pytest.raises(StorageApiError) as error:  # not allowed to write there: no URL is signed
        files.create_signed_upload_url("someone/up.txt")
    assert error.value.status == "403"
    with pytest.raises(StorageApiError) as error:  # exists, and upsert was not asked for
        files.create_signed_upload_url(f"{user_id}/up.txt")
    assert error.value.status == "409"


def test_range_etag_and_cache_headers(admin_storage, own_bucket, storage_live):
    files = admin_storage.from_(own_bucket)
    data = bytes(range(256)) * 4096  # 1 MiB, streamed
    files.upload("r/data.bin", data, {"content-type": "application/octet-stream", "cache-control": "120"})
    url = f"{storage_live.url}/storage/v1/object/{own_bucket}/r/data.bin"
    headers = {"apikey": storage_live.service_role_key, "authorization": f"Bearer {storage_live.service_role_key}"}
    full = httpx.get(url, headers=headers)
    assert full.status_code == 200 and full.content == data
    assert full.headers["cache-control"] == "max-age=120" and full.headers["accept-ranges"] == "bytes"
    assert full.headers["last-modified"].endswith("GMT") and full.headers["content-length"] == str(len(data))
    etag = full.headers["etag"]
    part = httpx.get(url, headers={**headers, "range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = httpx.get(url, headers={**headers, "range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    start = httpx.get(url, headers={**headers, "range": f"bytes={len(data) - 5}-"})
    assert start.content == data[-5:]
    bad = httpx.get(url, headers={**headers, "range": f"bytes={len(data)}-"})
    assert bad.status_code == 400 and bad.headers["content-range"] == f"bytes */{len(data)}"  # as Storage API
    assert bad.json()["code"] == "InvalidRange"
    cached = httpx.get(url, headers={**headers, "if-none-match": etag})
    assert cached.status_code == 304 and cached.content == b""
    head = httpx.head(url, headers=headers)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(data)) and head.content == b""
    named = httpx.get(url + "?download=my%20file.bin", headers=headers)
    assert named.headers["content-disposition"] == "attachment; filename=my%20file.bin; filename*=UTF-8''my%20file.bin"
