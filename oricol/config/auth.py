"""Configuration of the auth service (the seed's GoTrue), read from ORICOL_AUTH_* and ORICOL_SMTP_*.

Names follow GoTrue's settings where one exists (autoconfirm, disable signup, reuse interval, ...),
so a self-hoster can translate a GoTrue `.env` one line at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .auth_sms import SmsConfig
from .env import ConfigError, Env

MAIL_TEMPLATES = ("confirmation", "invite", "magic_link", "recovery", "email_change", "reauthentication")
DEFAULT_SUBJECTS = {
    "confirmation": "Confirm Your Signup",
    "invite": "You have been invited",
    "magic_link": "Your Magic Link",
    "recovery": "Reset Your Password",
    "email_change": "Confirm Email Change",
    "reauthentication": "Confirm Reauthentication",
}
SIGNING_ALGORITHMS = ("HS256", "RS256", "ES256")
# GoTrue's grouping of required password characters, by name for convenience.
CHARACTER_GROUPS = {
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digits": "0123456789",
    "symbols": "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~",
}


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per window. Per client IP except `email_sent`, which counts all mail sent."""

    enabled: bool = True
    email_sent_per_hour: int = 30
    verify_per_5min: int = 30
    token_refresh_per_5min: int = 150
    sign_in_per_5min: int = 30
    anonymous_per_hour: int = 30
    mail_min_interval: int = 60  # seconds between two mails of one kind to one user, as GoTrue
    ip_header: str | None = None  # a header a trusted proxy sets to the client address (GoTrue's RATE_LIMIT_HEADER)


# Third-party sign-in: GoTrue's names where GoTrue has the provider; `oidc` is any OpenID Connect issuer.
EXTERNAL_PROVIDERS = ("azure", "github", "gitlab", "google", "keycloak", "oidc")
ISSUER_REQUIRED = ("keycloak", "oidc")  # no public default: the URL is the issuer


