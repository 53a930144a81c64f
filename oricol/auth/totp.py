"""TOTP (RFC 6238, SHA-1, 6 digits, 30 s) for MFA factors, and the secret's encryption at rest.

Factor secrets must be readable to check codes, so they cannot be hashed; they are sealed with
AES-GCM under a key derived from the project secret, so a database dump alone does not reveal them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

STEP = 30
DIGITS = 6
SEALED = "aesgcm:"


def new_secret() -> str:
    return base64.b32encode(os.urandom(20)).decode().rstrip("=")


def code_at(secret: str, moment: float) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(moment // STEP)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** DIGITS
    return str(number).zfill(DIGITS)


def matches(secret: str, code: str, moment: float | None = None, window: int = 1) -> bool:
    """Whether `code` is right for now or one step either side (clock skew), in constant time per step."""
    now = time.time() if moment is None else moment
    found = False
    for step in range(-window, window + 1):
        found |= hmac.compare_digest(code_at(secret, now + step * STEP).encode(), code.strip().encode())
    return found


def uri(secret: str, issuer: str, account: str) -> str:
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_inline(scale=4, border=2)


def _key(project_secret: str) -> bytes:
    return hashlib.sha256(b"oricol-mfa-secret:" + project_secret.encode()).digest()


def seal(secret: str, project_secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(project_secret)).encrypt(nonce, secret.encode(), b"totp")
    return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(stored: str, project_secret: str) -> str:
    if not stored.startswith(SEALED):  # a factor written by GoTrue or by hand, in plain text
        return stored
    raw = base64.urlsafe_b64decode(stored[len(SEALED):])
    return AESGCM(_key(project_secret)).decrypt(raw[:12], raw[12:], b"totp").decode()
