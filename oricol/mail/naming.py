"""Which mailbox an address lands in, by Inbucket's default ("local") naming rule.

The domain is ignored, the local part is lowercased and a `+tag` is cut off, so `Jane+Test@x.org`
and `jane@y.com` share the mailbox `jane`. The same rule turns an API path segment (a name or a
whole address) into a mailbox name. Unlike Inbucket we also refuse `/`, which cannot travel in a
URL path segment.
"""
from __future__ import annotations

import string

ALLOWED = frozenset(string.ascii_lowercase + string.digits + "!#$%&'*+-=?^_`.{|}~")
MAX_ADDRESS = 320
MAX_LOCAL = 128


class BadAddress(ValueError):
    """The address cannot name a mailbox; the message says why."""


def mailbox_for(address: str) -> str:
    local = _local_part(address)
    name = local.lower()
    invalid = sorted({c for c in name if c not in ALLOWED})
    if invalid:
        raise BadAddress(f"mailbox name contains invalid characters: {''.join(invalid)!r}")
    name = name.partition("+")[0]
    if not name:
        raise BadAddress("mailbox name cannot be empty")
    return name


def _local_part(address: str) -> str:
    address = address.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1]
    if not address:
        raise BadAddress("empty address")
    if len(address) > MAX_ADDRESS:
        raise BadAddress(f"address exceeds {MAX_ADDRESS} characters")
    if not address.isascii():
        raise BadAddress("characters outside of US-ASCII are not permitted")
    if address.startswith("@"):  # a source route: @relay1,@relay2:user@domain
        address = address.partition(":")[2]
    local = _unquote(address.rpartition("@")[0] if "@" in address else address)
    if not local:
        raise BadAddress("empty local part")
    if len(local) > MAX_LOCAL:
        raise BadAddress(f"local part must not exceed {MAX_LOCAL} characters")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise BadAddress("local part has a misplaced period")
    return local


def _unquote(local: str) -> str:
    """`"john doe"` -> `john doe` and `a\\@b` -> `a@b`; the result is then checked for characters."""
    if len(local) >= 2 and local[0] == local[-1] == '"':
        local = local[1:-1]
    out, escaped = [], False
    for char in local:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)
