"""The route table of the auth service, in one place (as GoTrue's api.go): `ROUTES`, rows of (path,
methods, handler), paths relative to /auth/v1. Endpoint groups kept in their own modules (SSO, the OAuth
2.1 server, identity linking) bring their rows as their own `ROUTES`. `starlette_routes` binds each
handler to the service's state."""
from __future__ import annotations

from starlette.routing import Route

from . import (
    api_admin,
    api_disabled,
    api_external,
    api_identities,  # manual identity linking, apart from the table above to keep merges small
    api_mail,
    api_meta,
    api_mfa,
    api_oauth_admin,
    api_oauth_authorize,
    api_oauth_token,
    api_signup,
    api_token,
    api_user,
    api_verify,
)
from .http import Handler, endpoint
from .state import AuthState

ROUTES: tuple[tuple[str, tuple[str, ...], Handler], ...] = (
    ("/health", ("GET",), api_meta.health),
    ("/settings", ("GET",), api_meta.settings),
    ("/.well-known/jwks.json", ("GET",), api_meta.jwks),
    ("/authorize", ("GET",), api_external.authorize),
    ("/callback", ("GET", "POST"), api_external.callback),
    ("/signup", ("POST",), api_signup.signup),
    ("/token", ("POST",), api_token.token),
    ("/logout", ("POST",), api_token.logout),
    ("/verify", ("GET",), api_verify.verify_get),
    ("/verify", ("POST",), api_verify.verify_post),
    ("/otp", ("POST",), api_mail.otp),
    ("/magiclink", ("POST",), api_mail.magiclink),
    ("/recover", ("POST",), api_mail.recover),
    ("/resend", ("POST",), api_mail.resend),
    ("/user", ("GET",), api_user.get_user),
    ("/user", ("PUT",), api_user.update_user),
    ("/reauthenticate", ("GET",), api_user.reauthenticate),
    ("/factors", ("POST",), api_mfa.enroll),
    ("/factors/{factor_id}/challenge", ("POST",), api_mfa.challenge),
    ("/factors/{factor_id}/verify", ("POST",), api_mfa.verify),
    ("/factors/{factor_id}", ("DELETE",), api_mfa.unenroll),
    ("/invite", ("POST",), api_admin.invite),
    ("/admin/users", ("GET",), api_admin.list_users),
    ("/admin/users", ("POST",), api_admin.create_user),
    ("/admin/users/{user_id}", ("GET",), api_admin.get_user),
    ("/admin/users/{user_id}", ("PUT",), api_admin.update_user),
    ("/admin/users/{user_id}", ("DELETE",), api_admin.delete_user),
    ("/admin/users/{user_id}/factors", ("GET",), api_admin.list_factors),
    ("/admin/users/{user_id}/factors/{factor_id}", ("DELETE",), api_admin.delete_factor),
    ("/admin/generate_link", ("POST",), api_admin.generate_link),
) + api_disabled.ROUTES  # SAML single sign-on, answered as turned off
ROUTES += api_oauth_admin.ROUTES + api_oauth_authorize.ROUTES + api_oauth_token.ROUTES  # the OAuth 2.1 server

ROUTES += api_identities.ROUTES  # manual identity linking (linkIdentity, unlinkIdentity)


def starlette_routes(state: AuthState) -> list[Route]:
    return [Route(path, endpoint(state, handler), methods=list(methods)) for path, methods, handler in ROUTES]