@dataclass(frozen=True)
class ExternalProvider:
    """One OAuth / OpenID Connect provider, from ORICOL_AUTH_EXTERNAL_<NAME>_* (GoTrue's EXTERNAL_<NAME>_*)."""

    name: str
    enabled: bool = False
    client_id: str = ""
    secret: str = ""
    redirect_uri: str = ""  # our /callback as registered with the provider
    url: str | None = None  # the provider's base URL or issuer; None = the public service
    # More audiences the id_token grant accepts besides client_id (a mobile app's own client ids), as
    # GoTrue's comma-separated EXTERNAL_<NAME>_CLIENT_ID does.
    id_token_client_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmtpRelay:
    """Where outgoing mail goes when ORICOL_SMTP_HOST is set (the composition root builds the mailer)."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    tls: str = "auto"  # auto | none | starttls | ssl


@dataclass(frozen=True)
class OAuthServer:
    """Auth as an OAuth 2.1 authorization server for third-party apps (GoTrue's GOTRUE_OAUTH_SERVER_*)."""

    enabled: bool = False
    allow_dynamic_registration: bool = False  # POST /oauth/clients/register open to anyone (RFC 7591)
    authorization_path: str = ""  # the consent page, joined to the site URL; "" = flows end in server_error
    authorization_ttl: int = 600  # seconds an authorization request (and its code) stays usable
    default_scope: str = "email"  # the scope of an /oauth/authorize request that names none


@dataclass(frozen=True)
class AuthConfig:
    site_url: str = "http://localhost:8080"
    external_url: str = "http://127.0.0.1:8000/auth/v1"
    redirect_allow_list: tuple[str, ...] = ()
    autoconfirm: bool = False
    disable_signup: bool = False
    anonymous_sign_ins: bool = False
    jwt_expiry: int = 3600
    jwt_aud: str = "authenticated"
    jwt_algorithm: str = "HS256"
    jwt_key_file: Path | None = None
    refresh_rotation: bool = True
    refresh_reuse_interval: int = 10
    session_timebox: int = 0  # seconds a session lives at most; 0 = forever
    password_min_length: int = 6
    password_required_characters: tuple[str, ...] = ()
    secure_email_change: bool = True
    secure_password_change: bool = False
    otp_expiry: int = 3600
    otp_length: int = 6
    mfa_max_factors: int = 10
    # GoTrue's SECURITY_MANUAL_LINKING_ENABLED: /user/identities (linkIdentity, unlinkIdentity) is open.
    manual_linking: bool = False
    rate_limits: RateLimits = field(default_factory=RateLimits)
    custom_access_token_hook: str | None = None  # schema.function
    smtp: SmtpRelay | None = None  # the outgoing relay when ORICOL_SMTP_HOST is set; else the local catcher
    templates: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # kind -> (subject, html or None)
    external: dict[str, ExternalProvider] = field(default_factory=dict)  # name -> provider, every known name
    # GoTrue's MAILER_ALLOW_UNVERIFIED_EMAIL_SIGN_INS: a provider's unverified address may still sign in.
    allow_unverified_email_sign_ins: bool = False
    sms: SmsConfig = field(default_factory=SmsConfig)  # phone sign-in: provider switch, codes, the SMS hook
    oauth_server: OAuthServer = field(default_factory=OAuthServer)

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "AuthConfig":
        algorithm = env.choice("ORICOL_AUTH_JWT_ALGORITHM", "HS256", SIGNING_ALGORITHMS)
        key_file = env.opt("ORICOL_AUTH_JWT_KEY_FILE")
        external_url = env.str("ORICOL_AUTH_EXTERNAL_URL", core.public_url + "/auth/v1").rstrip("/")
        return cls(
            site_url=env.str("ORICOL_AUTH_SITE_URL", core.site_url).rstrip("/"),
            external_url=external_url,
            redirect_allow_list=env.list("ORICOL_AUTH_REDIRECT_URLS"),
            autoconfirm=env.bool("ORICOL_AUTH_AUTOCONFIRM", False),
            disable_signup=env.bool("ORICOL_AUTH_DISABLE_SIGNUP", False),
            anonymous_sign_ins=env.bool("ORICOL_AUTH_ANONYMOUS_SIGN_INS", False),
            jwt_expiry=env.int("ORICOL_AUTH_JWT_EXPIRY", 3600, min=30, max=7 * 24 * 3600),
            jwt_aud=env.str("ORICOL_AUTH_JWT_AUD", "authenticated"),
            jwt_algorithm=algorithm,
            jwt_key_file=Path(key_file) if key_file else
            (core.data_dir / "auth" / f"signing-key-{algorithm.lower()}.pem" if algorithm != "HS256" else None),
            refresh_rotation=env.bool("ORICOL_AUTH_REFRESH_ROTATION", True),
            refresh_reuse_interval=env.int("ORICOL_AUTH_REFRESH_REUSE_INTERVAL", 10, min=0, max=3600),
            session_timebox=env.int("ORICOL_AUTH_SESSION_TIMEBOX", 0, min=0),
            password_min_length=env.int("ORICOL_AUTH_PASSWORD_MIN_LENGTH", 6, min=6, max=72),
            password_required_characters=_character_groups(env),
            secure_email_change=env.bool("ORICOL_AUTH_SECURE_EMAIL_CHANGE", True),
            secure_password_change=env.bool("ORICOL_AUTH_SECURE_PASSWORD_CHANGE", False),
            otp_expiry=env.int("ORICOL_AUTH_OTP_EXPIRY", 3600, min=60, max=86400),
            otp_length=env.int("ORICOL_AUTH_OTP_LENGTH", 6, min=6, max=10),
            mfa_max_factors=env.int("ORICOL_AUTH_MFA_MAX_FACTORS", 10, min=1, max=100),
            manual_linking=env.bool("ORICOL_AUTH_MANUAL_LINKING_ENABLED", False),
            rate_limits=_rate_limits(env),
            custom_access_token_hook=_hook(env),
            smtp=_smtp(env),
            templates=_templates(env),
            external={name: _external(env, name, external_url) for name in EXTERNAL_PROVIDERS},
            allow_unverified_email_sign_ins=env.bool("ORICOL_AUTH_ALLOW_UNVERIFIED_EMAIL_SIGN_INS", False),
            sms=SmsConfig.from_env(env),
            oauth_server=_oauth_server(env),
        )

    def provider(self, name: str) -> ExternalProvider | None:
        return self.external.get(name)


def _external(env: Env, name: str, external_url: str) -> ExternalProvider:
    """A provider's settings; an enabled one must name its client, secret and (for `oidc`) issuer."""
    prefix = f"ORICOL_AUTH_EXTERNAL_{name.upper()}_"
    enabled = env.bool(prefix + "ENABLED", False)
    url = env.opt(prefix + "URL")
    if enabled:
        for suffix in ("CLIENT_ID", "SECRET") + (("URL",) if name in ISSUER_REQUIRED else ()):
            if env.opt(prefix + suffix) is None:
                raise ConfigError(f"{prefix}{suffix} is not set (needed when {prefix}ENABLED is true)")
        if url and not re.match(r"^https?://[^/\s]+", url):
            raise ConfigError(f"{prefix}URL must be an http(s) URL, got {url!r}")
    redirect_uri = env.str(prefix + "REDIRECT_URI", external_url + "/callback")
    return ExternalProvider(name=name, enabled=enabled, client_id=env.str(prefix + "CLIENT_ID", ""),
                            secret=env.str(prefix + "SECRET", ""), redirect_uri=redirect_uri,
                            url=url.rstrip("/") if url else None,
                            id_token_client_ids=env.list(prefix + "ID_TOKEN_CLIENT_IDS"))


def _oauth_server(env: Env) -> OAuthServer:
    return OAuthServer(
        enabled=env.bool("ORICOL_AUTH_OAUTH_SERVER_ENABLED", False),
        allow_dynamic_registration=env.bool("ORICOL_AUTH_OAUTH_SERVER_ALLOW_DYNAMIC_REGISTRATION", False),
        authorization_path=env.str("ORICOL_AUTH_OAUTH_SERVER_AUTHORIZATION_PATH", ""),
        authorization_ttl=env.int("ORICOL_AUTH_OAUTH_SERVER_AUTHORIZATION_TTL", 600, min=10, max=86400),
        default_scope=env.str("ORICOL_AUTH_OAUTH_SERVER_DEFAULT_SCOPE", "email"),
    )


def _character_groups(env: Env) -> tuple[str, ...]:
    """`lower:upper:digits` or GoTrue's literal `abc…:ABC…:012…`; each group needs one character."""
    value = env.opt("ORICOL_AUTH_PASSWORD_REQUIRED_CHARACTERS")
    if not value:
        return ()
    return tuple(CHARACTER_GROUPS.get(group, group) for group in value.split(":") if group)


def _rate_limits(env: Env) -> RateLimits:
    return RateLimits(
        enabled=env.bool("ORICOL_AUTH_RATE_LIMITS", True),
        email_sent_per_hour=env.int("ORICOL_AUTH_RATE_LIMIT_EMAIL_SENT", 30, min=1),
        verify_per_5min=env.int("ORICOL_AUTH_RATE_LIMIT_VERIFY", 30, min=1),
        token_refresh_per_5min=env.int("ORICOL_AUTH_RATE_LIMIT_TOKEN_REFRESH", 150, min=1),
        sign_in_per_5min=env.int("ORICOL_AUTH_RATE_LIMIT_SIGN_IN", 30, min=1),
        anonymous_per_hour=env.int("ORICOL_AUTH_RATE_LIMIT_ANONYMOUS", 30, min=1),
        mail_min_interval=env.int("ORICOL_AUTH_MAIL_MIN_INTERVAL", 60, min=0),
        ip_header=(env.opt("ORICOL_AUTH_RATE_LIMIT_HEADER") or "").lower() or None,
    )


HOOK_NAME = re.compile(r"^(?:pg-functions://[^/]+/)?([A-Za-z_][A-Za-z0-9_$]*)[./]([A-Za-z_][A-Za-z0-9_$]*)$")


def _hook(env: Env) -> str | None:
    """GoTrue's `pg-functions://postgres/public/fn` or plain `public.fn`, kept as `schema.fn`."""
    value = env.opt("ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN")
    if not value:
        return None
    match = HOOK_NAME.match(value)
    if match is None:
        raise ConfigError("ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN must be schema.function "
                          f"or pg-functions://postgres/schema/function, got {value!r}")
    return f"{match.group(1)}.{match.group(2)}"


def _smtp(env: Env) -> SmtpRelay | None:
    host = env.opt("ORICOL_SMTP_HOST")
    if host is None:
        return None
    address = env.str("ORICOL_SMTP_SENDER", env.str("ORICOL_SMTP_ADMIN_EMAIL", "noreply@oricol.local"))
    name = env.str("ORICOL_SMTP_SENDER_NAME", "Oricol")
    port = env.int("ORICOL_SMTP_PORT", 587, min=1, max=65535)
    # `auto` (GoTrue's behaviour): implicit TLS on 465, else STARTTLS when the relay offers it. A required
    # STARTTLS by default made every mail to a plain relay (a local catcher) fail with a 500.
    return SmtpRelay(
        host=host,
        port=port,
        sender=f"{name} <{address}>",
        username=env.opt("ORICOL_SMTP_USER"),
        password=env.opt("ORICOL_SMTP_PASS"),
        tls=env.choice("ORICOL_SMTP_TLS", "ssl" if port == 465 else "auto", ("auto", "none", "starttls", "ssl")),
    )


def _templates(env: Env) -> dict[str, tuple[str, str | None]]:
    """Subjects and HTML bodies: ORICOL_AUTH_MAIL_TEMPLATES_DIR/<kind>.html overrides the default."""
    folder = env.opt("ORICOL_AUTH_MAIL_TEMPLATES_DIR")
    templates: dict[str, tuple[str, str | None]] = {}
    for kind in MAIL_TEMPLATES:
        subject = env.str(f"ORICOL_AUTH_MAIL_SUBJECT_{kind.upper()}", DEFAULT_SUBJECTS[kind])
        html = None
        if folder:
            path = Path(folder).expanduser() / f"{kind}.html"
            if path.is_file():
                html = path.read_text(encoding="utf-8")
        templates[kind] = (subject, html)
    if folder and not Path(folder).expanduser().is_dir():
        raise ConfigError(f"ORICOL_AUTH_MAIL_TEMPLATES_DIR {folder!r} is not a folder")
    return templates


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
