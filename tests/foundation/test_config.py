"""Configuration: typed, validated at start, every error naming its variable; demo secrets refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from oricol import config as configuration
from oricol import jwt
from oricol.config.core import DEMO_JWT_SECRET
from oricol.initenv import generate


def environ(**overrides: str) -> dict[str, str]:
    values = generate()
    base = {
        "ORICOL_JWT_SECRET": values["jwt_secret"],
        "ORICOL_ANON_KEY": values["anon_key"],
        "ORICOL_SERVICE_ROLE_KEY": values["service_role_key"],
        "ORICOL_POSTGRES_PASSWORD": values["postgres_password"],
        "ORICOL_DASHBOARD_PASSWORD": values["dashboard_password"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def load(**overrides: str) -> configuration.Config:
    return configuration.load(Path("/nonexistent/.env"), environ(**overrides))


def test_defaults():
    config = load()
    assert config.core.port == 8000 and config.core.db_port == 54322 and config.core.host == "127.0.0.1"
    assert config.core.embedded and config.core.data_dir.name == "data"
    assert config.core.services == configuration.ALL_SERVICES


@pytest.mark.parametrize("name, value, expected", [
    ("ORICOL_PORT", "http", "ORICOL_PORT must be a whole number"),
    ("ORICOL_PORT", "70000", "ORICOL_PORT must be between"),
    ("ORICOL_DEV_MODE", "maybe", "ORICOL_DEV_MODE must be true or false"),
    ("ORICOL_LOG_LEVEL", "loud", "ORICOL_LOG_LEVEL must be one of"),
    ("ORICOL_SERVICES", "rest,ftp", "ORICOL_SERVICES has unknown services"),
    ("ORICOL_JWT_SECRET", "short", "ORICOL_JWT_SECRET must be at least 32 bytes"),
    ("ORICOL_POSTGRES_PASSWORD", "postgres", "ORICOL_POSTGRES_PASSWORD is a demo or too short"),
])
def test_bad_values_name_the_variable(name, value, expected):
    with pytest.raises(configuration.ConfigError, match=expected):
        load(**{name: value})


def test_missing_secret_names_the_variable():
    values = environ()
    del values["ORICOL_SERVICE_ROLE_KEY"]
    with pytest.raises(configuration.ConfigError, match="ORICOL_SERVICE_ROLE_KEY is not set"):
        configuration.load(Path("/nonexistent/.env"), values)


def test_demo_secret_and_demo_keys_are_refused():
    with pytest.raises(configuration.ConfigError, match="ORICOL_JWT_SECRET is the public Supabase demo secret"):
        load(ORICOL_JWT_SECRET=DEMO_JWT_SECRET)
    with pytest.raises(configuration.ConfigError, match="ORICOL_ANON_KEY is a public Supabase demo key"):
        load(ORICOL_ANON_KEY=jwt.make_api_key(DEMO_JWT_SECRET, "anon"))


def test_keys_must_match_the_secret_and_their_role():
    other = generate()
    with pytest.raises(configuration.ConfigError, match="ORICOL_ANON_KEY is not a valid JWT"):
        load(ORICOL_ANON_KEY=other["anon_key"])
    values = environ()
    swapped = environ(ORICOL_JWT_SECRET=values["ORICOL_JWT_SECRET"], ORICOL_ANON_KEY=values["ORICOL_SERVICE_ROLE_KEY"],
                      ORICOL_SERVICE_ROLE_KEY=values["ORICOL_SERVICE_ROLE_KEY"])
    with pytest.raises(configuration.ConfigError, match="must carry role 'anon'"):
        configuration.load(Path("/nonexistent/.env"), swapped)


def test_env_file_is_read_and_the_environment_wins(tmp_path):
    values = environ()
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\n\n" + "\n".join(f'{k}="{v}"' for k, v in values.items()) + "\nORICOL_PORT=9100\n")
    config = configuration.load(env_file, {"ORICOL_PORT": "9200"})
    assert config.core.port == 9200 and config.core.jwt_secret == values["ORICOL_JWT_SECRET"]
    env_file.write_text("NOT A LINE\n")
    with pytest.raises(configuration.ConfigError, match=r"\.env:1"):
        configuration.load(env_file, {})


def test_masked_hides_secrets_and_url_passwords():
    config = load(ORICOL_DATABASE_URL="postgresql://postgres:hunter2hunter2@db:5432/postgres")
    shown = configuration.masked(config)
    text = repr(shown)
    assert config.core.jwt_secret not in text and "hunter2" not in text
    assert shown["core"]["database_url"] == "postgresql://****@db:5432/postgres"


def test_external_providers_typed_and_their_secrets_masked():
    config = load(ORICOL_AUTH_EXTERNAL_GITHUB_ENABLED="true", ORICOL_AUTH_EXTERNAL_GITHUB_CLIENT_ID="gh-client",
                  ORICOL_AUTH_EXTERNAL_GITHUB_SECRET="gh-secret-value-1234567")
    github = config.auth.external["github"]
    assert github.enabled and github.client_id == "gh-client" and github.url is None
    assert github.redirect_uri == config.auth.external_url + "/callback"
    assert not config.auth.external["google"].enabled
    shown = configuration.masked(config)
    assert "gh-secret-value-1234567" not in repr(shown)
    assert shown["auth"]["external"]["github"]["client_id"] == "gh-client"


@pytest.mark.parametrize("overrides, message", [
    ({"ORICOL_AUTH_EXTERNAL_GITHUB_ENABLED": "true", "ORICOL_AUTH_EXTERNAL_GITHUB_SECRET": "s"},
     "ORICOL_AUTH_EXTERNAL_GITHUB_CLIENT_ID is not set"),
    ({"ORICOL_AUTH_EXTERNAL_OIDC_ENABLED": "true", "ORICOL_AUTH_EXTERNAL_OIDC_CLIENT_ID": "c",
      "ORICOL_AUTH_EXTERNAL_OIDC_SECRET": "s"}, "ORICOL_AUTH_EXTERNAL_OIDC_URL is not set"),
    ({"ORICOL_AUTH_EXTERNAL_AZURE_ENABLED": "true", "ORICOL_AUTH_EXTERNAL_AZURE_CLIENT_ID": "c",
      "ORICOL_AUTH_EXTERNAL_AZURE_SECRET": "s", "ORICOL_AUTH_EXTERNAL_AZURE_URL": "login.microsoftonline.com/x"},
     "ORICOL_AUTH_EXTERNAL_AZURE_URL must be an http"),
    ({"ORICOL_AUTH_EXTERNAL_GOOGLE_ENABLED": "maybe"}, "ORICOL_AUTH_EXTERNAL_GOOGLE_ENABLED must be true or false"),
])
def test_enabled_provider_needs_its_settings(overrides, message):
    with pytest.raises(configuration.ConfigError, match=message):
        load(**overrides)
