"""Phone sign-in settings of the auth service: the phone provider, SMS one-time codes and the sender.

GoTrue's names in brackets. The only sender is GoTrue's "Send SMS" hook (an HTTP endpoint signed with
Standard Webhooks, or a PostgreSQL function), so a deployment plugs in any SMS gateway without code here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .env import ConfigError, Env

# GoTrue's accepted secret: `v1,whsec_` and the base64 HMAC key (asymmetric `v1a,` keys are not supported here).
SECRET_FORMAT = re.compile(r"^v1,whsec_[A-Za-z0-9+/=]{32,88}$")
PG_FUNCTION = re.compile(r"^pg-functions://[^/]+/([A-Za-z_][A-Za-z0-9_$]*)/([A-Za-z_][A-Za-z0-9_$]*)$")
# GoTrue lets a plain-http hook reach only this machine: anything else must be https.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "host.docker.internal")


@dataclass(frozen=True)
class SmsHook:
    """Where the "Send SMS" hook goes: an http(s) URL with its signing secrets, or `schema.function`."""

    uri: str
    secrets: tuple[str, ...] = ()  # `v1,whsec_…` keys; each signs every request (rotation without downtime)
    function: str | None = None  # schema.function for pg-functions:// hooks


@dataclass(frozen=True)
class SmsConfig:
    phone_enabled: bool = False
    autoconfirm: bool = False
    otp_expiry: int = 60  # seconds a texted code stays good
    otp_length: int = 6
    max_frequency: int = 60  # seconds between two codes to one number
    sent_per_hour: int = 30  # codes texted per hour, all numbers together
    test_otps: dict[str, str] = field(default_factory=dict)  # phone (digits) -> fixed code, never texted
    hook: SmsHook | None = None

    @classmethod
    def from_env(cls, env: Env) -> "SmsConfig":
        enabled = env.bool("ORICOL_AUTH_PHONE_ENABLED", False)  # phone sign-up and sign-in (EXTERNAL_PHONE_ENABLED)
        hook = _hook(env)
        if enabled and hook is None:
            raise ConfigError("ORICOL_AUTH_PHONE_ENABLED is true but no SMS sender is configured: set "
                              "ORICOL_AUTH_HOOK_SEND_SMS_URI (an http(s) endpoint with ORICOL_AUTH_HOOK_SEND_SMS_SECRETS, "
                              "or pg-functions://postgres/schema/function)")
        return cls(
            phone_enabled=enabled,
            autoconfirm=env.bool("ORICOL_AUTH_SMS_AUTOCONFIRM", False),  # phone sign-ups need no code (SMS_AUTOCONFIRM)
            otp_expiry=env.int("ORICOL_AUTH_SMS_OTP_EXPIRY", 60, min=10, max=86400),  # seconds a texted code is good (SMS_OTP_EXP)
            otp_length=env.int("ORICOL_AUTH_SMS_OTP_LENGTH", 6, min=6, max=10),  # digits of a texted code (SMS_OTP_LENGTH)
            max_frequency=env.int("ORICOL_AUTH_SMS_MAX_FREQUENCY", 60, min=0),  # seconds between two codes to one number (SMS_MAX_FREQUENCY)
            sent_per_hour=env.int("ORICOL_AUTH_RATE_LIMIT_SMS_SENT", 30, min=1),  # codes texted per hour, all numbers together (RATE_LIMIT_SMS_SENT)
            test_otps=_test_otps(env),
            hook=hook,
        )


def _test_otps(env: Env) -> dict[str, str]:
    """`+15551234567=123456,…` (the Supabase CLI's `[auth.sms.test_otp]`; GoTrue's `phone:code` works too)."""
    value = env.opt("ORICOL_AUTH_SMS_TEST_OTP")  # fixed codes for listed numbers: no SMS is sent (SMS_TEST_OTP)
    if not value:
        return {}
    found: dict[str, str] = {}
    for item in value.split(","):
        phone, sep, code = item.strip().partition("=") if "=" in item else item.strip().partition(":")
        phone = phone.strip().lstrip("+").replace(" ", "")
        if not sep or not phone.isdigit() or not code.strip().isdigit():
            raise ConfigError(f"ORICOL_AUTH_SMS_TEST_OTP must be a list of +number=code, got {item.strip()!r}")
        found[phone] = code.strip()
    return found


def _hook(env: Env) -> SmsHook | None:
    uri = env.opt("ORICOL_AUTH_HOOK_SEND_SMS_URI")  # the SMS sender: http(s) endpoint or pg-functions://postgres/schema/fn (HOOK_SEND_SMS_URI)
    if not uri:
        return None
    match = PG_FUNCTION.match(uri)
    if match is not None:
        return SmsHook(uri=uri, function=f"{match.group(1)}.{match.group(2)}")
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("ORICOL_AUTH_HOOK_SEND_SMS_URI must be an https URL or pg-functions://postgres/schema/function, "
                          f"got {uri!r}")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ConfigError("ORICOL_AUTH_HOOK_SEND_SMS_URI: plain http is allowed only to localhost, 127.0.0.1 and ::1")
    raw = env.opt("ORICOL_AUTH_HOOK_SEND_SMS_SECRETS") or ""  # `v1,whsec_…` signing keys, `|` between several (HOOK_SEND_SMS_SECRETS)
    secrets = tuple(s.strip() for s in raw.split("|") if s.strip())
    if not secrets:
        raise ConfigError("ORICOL_AUTH_HOOK_SEND_SMS_SECRETS is not set (an http hook is signed: v1,whsec_<base64 key>)")
    for secret in secrets:
        if not SECRET_FORMAT.match(secret):
            raise ConfigError("ORICOL_AUTH_HOOK_SEND_SMS_SECRETS must be v1,whsec_<base64 key>, `|` between several")
    return SmsHook(uri=uri, secrets=secrets)
