"""Objects through storage3 under RLS: a user writes and reads only under their own folder."""
from __future__ import annotations

import httpx
import pytest
from storage3.exceptions import StorageApiError


def test_upload_download_list_delete_own_folder(user, own_bucket):
    user_id, storage = user
    files = storage.from_(own_bucket)
    result = files.upload(f"{user_id}/notes/a.txt", b"first", {"content-type": "text/plain"})
    assert result.full_path == f"{own_bucket}/{user_id}/notes/a.txt"
    files.upload(f"{user_id}/b.bin", b"\x00\x01", {"content-type": "application/octet-stream"})
    assert files.download(f"{user_id}/notes/a.txt") == b"first"
    top = files.list(user_id)
    assert [(e["name"], e["id"] is None) for e in top] == [("b.bin", False), ("notes", True)]
    assert top[0]["metadata"]["size"] == 2 and top[0]["metadata"]["mimetype"] == "application/octet-stream"
    inner = files.list(f"{user_id}/notes")
    assert [e["name"] for e in inner] == ["a.txt"]
    removed = files.remove([f"{user_id}/notes/a.txt", f"{user_id}/missing"])
    assert [r["name"] for r in removed] == [f"{user_id}/notes/a.txt"]
    with pytest.raises(StorageApiError) as error:
        files.download(f"{user_id}/notes/a.txt")
    assert (error.value.status, error.value.code) == ("404", "not_found")


def test_user_cannot_write_or_read_outside_their_folder(user, own_bucket, admin_storage):
    user_id, storage = user
    with pytest.raises(StorageApiError) as error:
        storage.from_(own_bucket).upload("someone-else/x.txt", b"no")
    assert error.value.status == "403"
    admin_storage.from_(own_bucket).upload("someone-else/y.txt", b"secret")
    with pytest.raises(StorageApiError) as error:
        storage.from_(own_bucket).download("someone-else/y.txt")
    assert error.value.status == "404"
    assert storage.from_(own_bucket).list("someone-else") == []
    assert storage.from_(own_bucket).remove(["someone-else/y.txt"]) == []
    assert admin_storage.from_(own_bucket).download("someone-else/y.txt") == b"secret"


def test_anon_cannot_write(storage_live, own_bucket):
    from .conftest import storage_client
    with pytest.raises(StorageApiError) as error:
        storage_client(storage_live).from_(own_bucket).upload("x/y.txt", b"no")
    assert error.value.status == "403"


def test_duplicate_upload_and_upsert(user, own_bucket):
    user_id, storage = user
    files = storage.from_(own_bucket)
    files.upload(f"{user_id}/a.txt", b"one")
    with pytest.raises(StorageApiError) as error:
        files.upload(f"{user_id}/a.txt", b"two")
    assert (error.value.status, error.value.code) == ("409", "Duplicate")
    files.upload(f"{user_id}/a.txt", b"three", {"upsert": "true"})
    assert files.download(f"{user_id}/a.txt") == b"three"
    files.update(f"{user_id}/a.txt", b"four", {"content-type": "text/csv", "cache-control": "60"})
    assert files.download(f"{user_id}/a.txt") == b"four"
    info = files.info(f"{user_id}/a.txt")
    assert info["content_type"] == "text/csv" and info["size"] == 4 and info["cache_control"] == "max-age=60"


def test_update_of_missing_object_is_not_found(user, own_bucket):
    user_id, storage = user
    with pytest.raises(StorageApiError) as error:
        storage.from_(own_bucket).update(f"{user_id}/none.txt", b"x")
    assert error.value.status == "404"


def test_public_bucket_needs_no_key(admin_storage, public_bucket, storage_live):
    admin_storage.from_(public_bucket).upload("pics/p.txt", b"public bytes", {"content-type": "text/plain"})
    url = admin_storage.from_(public_bucket).get_public_url("pics/p.txt")
    response = httpx.get(url)
    assert response.status_code == 200 and response.content == b"public bytes"
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "max-age=3600"


def test_private_bucket_has_no_public_url(admin_storage, own_bucket):
    admin_storage.from_(own_bucket).upload("x/p.txt", b"private")
    response = httpx.get(admin_storage.from_(own_bucket).get_public_url("x/p.txt"))
    assert response.status_code == 400  # Storage API: HTTP 400, the class in statusCode
    assert response.json() == {"statusCode": "404", "code": "NoSuchBucket", "error": "Bucket not found",
                               "message": "Bucket not found"}


def test_bucket_size_limit_and_mime_types(admin_storage):
    from .conftest import unique
    name = unique("own")
    admin_storage.create_bucket(name, options={"file_size_limit": 10, "allowed_mime_types": ["image/*", "text/plain"]})
    files = admin_storage.from_(name)
    with pytest.raises(StorageApiError) as error:
        files.upload("a/big.txt", b"x" * 11, {"content-type": "text/plain"})
    assert (error.value.status, error.value.code) == ("413", "Payload too large")
    with pytest.raises(StorageApiError) as error:
        files.upload("a/doc.pdf", b"x", {"content-type": "application/pdf"})
    assert (error.value.status, error.value.code) == ("415", "invalid_mime_type")
    files.upload("a/pic.png", b"png", {"content-type": "image/png"})
    files.upload("a/t.txt", b"ok", {"content-type": "text/plain"})
    assert sorted(e["name"] for e in files.list("a")) == ["pic.png", "t.txt"]
