"""TUS resumable uploads with tuspy: whole, chunked, resumed after a dropped PATCH, limits and expiry."""
from __future__ import annotations

import asyncio
import io
import os
import socket
import time
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from .conftest import unique


def _client(live, token: str, upsert: bool = False) -> TusClient:
    headers = {"apikey": live.anon_key, "authorization": f"Bearer {token}"}
    if upsert:
        headers["x-upsert"] = "true"
    return TusClient(f"{live.url}/storage/v1/upload/resumable", headers=headers)


def _meta(bucket: str, name: str, content_type: str = "application/octet-stream") -> dict[str, str]:
    return {"bucketName": bucket, "objectName": name, "contentType": content_type, "cacheControl": "3600",
            "metadata": '{"source":"tus"}'}


@pytest.fixture
def user_token_pair():
    from .conftest import user_token
    return user_token()


def test_tus_upload_in_chunks(storage_live, own_bucket, user_token_pair, admin_storage):
    user_id, token = user_token_pair
    data = os.urandom(700_000)
    uploader = _client(storage_live, token).uploader(file_stream=io.BytesIO(data), chunk_size=256 * 1024,
                                                     metadata=_meta(own_bucket, f"{user_id}/big.bin"))
    uploader.upload()
    assert uploader.offset == len(data)
    files = admin_storage.from_(own_bucket)
    assert files.download(f"{user_id}/big.bin") == data
    info = files.info(f"{user_id}/big.bin")
    assert info["size"] == len(data) and info["metadata"] == {"source": "tus"} and info["cache_control"] == "max-age=3600"


def test_tus_resume_after_interrupted_patch(storage_live, own_bucket, user_token_pair, admin_storage):
    user_id, token = user_token_pair
    data = os.urandom(600_000)
    client = _client(storage_live, token)
    first = client.uploader(file_stream=io.BytesIO(data), chunk_size=200_000,
                            metadata=_meta(own_bucket, f"{user_id}/resumed.bin"))
    first.upload_chunk()
    assert first.offset == 200_000
    # A PATCH that promises 300 000 bytes but drops after 120 000.
    parts = urlsplit(first.url)
    request = (f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\napikey: {storage_live.anon_key}\r\n"
               f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 200000\r\n"
               "Content-Type: application/offset+octet-stream\r\nContent-Length: 300000\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(request + data[200_000:320_000])
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    resumed = None
    while time.monotonic() < deadline:
        resumed = client.uploader(file_stream=io.BytesIO(data), url=first.url, chunk_size=200_000)
        if resumed.offset == 320_000:
            break
        time.sleep(0.1)
    assert resumed.offset == 320_000  # the server kept what arrived before the drop
    resumed.upload()
    assert admin_storage.from_(own_bucket).download(f"{user_id}/resumed.bin") == data


def test_tus_refuses_other_folders_limits_and_wrong_offsets(storage_live, own_bucket, user_token_pair, admin_storage):
    user_id, token = user_token_pair
    client = _client(storage_live, token)
    with pytest.raises(TusCommunicationError) as error:
        client.uploader(file_stream=io.BytesIO(b"x"), metadata=_meta(own_bucket, "other/x.bin")).upload()
    assert error.value.status_code == 403
    small = unique("own")
    admin_storage.create_bucket(small, options={"file_size_limit": 10})
    with pytest.raises(TusCommunicationError) as error:
        client.uploader(file_stream=io.BytesIO(b"x" * 11), metadata=_meta(small, f"{user_id}/x.bin")).upload()
    assert error.value.status_code == 413
    uploader = client.uploader(file_stream=io.BytesIO(b"abcdef"), metadata=_meta(own_bucket, f"{user_id}/o.bin"))
    uploader.set_url(uploader.create_url())
    headers = {**client.headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "3",
               "Content-Type": "application/offset+octet-stream"}
    assert httpx.patch(uploader.url, headers=headers, content=b"def").status_code == 409
    # Someone else cannot touch it.
    from .conftest import user_token
    _, other_token = user_token()
    other_headers = {"apikey": storage_live.anon_key, "authorization": f"Bearer {other_token}",
                     "Tus-Resumable": "1.0.0"}
    assert httpx.head(uploader.url, headers=other_headers).status_code == 403
    # Termination removes it.
    assert httpx.delete(uploader.url, headers={**client.headers, "Tus-Resumable": "1.0.0"}).status_code == 204
    assert httpx.head(uploader.url, headers={**client.headers, "Tus-Resumable": "1.0.0"}).status_code == 404


async def test_tus_expired_uploads_are_gone(storage_live, own_bucket, user_token_pair):
    user_id, token = user_token_pair
    client = _client(storage_live, token)
    uploader = client.uploader(file_stream=io.BytesIO(b"abcdef"), metadata=_meta(own_bucket, f"{user_id}/e.bin"))
    url = await asyncio.to_thread(uploader.create_url)
    conn = await asyncpg.connect(storage_live.db_url)
    try:
        await conn.execute("update storage.oricol_resumable_uploads set expires_at = now() - interval '1 second' "
                           "where id = $1", url.rsplit("/", 1)[1])
    finally:
        await conn.close()
    headers = {**client.headers, "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
               "Content-Type": "application/offset+octet-stream"}
    response = await asyncio.to_thread(httpx.patch, url, headers=headers, content=b"abcdef")
    assert response.status_code == 410
    partials = storage_live.config.storage.root / "resumable" / url.rsplit("/", 1)[1]
    assert not partials.exists()


def test_tus_js_client_as_supabase_documents_it(storage_live, own_bucket, user_token_pair, admin_storage):
    """tus-js-client with the options Supabase's resumable-upload guide gives (creation-with-upload)."""
    from tests.support.node import run_node
    user_id, token = user_token_pair
    result = run_node("""
import * as tus from 'tus-js-client';
const data = Buffer.alloc(700000);
for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
const done = await new Promise((resolve) => {
  const upload = new tus.Upload(data, {
    endpoint: URL_ + '/storage/v1/upload/resumable',
    retryDelays: [0, 200],
    headers: { authorization: 'Bearer ' + process.env.TOKEN, apikey: ANON_KEY, 'x-upsert': 'true' },
    uploadDataDuringCreation: true,
    removeFingerprintOnSuccess: true,
    metadata: { bucketName: process.env.BUCKET, objectName: process.env.NAME, contentType: 'application/x-test',
                cacheControl: '3600' },
    chunkSize: 256 * 1024,
    onError: (error) => resolve({ error: String(error) }),
    onSuccess: () => resolve({ url: upload.url }),
  });
  upload.start();
});
out(done);
""", storage_live, env={"TOKEN": token, "BUCKET": own_bucket, "NAME": f"{user_id}/js-tus.bin"})
    assert "error" not in result, result
    expected = bytes((i * 7) % 251 for i in range(700000))
    files = admin_storage.from_(own_bucket)
    assert files.download(f"{user_id}/js-tus.bin") == expected
    assert files.info(f"{user_id}/js-tus.bin")["content_type"] == "application/x-test"
