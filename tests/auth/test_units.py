"""Unit tests of the pure parts: redirect globs, mail templates, configuration, token helpers."""
from __future__ import annotations

import hashlib

import pytest

from oricol.auth import mails, passwords, redirects, tokens
from oricol.auth.errors import render, requested_version
from oricol.config import ConfigError
from oricol.config.auth import AuthConfig
from tests.support.stack import config_for


def test_redirect_globs_follow_gotrue():
    config = AuthConfig(site_url="https://app.example.com",
                        redirect_allow_list=("http://localhost:3000/*", "https://*.preview.example.org/**",
                                             "myapp://callback"))
    assert redirects.allowed(config, "https://app.example.com/any/path?x=1")
    assert redirects.allowed(config, "http://localhost:3000/auth")
    assert not redirects.allowed(config, "http://localhost:3000/auth/deeper")
    assert redirects.allowed(config, "https://pr-12.preview.example.org/a/b/c")
    assert not redirects.allowed(config, "https://a.b.preview.example.org/")
    assert redirects.allowed(config, "myapp://callback")
    assert not redirects.allowed(config, "https://evil.example.net/")
    assert redirects.choose(config, "https://evil.example.net/") == "https://app.example.com"


def test_templates_escape_values_and_read_files(tmp_path):
    rendered = mails.render("<a href=\"{{ .ConfirmationURL }}\">{{.Token}}</a> {{ .Data.name }} {{ .Missing }}",
                            {"ConfirmationURL": "https://x/verify?a=1&b=2", "Token": "123456",
                             "Data": {"name": "<b>Eve</b>"}})
    assert rendered == '<a href="https://x/verify?a=1&amp;b=2">123456</a> &lt;b&gt;Eve&lt;/b&gt; '
    (tmp_path / "recovery.html").write_text("Reset with {{ .Token }}")
    config = config_for("postgresql://x@localhost/db", "pw-that-is-long-enough", tmp_path,
                        ORICOL_AUTH_MAIL_TEMPLATES_DIR=str(tmp_path), ORICOL_AUTH_MAIL_SUBJECT_RECOVERY="New pass")
    assert config.auth.templates["recovery"] == ("New pass", "Reset with {{ .Token }}")
    assert config.auth.templates["confirmation"] == ("Confirm Your Signup", None)


def test_config_names_the_bad_variable(tmp_path):
    with pytest.raises(ConfigError, match="ORICOL_AUTH_JWT_EXPIRY"):
        config_for("postgresql://x@localhost/db", "pw-that-is-long-enough", tmp_path, ORICOL_AUTH_JWT_EXPIRY="soon")
    with pytest.raises(ConfigError, match="ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN"):
        config_for("postgresql://x@localhost/db", "pw-that-is-long-enough", tmp_path,
                   ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN="drop table x")
    config = config_for("postgresql://x@localhost/db", "pw-that-is-long-enough", tmp_path,
                        ORICOL_SMTP_HOST="smtp.example.com", ORICOL_SMTP_PASS="hunter22",
                        ORICOL_AUTH_HOOK_CUSTOM_ACCESS_TOKEN="pg-functions://postgres/public/claims_hook",
                        ORICOL_AUTH_PASSWORD_REQUIRED_CHARACTERS="lower:upper:digits")
    assert config.auth.smtp.host == "smtp.example.com" and config.auth.smtp.port == 587
    assert config.auth.custom_access_token_hook == "public.claims_hook"
    assert config.auth.site_url == config.core.site_url
    from oricol.config import masked
    assert "hunter22" not in str(masked(config))


def test_password_rules():
    with pytest.raises(Exception) as short:
        passwords.check_rules("abc", 6, ())
    assert short.value.details == {"reasons": ["length"]}
    with pytest.raises(Exception) as chars:
        passwords.check_rules("alllowercase", 6, ("abcdefghijklmnopqrstuvwxyz", "0123456789"))
    assert chars.value.details == {"reasons": ["characters"]}
    passwords.check_rules("lower123", 6, ("abcdefghijklmnopqrstuvwxyz", "0123456789"))


def test_token_helpers():
    assert tokens.link_hash("a@b.co", "123456") == hashlib.sha224(b"a@b.co123456").hexdigest()
    signer = tokens.Signer("s" * 40)
    parent = tokens.new_refresh_token()
    assert signer.child_refresh_token(parent) == signer.child_refresh_token(parent)
    assert signer.child_refresh_token(parent) != tokens.Signer("t" * 40).child_refresh_token(parent)
    verifier = "v" * 43
    import base64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert tokens.pkce_challenge_matches(verifier, challenge, "s256")
    assert not tokens.pkce_challenge_matches("w" * 43, challenge, "s256")
    assert len(tokens.otp_code()) == 6 and tokens.otp_code().isdigit()


def test_error_shapes_by_api_version():
    from oricol.auth import errors
    err = errors.weak_password("too short", ["length"])
    assert render(err, None)[0] == {"code": 422, "error_code": "weak_password", "msg": "too short",
                                    "weak_password": {"reasons": ["length"]}}
    assert render(err, requested_version("2024-01-01"))[0] == {"code": "weak_password", "message": "too short",
                                                               "weak_password": {"reasons": ["length"]}}
    assert requested_version("2023-05-01") is None and requested_version("garbage") is None
    assert render(errors.oauth_error("invalid_grant", "nope"), None)[0] == {"error": "invalid_grant",
                                                                           "error_description": "nope"}


def test_azure_accepts_only_its_tenant_or_any_tenant_of_a_multi_tenant_authority():
    from oricol.auth.providers import Azure, _azure_verified
    from oricol.config.auth import ExternalProvider

    def azure(url):
        return Azure(ExternalProvider(name="azure", enabled=True, client_id="c", secret="s", url=url))
    tenant = azure("https://login.microsoftonline.com/contoso-id")
    assert tenant.expected_issuer("https://login.microsoftonline.com/contoso-id/v2.0")
    assert not tenant.expected_issuer("https://login.microsoftonline.com/other-id/v2.0")
    common = azure(None)
    assert common.expected_issuer("https://login.microsoftonline.com/other-id/v2.0")
    assert not common.expected_issuer("https://evil.example/other-id/v2.0")
    assert not common.expected_issuer("https://login.microsoftonline.com/a/b/v2.0")
    assert _azure_verified({"email": "a@b.c"}) and not _azure_verified({"email": "a@b.c", "xms_edov": False})
    assert _azure_verified({"email": "a@b.c", "xms_edov": "1"}) and not _azure_verified({})


def test_oauth_state_is_signed_for_its_purpose_only():
    import jwt as pyjwt
    import pytest as _pytest

    from oricol.auth import oauth_state

    secret = "s" * 40
    token = oauth_state.sign(secret, "http://site", oauth_state.FlowState("github", "http://site/x", None, "n1"))
    assert oauth_state.verify(secret, token) == oauth_state.FlowState("github", "http://site/x", None, "n1")
    with _pytest.raises(oauth_state.StateError):
        oauth_state.verify("t" * 40, token)
    access_token_like = pyjwt.encode({"provider": "github", "exp": 2**31, "aud": oauth_state.AUDIENCE}, secret)
    with _pytest.raises(oauth_state.StateError):  # signed with the JWT secret itself: not a state
        oauth_state.verify(secret, access_token_like)
