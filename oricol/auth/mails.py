"""The mails auth sends: GoTrue-style templates (`{{ .ConfirmationURL }}`, `{{ .Token }}`, …).

Templates come from files when configured (ORICOL_AUTH_MAIL_TEMPLATES_DIR), else the defaults here.
Values are HTML-escaped before they are put in; unknown placeholders become empty.
"""
from __future__ import annotations

import html
import logging
import re
from typing import Any
from urllib.parse import urlencode

from oricol.errors import ApiError
from oricol.mailer import OutgoingMail

from . import errors

DEFAULTS = {
    "confirmation": "<h2>Confirm your signup</h2>\n<p>Follow this link to confirm your user:</p>\n"
                    "<p><a href=\"{{ .ConfirmationURL }}\">Confirm your mail</a></p>\n"
                    "<p>Or enter this code: {{ .Token }}</p>",
    "invite": "<h2>You have been invited</h2>\n<p>You have been invited to create a user on {{ .SiteURL }}. "
              "Follow this link to accept the invite:</p>\n"
              "<p><a href=\"{{ .ConfirmationURL }}\">Accept the invite</a></p>\n"
              "<p>Or enter this code: {{ .Token }}</p>",
    "magic_link": "<h2>Magic Link</h2>\n<p>Follow this link to login:</p>\n"
                  "<p><a href=\"{{ .ConfirmationURL }}\">Log In</a></p>\n"
                  "<p>Or enter this code: {{ .Token }}</p>",
    "recovery": "<h2>Reset Password</h2>\n<p>Follow this link to reset the password for your user:</p>\n"
                "<p><a href=\"{{ .ConfirmationURL }}\">Reset Password</a></p>\n"
                "<p>Or enter this code: {{ .Token }}</p>",
    "email_change": "<h2>Confirm Change of Email</h2>\n<p>Follow this link to confirm the update of your email "
                    "from {{ .Email }} to {{ .NewEmail }}:</p>\n"
                    "<p><a href=\"{{ .ConfirmationURL }}\">Change Email</a></p>\n"
                    "<p>Or enter this code: {{ .Token }}</p>",
    "reauthentication": "<h2>Confirm reauthentication</h2>\n<p>Enter the code: {{ .Token }}</p>",
}
PLACEHOLDER = re.compile(r"\{\{\s*\.([A-Za-z]+)(?:\.([A-Za-z0-9_]+))?\s*\}\}")
TEXT_TAGS = re.compile(r"<[^>]+>")
LINK = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1[^>]*>(.*?)</a\s*>""", re.IGNORECASE | re.DOTALL)
log = logging.getLogger("oricol.auth.mail")


def render(template: str, values: dict[str, Any]) -> str:
    def substitute(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if match.group(2) is not None:
            value = value.get(match.group(2)) if isinstance(value, dict) else None
        return "" if value is None else html.escape(str(value), quote=True)
    return PLACEHOLDER.sub(substitute, template)


def text_part(body: str) -> str:
    """The plain-text alternative of an HTML mail: tags dropped, but every link kept as `label: url`, so a
    reader without HTML (or a script reading the text part) still has the confirmation link."""
    with_links = LINK.sub(lambda m: f"{TEXT_TAGS.sub('', m.group(3)).strip()}: {m.group(2)}", body)
    return html.unescape(TEXT_TAGS.sub("", with_links))


def confirmation_url(external_url: str, token: str, verify_type: str, redirect_to: str) -> str:
    return f"{external_url}/verify?" + urlencode({"token": token, "type": verify_type, "redirect_to": redirect_to})


async def send(state: Any, kind: str, to: str, values: dict[str, Any]) -> None:
    """Renders `kind` for `to` and hands it to the mailer; a relay failure is GoTrue's 500."""

    await state.limiter.hit("email")
    subject, custom = state.config.templates.get(kind, (kind, None))
    values = {"SiteURL": state.config.site_url, "Email": to, **values}
    body = render(custom or DEFAULTS[kind], values)
    text = text_part(body)
    try:
        await state.mailer.send(OutgoingMail(to=to, subject=render(subject, values), html=body, text=text))
    except ApiError:
        raise
    except Exception as err:  # the relay refused or is down: say so, without leaking its reply
        # The operator needs the cause (refused STARTTLS, wrong port, authentication); the client does not.
        log.warning("mail delivery failed", extra={"kind": kind, "error": f"{type(err).__name__}: {err}"})
        raise errors.error(500, errors.UNEXPECTED_FAILURE, f"Error sending {kind.replace('_', ' ')} email") from err
