"""JSON Web Tokens: the API keys and the access tokens every service verifies.

One verifier is shared by the gateway and the services. Verified tokens are cached until they
expire, because the same access token arrives on every request of a session and an HMAC plus a
JSON decode per request is measurable on the hot path.
"""
from __future__ import annotations

import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import jwt as pyjwt

HS_ALGORITHMS = ("HS256",)
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256")
TEN_YEARS = 10 * 365 * 24 * 3600


class JwtError(Exception):
    """A token was refused. `expired` tells an expired token from a malformed or forged one."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.message = message
        self.expired = expired


def encode(claims: dict[str, Any], secret: str | bytes, algorithm: str = "HS256",
           headers: dict[str, Any] | None = None) -> str:
    return pyjwt.encode(claims, secret, algorithm=algorithm, headers=headers)


def make_api_key(secret: str, role: str, *, issuer: str = "oricol", now: int | None = None) -> str:
    """An anon or service_role key as Supabase issues them: a long-lived HS256 JWT."""
    iat = int(time.time()) if now is None else now
    return encode({"role": role, "iss": issuer, "iat": iat, "exp": iat + TEN_YEARS}, secret)


def decode_hs256(token: str, secret: str, *, verify_exp: bool = True) -> dict[str, Any] | None:
    """The claims of a token signed with `secret`, or None if the signature does not match."""
    try:
        return pyjwt.decode(token, secret, algorithms=list(HS_ALGORITHMS),
                            options={"verify_aud": False, "verify_exp": verify_exp})
    except pyjwt.PyJWTError:
        return None


def verifies_with(token: str, secret: str) -> bool:
    return decode_hs256(token, secret, verify_exp=False) is not None


@dataclass
class Verifier:
    """Checks signature and expiry; accepts the project secret and any published public keys."""

    secret: str
    public_keys: dict[str, Any] = field(default_factory=dict)  # kid -> key object (RS256/ES256)
    leeway: int = 0
    cache_size: int = 10_000
    _cache: "OrderedDict[str, tuple[float, dict[str, Any]]]" = field(default_factory=OrderedDict, repr=False)

    def verify(self, token: str) -> dict[str, Any]:
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None:
            expires_at, claims = cached
            if expires_at > now:
                return claims
            del self._cache[token]
            raise JwtError("JWT expired", expired=True)
        claims = self._decode(token)
        exp = claims.get("exp")
        expires_at = float(exp) + self.leeway if isinstance(exp, (int, float)) else now + 60
        self._cache[token] = (expires_at, claims)
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return claims

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            header = pyjwt.get_unverified_header(token)
        except pyjwt.PyJWTError:
            raise JwtError("Expected 3 parts in JWT; got " + str(token.count(".") + 1)) from None
        alg = header.get("alg")
        if alg in HS_ALGORITHMS:
            key: Any = self.secret
        elif alg in ASYMMETRIC_ALGORITHMS and header.get("kid") in self.public_keys:
            key = self.public_keys[header["kid"]]
        else:
            raise JwtError("No suitable key or wrong key type")
        try:
            claims = pyjwt.decode(token, key, algorithms=[alg], leeway=self.leeway,
                                  options={"verify_aud": False, "require": []})
        except pyjwt.ExpiredSignatureError:
            raise JwtError("JWT expired", expired=True) from None
        except pyjwt.PyJWTError:
            raise JwtError("JWSError JWSInvalidSignature") from None
        if not isinstance(claims, dict):
            raise JwtError("JWT claims are not an object")
        return claims


@dataclass(frozen=True)
class SigningKey:
    """An asymmetric signing key (RS256 or ES256) kept in a PEM file, and its public half as a JWK."""

    algorithm: str
    kid: str
    private_key: Any
    public_key: Any

    def public_jwk(self) -> dict[str, Any]:
        import json

        algorithm = pyjwt.get_algorithm_by_name(self.algorithm)
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.public_key))
        jwk.update({"kid": self.kid, "alg": self.algorithm, "use": "sig", "key_ops": ["verify"]})
        return jwk


def signing_key(path: os.PathLike[str] | str, algorithm: str) -> SigningKey:
    """The key in `path`, created (mode 0600) on first use so a fresh install needs no key ceremony."""
    import hashlib
    from pathlib import Path

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    file = Path(path)
    if not file.exists():
        if algorithm == "RS256":
            key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif algorithm == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            raise ValueError(f"no asymmetric key for {algorithm}")
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first; use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    private = serialization.load_pem_private_key(file.read_bytes(), password=None)
    public = private.public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = hashlib.sha256(der).hexdigest()[:16]
    return SigningKey(algorithm=algorithm, kid=kid, private_key=private, public_key=public)
