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
const created = await admin.storage.createBucket(B,
  { public: false, fileSizeLimit: '20mb', allowedMimeTypes: ['text/*', 'image/png'] });
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
  info: [info.data.size, info.data.contentType, info.data.name, info.data.metadata], removed: removed.data.map((r) => r.name),
  emptied: emptied.data, deleted: deleted.data,
});
""", storage_live, env={"TOKEN": token, "BUCKET": bucket, "USER_ID": user_id})
    assert result["created"] == {"name": bucket}
    assert result["gotLimit"] == 20_000_000  # decimal units, as Storage API
    assert result["upErr"] is None and result["up"]["fullPath"] == f"{bucket}/{user_id}/docs/hello.txt"
    assert result["up"]["id"]
    assert result["rawKey"] == f"{bucket}/{user_id}/raw.txt"
    assert result["dup"] == ["409", "The resource already exists"]
    assert result["denied"] == "403" and result["badMime"] == "415"
    assert result["text"] == "hello js"
    assert result["names"] == ["docs", "raw.txt"]
    assert result["exists"] is True and result["missing"] is False
    assert result["info"] == [8, "text/plain", f"{user_id}/raw.txt", {}]
    assert result["removed"] == [f"{user_id}/raw.txt"]
    assert result["emptied"] == {"message": "Successfully emptied"}
    assert result["deleted"] == {"message": "Successfully deleted"}


def test_js_move_copy_sign_list_v2(storage_live):
    user_id, token = user_token()
    bucket = unique("own")
    result = run_node(USER + """
const admin = service();
const user = asUser(process.env.TOKEN);
const B = process.env.BUCKET, U = process.env.USER_ID;
await admin.storage.createBucket(B);
const files = user.storage.from(B);
for (const n of ['a.txt', 'b.txt', 'dir/c.txt', 'dir/deeper/d.txt']) {
  const r = await files.upload(U + '/' + n, 'x-' + n, { contentType: 'text/plain' });
  if (r.error) throw r.error;
}
const moved = await files.move(U + '/a.txt', U + '/dir/a2.txt');
const copied = await files.copy(U + '/b.txt', U + '/b-copy.txt');
const signed = await files.createSignedUrl(U + '/b.txt', 60);
const fetched = await (await fetch(signed.data.signedUrl)).text();
const many = await files.createSignedUrls([U + '/b.txt', U + '/zzz.txt'], 60);
const up = await files.createSignedUploadUrl(U + '/signed.txt');
const upDone = await files.uploadToSignedUrl(U + '/signed.txt', up.data.token, new Blob(['by token']));
const flat = await files.listV2({ prefix: U + '/' });
const grouped = await files.listV2({ prefix: U + '/', with_delimiter: true });
const page1 = await files.listV2({ prefix: U + '/', limit: 2 });
const page2 = await files.listV2({ prefix: U + '/', limit: 2, cursor: page1.data.nextCursor });
out({
  moved: moved.data, copied: copied.data, fetched, many: many.data.map((m) => [m.path, m.error === null, !!m.signedUrl]),
  upDone: upDone.data, upErr: upDone.error && upDone.error.message,
  flat: flat.data.objects.map((o) => o.name), flatFolders: flat.data.folders.length,
  groupedObjects: grouped.data.objects.map((o) => o.name), groupedFolders: grouped.data.folders.map((f) => f.name),
  page1: [page1.data.objects.map((o) => o.name), page1.data.hasNext],
  page2: [page2.data.objects.map((o) => o.name), page2.data.hasNext],
});
""", storage_live, env={"TOKEN": token, "BUCKET": bucket, "USER_ID": user_id})
    u = user_id
    assert result["moved"] == {"message": "Successfully moved"}
    assert result["copied"] == {"path": f"{bucket}/{u}/b-copy.txt"}
    assert result["fetched"] == "x-b.txt"
    assert result["many"] == [[f"{u}/b.txt", True, True], [f"{u}/zzz.txt", False, False]]
    assert result["upErr"] is None and result["upDone"]["fullPath"] == f"{bucket}/{u}/signed.txt"
    assert result["flat"] == sorted([f"{u}/b-copy.txt", f"{u}/b.txt", f"{u}/dir/a2.txt", f"{u}/dir/c.txt",
                                     f"{u}/dir/deeper/d.txt", f"{u}/signed.txt"])
    assert result["flatFolders"] == 0
    assert result["groupedObjects"] == [f"{u}/b-copy.txt", f"{u}/b.txt", f"{u}/signed.txt"]
    assert result["groupedFolders"] == [f"{u}/dir"]
    assert result["page1"] == [[f"{u}/b-copy.txt", f"{u}/b.txt"], True]
    assert result["page2"] == [[f"{u}/dir/a2.txt", f"{u}/dir/c.txt"], True]


def test_js_public_url_and_download_option(storage_live):
    bucket = unique("pub")
    result = run_node("""
