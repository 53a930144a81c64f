"""Buckets through storage3: create, get, list, update, empty, delete, and Storage's errors."""
from __future__ import annotations

import pytest
from storage3.exceptions import StorageApiError

from .conftest import unique


def test_bucket_lifecycle(admin_storage):
    name = unique("own")
    assert admin_storage.create_bucket(name, options={"public": False, "file_size_limit": 1024,
                                                      "allowed_mime_types": ["image/*"]}) == {"name": name}
    bucket = admin_storage.get_bucket(name)
    assert (bucket.id, bucket.name, bucket.public, bucket.file_size_limit, bucket.allowed_mime_types) == \
        (name, name, False, 1024, ["image/*"])
    assert name in [b.id for b in admin_storage.list_buckets()]
    assert admin_storage.update_bucket(name, {"public": True, "file_size_limit": 2048}) == \
        {"message": "Successfully updated"}
    bucket = admin_storage.get_bucket(name)
    assert (bucket.public, bucket.file_size_limit, bucket.allowed_mime_types) == (True, 2048, ["image/*"])
    assert admin_storage.delete_bucket(name) == {"message": "Successfully deleted"}
    with pytest.raises(StorageApiError) as missing:
        admin_storage.get_bucket(name)
    assert (missing.value.status, missing.value.code, missing.value.message) == \
        ("404", "Bucket not found", "Bucket not found")


def test_duplicate_bucket_is_refused(admin_storage, own_bucket):
    with pytest.raises(StorageApiError) as error:
        admin_storage.create_bucket(own_bucket)
    assert (error.value.status, error.value.code) == ("409", "Duplicate")


def test_invalid_bucket_name(admin_storage):
    with pytest.raises(StorageApiError) as error:
        admin_storage.create_bucket("bad/name")
    assert (error.value.status, error.value.code, error.value.message) == ("400", "Invalid Input", "Bucket name invalid")


def test_delete_refused_while_not_empty_then_empty(admin_storage, own_bucket):
    admin_storage.from_(own_bucket).upload("a/b.txt", b"hello")
    with pytest.raises(StorageApiError) as error:
        admin_storage.delete_bucket(own_bucket)
    assert (error.value.status, error.value.message) == ("409", "The bucket you tried to delete is not empty")
    assert admin_storage.empty_bucket(own_bucket) == {"message": "Successfully emptied"}
    assert admin_storage.from_(own_bucket).list("a") == []
    assert admin_storage.delete_bucket(own_bucket) == {"message": "Successfully deleted"}


def test_users_cannot_create_buckets_without_a_policy(user):
    _, storage = user
    with pytest.raises(StorageApiError) as error:
        storage.create_bucket(unique("own"))
    assert error.value.status == "403"


def test_users_see_buckets_their_policy_allows(user, own_bucket, admin_storage):
    _, storage = user
    other = unique("zzz")
    admin_storage.create_bucket(other)
    ids = [b.id for b in storage.list_buckets()]
    assert own_bucket in ids and other not in ids
    with pytest.raises(StorageApiError) as error:
        storage.get_bucket(other)
    assert error.value.status == "404"
