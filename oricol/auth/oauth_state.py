"""The `state` of a third-party sign-in: a short-lived signed token, as GoTrue v2's ExternalProviderClaims.

It carries what the callback needs (the provider, where to send the browser back, the PKCE flow, the
OIDC nonce), so any node can finish a flow another node started. It is signed with a key derived from
the JWT secret for this one purpose: a state is never a valid access token, nor the other way round.
The address it names was checked against the allow-list before it was signed.
"""
from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

import jwt as pyjwt

from oricol import jwt as jwtlib

LIFETIME = 300  # seconds between /authorize and /callback, as GoTrue's
AUDIENCE = "oricol-oauth-state"


@dataclass(frozen=True)
class FlowState:
    provider: str
    referrer: str
    flow_state_id: str | None  # the auth.flow_state row of a PKCE flow
    nonce: str | None
    linking_target_id: str | None = None  # the signed-in user a manual link (/user/identities/authorize) is for


class StateError(Exception):
    pass


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"oricol-oauth-state:" + secret.encode()).digest()


def sign(secret: str, site_url: str, flow: FlowState) -> str:
    now = int(time.time())
    claims = {"exp": now + LIFETIME, "iat": now, "aud": AUDIENCE, "site_url": site_url,
              "id": str(uuid.UUID(int=0)), "provider": flow.provider, "referrer": flow.referrer,
              "flow_state_id": flow.flow_state_id or ""}
    if flow.nonce:
        claims["nonce"] = flow.nonce
    if flow.linking_target_id:
        claims["linking_target_id"] = flow.linking_target_id
    return jwtlib.encode(claims, _key(secret), "HS256")


def verify(secret: str, token: str) -> FlowState:
    try:
        claims = pyjwt.decode(token, _key(secret), algorithms=["HS256"], audience=AUDIENCE,
                              options={"require": ["exp", "aud"]})
    except pyjwt.PyJWTError as err:
        raise StateError(str(err)) from None
    provider = claims.get("provider")
    if not isinstance(provider, str) or not provider:
        raise StateError("missing provider")
    return FlowState(provider=provider, referrer=str(claims.get("referrer") or ""),
                     flow_state_id=str(claims.get("flow_state_id") or "") or None,
                     nonce=claims.get("nonce") if isinstance(claims.get("nonce"), str) else None,
                     linking_target_id=str(claims.get("linking_target_id") or "") or None)
