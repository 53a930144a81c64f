"""The same endpoints through supabase-js (storage-js 2.x) under node."""
from __future__ import annotations

import pytest

from tests.support.node import run_node

from .conftest import unique, user_token

pytestmark = pytest.mark.node

USER = """
const asUser = (token) => createClient(URL_, ANON_KEY, { ...options, global: { headers: { Authorization: 'Bearer ' + token } } });
"""


def test_js_buckets_and_objects_under_rls(storage_live):
    user_id, token = user_token()
    bucket = unique("own")
    result = run_node(USER + """
const admin = service();
const user = asUser(process.env.TOKEN);
const B = process.env.BUCKET, U = process.env.USER_ID;
const created = await admin.storage.createBucket(B, { public: false, fileSizeLimit: '1MB', allowedMimeTypes: ['text/*', 'image/png'] });
const got = await admin.storage.getBucket(B);
const up = await user.storage.from(B).upload(U + '/docs/hello.txt', new Blob(['hello js'], { type: 'text/plain' }));
const raw = await user.storage.from(B).upload(U + '/raw.txt', 'raw body', { contentType: 'text/plain', upsert: true });
const dup = await user.storage.from(B).upload(U + '/raw.txt', 'again', { contentType: 'text/plain' });
const denied = await user.storage.from(B).upload('other/x.txt', 'no', { contentType: 'text/plain' });
const badMime = await user.storage.from(B).upload(U + '/x.pdf', 'no', { contentType: 'application/pdf' });
const dl = await user.storage.from(B).download(U + '/docs/hello.txt');
const listed = await user.storage.from(B).list(U);
const exists = await user.storage.from(B).exists(U + '/raw.txt');
const missing = await user.storage.from(B).exists(U + '/nope.txt');
const info = await user.storage.from(B).info(U + '/raw.txt');
const removed = await user.storage.from(B).remove([U + '/raw.txt']);
const emptied = await admin.storage.emptyBucket(B);
const deleted = await admin.storage.deleteBucket(B);
out({
  created: created.data, gotLimit: got.data.file_size_limit, up: up.data, upErr: up.error,
  rawKey: raw.data && raw.data.fullPath, dup: dup.error && [dup.error.statusCode, dup.error.message],
  denied: denied.error && denied.error.statusCode, badMime: badMime.error && badMime.error.statusCode,
  text: await dl.data.text(), names: listed.data.map((e) => e.name), exists: exists.data, missing: missing.data,
  info: [info.data.size, info.data.contentType, info.data.name], removed: removed.data.map((r) => r.name),
  emptied: emptied.data, deleted: deleted.data,
});
""", storage_live, env={"TOKEN": token, "BUCKET": bucket, "USER_ID": user_id})
    assert result["created"] == {"name": bucket}
    assert result["gotLimit"] == 1024 * 1024
    assert result["upErr"] is None and result["up"]["fullPath"] == f"{bucket}/{user_id}/docs/hello.txt"
    assert result["up"]["id"]
    assert result["rawKey"] == f"{bucket}/{user_id}/raw.txt"
    assert result["dup"] == ["409", "The resource already exists"]
    assert result["denied"] == "403" and result["badMime"] == "415"
    assert result["text"] == "hello js"
    assert result["names"] == ["docs", "raw.txt"]
    assert result["exists"] is True and result["missing"] is False
    assert result["info"] == [8, "text/plain", f"{user_id}/raw.txt"]
    assert result["removed"] == [f"{user_id}/raw.txt"]
    assert result["emptied"] == {"message": "Successfully emptied"}
    assert result["deleted"] == {"message": "Successfully deleted"}
