"""The helpdesk mail settings: defaults, the relay shared with auth, and bad values named."""
from __future__ import annotations

from pathlib import Path

import pytest

from oricol.config import ConfigError
from oricol.helpdesk.notify.transport import relay_of
from tests.support.stack import config_for

DB = "postgresql://nobody@127.0.0.1:1/none"
PASSWORD = "a-long-enough-password"


def load(tmp_path: Path, **env):
    return config_for(DB, PASSWORD, tmp_path, **env)


def test_defaults(tmp_path):
    config = load(tmp_path, ORICOL_PUBLIC_URL="https://oricol.example.com")
    mail = config.helpdesk_mail
    assert mail.inbound_port == 0 and mail.notify_enabled and mail.unknown_senders == "create"
    assert mail.link_base == "https://oricol.example.com"  # the web app is served by the gateway
    assert mail.sender == "Oricol Helpdesk <support@oricol.local>"
    relay = relay_of(config)
    assert (relay.host, relay.port, relay.tls) == ("127.0.0.1", config.mail.smtp_port, "none")  # the catcher


def test_site_url_and_relay(tmp_path):
    config = load(tmp_path, ORICOL_SITE_URL="https://help.example.com/", ORICOL_SMTP_HOST="smtp.example.com",
                  ORICOL_SMTP_PORT="465", ORICOL_SMTP_TLS="ssl", ORICOL_SMTP_USER="u", ORICOL_SMTP_PASS="p",
                  ORICOL_HELPDESK_SUPPORT_ADDRESS="Help@Example.com")
    assert config.helpdesk_mail.link_base == "https://help.example.com"
    assert config.helpdesk_mail.support_address == "help@example.com"
    relay = relay_of(config)
    assert (relay.host, relay.port, relay.tls, relay.username, relay.password) == ("smtp.example.com", 465, "ssl", "u", "p")


@pytest.mark.parametrize("env, variable", [
    ({"ORICOL_HELPDESK_SUPPORT_ADDRESS": "Support <s@example.com>"}, "ORICOL_HELPDESK_SUPPORT_ADDRESS"),
    ({"ORICOL_HELPDESK_SUPPORT_ADDRESS": "nobody"}, "ORICOL_HELPDESK_SUPPORT_ADDRESS"),
    ({"ORICOL_HELPDESK_TEMPLATES_DIR": "/nonexistent/templates"}, "ORICOL_HELPDESK_TEMPLATES_DIR"),
    ({"ORICOL_HELPDESK_UNKNOWN_SENDERS": "maybe"}, "ORICOL_HELPDESK_UNKNOWN_SENDERS"),
    ({"ORICOL_HELPDESK_INBOUND_PORT": "70000"}, "ORICOL_HELPDESK_INBOUND_PORT"),
    ({"ORICOL_HELPDESK_INBOUND_PORT": "8000", "ORICOL_PORT": "8000"}, "ORICOL_HELPDESK_INBOUND_PORT"),
    ({"ORICOL_HELPDESK_NOTIFY_MAX_ATTEMPTS": "0"}, "ORICOL_HELPDESK_NOTIFY_MAX_ATTEMPTS"),
])
def test_bad_values_name_their_variable(tmp_path, env, variable):
    with pytest.raises(ConfigError, match=variable):
        load(tmp_path, **env)
