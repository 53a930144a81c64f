"""GET /health, GET /settings and GET /.well-known/jwks.json."""
from __future__ import annotations

from starlette.responses import Response

from . import errors
from .http import AuthRequest, json_response

VERSION = "v2.170.0-oricol"
PROVIDERS = ("anonymous_users", "apple", "azure", "bitbucket", "discord", "facebook", "figma", "fly", "github",
             "gitlab", "google", "keycloak", "kakao", "linkedin", "linkedin_oidc", "notion", "spotify", "slack",
             "slack_oidc", "workos", "twitch", "twitter", "email", "phone", "zoom")


async def health(req: AuthRequest) -> Response:
    return json_response({"version": VERSION, "name": "GoTrue",
                          "description": "GoTrue is a user registration and authentication API"})


async def settings(req: AuthRequest) -> Response:
    config = req.state.config
    external = {name: False for name in PROVIDERS}
    external["email"] = True
    external["anonymous_users"] = config.anonymous_sign_ins
    return json_response({"external": external, "disable_signup": config.disable_signup,
                          "mailer_autoconfirm": config.autoconfirm, "phone_autoconfirm": False,
                          "sms_provider": "", "saml_enabled": False})


async def jwks(req: AuthRequest) -> Response:
    return json_response(req.state.signer.jwks(), headers={"cache-control": "public, max-age=600"})


async def authorize(req: AuthRequest) -> Response:
    """OAuth providers are not offered: answered as GoTrue does for a provider that is not enabled."""
    provider = str(req.query.get("provider") or "")[:64]
    raise errors.error(400, "validation_failed", f"Unsupported provider: Provider {provider} could not be found")


async def callback(req: AuthRequest) -> Response:
    raise errors.error(400, "validation_failed", "OAuth callback with missing authorization code")
