"""What a bucket id and an object key may be.

Keys never become file-system paths (the disk backend files bytes by object id), but they are still
checked here so that a key means one thing everywhere: no empty, `.` or `..` segments, no leading
slash, no NUL or other control, format, surrogate, private-use or unassigned characters, and only
NFC-normalised text (so two keys that look alike are the same key).
"""
from __future__ import annotations

import re
import unicodedata

from . import errors

MAX_KEY_BYTES = 1024
BUCKET_NAME = re.compile(r"^[\w!.*'() &$@=;:+,?-]{1,100}$", re.ASCII)
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_bucket_id(bucket: str) -> str:
    if not isinstance(bucket, str) or not BUCKET_NAME.match(bucket) or bucket.strip() != bucket \
            or bucket in (".", ".."):
        raise errors.invalid_bucket_name()
    return bucket


def is_valid_key(key: str) -> bool:
    if not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return False
    if key.startswith("/") or "\\" in key:
        return False
    if unicodedata.normalize("NFC", key) != key:
        return False
    if any(unicodedata.category(ch) in FORBIDDEN_CATEGORIES for ch in key):
        return False
    segments = key.split("/")
    # A trailing slash is allowed only as the last character of a folder placeholder: never here.
    return all(segment not in ("", ".", "..") for segment in segments)


def check_key(key: str) -> str:
    if not isinstance(key, str) or not is_valid_key(key):
        raise errors.invalid_key(key if isinstance(key, str) else repr(key))
    return key


def check_prefix(prefix: str) -> str:
    """A listing prefix: like a key but may be empty and may end with '/'."""
    if not isinstance(prefix, str):
        raise errors.invalid_parameter("prefix")
    trimmed = prefix.rstrip("/")
    if trimmed and not is_valid_key(trimmed):
        raise errors.invalid_key(prefix)
    return prefix
