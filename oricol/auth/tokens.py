"""Every secret auth hands out: access tokens, refresh tokens, one-time codes and link hashes.

Only hashes are stored. A refresh token's successor is derived from it with a keyed hash, so the
server can hand the same successor out again within the reuse interval without keeping plaintext.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from oricol import jwt as jwtlib


class Signer:
    """Signs access tokens with the project secret (HS256) or an asymmetric key published as a JWK."""

    def __init__(self, secret: str, key: jwtlib.SigningKey | None = None):
        self._secret = secret
        self.key = key
        self._derive_key = hashlib.sha256(b"oricol-refresh-token:" + secret.encode()).digest()

    def sign(self, claims: dict[str, Any]) -> str:
        if self.key is None:
            return jwtlib.encode(claims, self._secret, "HS256")
        return jwtlib.encode(claims, self.key.private_key, self.key.algorithm,
                             headers={"kid": self.key.kid, "typ": "JWT"})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk()] if self.key else []}

    def child_refresh_token(self, parent: str) -> str:
        digest = hmac.new(self._derive_key, parent.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def new_refresh_token() -> str:
    return secrets.token_urlsafe(24)


def stored_hash(secret_value: str) -> str:
    """What the database keeps of a token: enough to find it, useless to replay it."""
    return hashlib.sha256(secret_value.encode()).hexdigest()


def otp_code(length: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def link_hash(email: str, code: str) -> str:
    """The `token_hash` of mail links, as GoTrue forms it from the address and the code."""
    return hashlib.sha224((email + code).encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def pkce_challenge_matches(verifier: str, challenge: str, method: str) -> bool:
    if method == "s256":
        digest = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        computed = verifier
    return same(computed, challenge)


def now() -> int:
    return int(time.time())
