"""GET /health, GET /settings (with the enabled sign-in providers) and GET /.well-known/jwks.json."""
from __future__ import annotations

from starlette.responses import Response

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
    external.update({name: provider.enabled for name, provider in config.external.items()})
    external["email"] = True
    external["anonymous_users"] = config.anonymous_sign_ins
    external["phone"] = config.sms.phone_enabled
    return json_response({"external": external, "disable_signup": config.disable_signup,
                          "mailer_autoconfirm": config.autoconfirm, "phone_autoconfirm": config.sms.autoconfirm,
                          "sms_provider": "", "saml_enabled": False})


async def jwks(req: AuthRequest) -> Response:
    return json_response(req.state.signer.jwks(), headers={"cache-control": "public, max-age=600"})