const admin = service();
const B = process.env.BUCKET;
await admin.storage.createBucket(B, { public: true });
await admin.storage.from(B).upload('img/logo.txt', 'public text', { contentType: 'text/plain', cacheControl: '10' });
const { data } = anon().storage.from(B).getPublicUrl('img/logo.txt', { download: true });
const r = await fetch(data.publicUrl);
const anonDownload = await anon().storage.from(B).download('img/logo.txt');
out({ status: r.status, body: await r.text(), disposition: r.headers.get('content-disposition'),
      cache: r.headers.get('cache-control'), anonText: anonDownload.data && await anonDownload.data.text() });
""", storage_live, env={"BUCKET": bucket})
    assert result["status"] == 200 and result["body"] == "public text"
    assert result["disposition"].startswith("attachment") and "logo.txt" in result["disposition"]
    assert result["cache"] == "max-age=10"
    assert result["anonText"] == "public text"


def test_js_list_v2_sort_by(storage_live):
    user_id, token = user_token()
    bucket = unique("own")
    result = run_node(USER + """
const admin = service();
const user = asUser(process.env.TOKEN);
const B = process.env.BUCKET, U = process.env.USER_ID;
await admin.storage.createBucket(B);
const files = user.storage.from(B);
for (const n of ['c.txt', 'a.txt', 'sub/x.txt', 'b.txt']) {
  const r = await files.upload(U + '/' + n, n, { contentType: 'text/plain' });
  if (r.error) throw r.error;
  await new Promise((r) => setTimeout(r, 20));
}
const names = (r) => [r.data.folders.map((f) => f.name), r.data.objects.map((o) => o.name.split('/').pop())];
const byName = await files.listV2({ prefix: U + '/', with_delimiter: true, sortBy: { column: 'name', order: 'desc' } });
const newest = await files.listV2({ prefix: U + '/', sortBy: { column: 'created_at', order: 'desc' } });
const p1 = await files.listV2({ prefix: U + '/', limit: 2, sortBy: { column: 'created_at', order: 'asc' } });
const p2 = await files.listV2(
  { prefix: U + '/', limit: 2, cursor: p1.data.nextCursor, sortBy: { column: 'created_at', order: 'asc' } });
const bad = await files.listV2({ prefix: U + '/', sortBy: { column: 'size' } });
out({ byName: names(byName), newest: names(newest), p1: [names(p1), p1.data.hasNext], p2: [names(p2), p2.data.hasNext],
      bad: bad.error && bad.error.statusCode });
""", storage_live, env={"TOKEN": token, "BUCKET": bucket, "USER_ID": user_id})
    u = user_id
    assert result["byName"] == [[f"{u}/sub"], ["c.txt", "b.txt", "a.txt"]]  # folders named without '/'
    assert result["newest"] == [[], ["b.txt", "x.txt", "a.txt", "c.txt"]]
    assert result["p1"] == [[[], ["c.txt", "a.txt"]], True]
    assert result["p2"] == [[[], ["x.txt", "b.txt"]], False]
    assert result["bad"] == "400"


def test_js_error_classes_as_storage_api(storage_live):
    user_id, token = user_token()
    bucket = unique("own")
    result = run_node(USER + """
const admin = service();
const user = asUser(process.env.TOKEN);
const B = process.env.BUCKET, U = process.env.USER_ID;
await admin.storage.createBucket(B);
const pick = (e) => e && [e.name, e.status, e.statusCode, e.message];
const noBucket = await admin.storage.getBucket('no-such-' + B);
const noObject = await user.storage.from(B).info(U + '/missing.txt');
await user.storage.from(B).upload(U + '/a.txt', 'a', { contentType: 'text/plain' });
const dup = await user.storage.from(B).upload(U + '/a.txt', 'a', { contentType: 'text/plain' });
const denied = await user.storage.from(B).upload('elsewhere/a.txt', 'a', { contentType: 'text/plain' });
out({ noBucket: pick(noBucket.error), noObject: pick(noObject.error), dup: pick(dup.error), denied: pick(denied.error) });
""", storage_live, env={"TOKEN": token, "BUCKET": bucket, "USER_ID": user_id})
    assert result["noBucket"] == ["StorageApiError", 400, "404", "Bucket not found"]
    assert result["noObject"][1:3] == [400, "404"]
    assert result["dup"] == ["StorageApiError", 400, "409", "The resource already exists"]
    assert result["denied"] == ["StorageApiError", 400, "403", "new row violates row-level security policy"]
