"""An inbound mail read into what email-to-ticket needs: who, which thread, the text, the files, and
whether it is an automatic message we must not answer or file (loops, out-of-office, bounces)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from .text import clean_text, html_to_text, trim_reply

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
DAEMONS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply")


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    sender: str                 # lower-cased address
    sender_name: str
    subject: str
    message_id: str | None
    thread_ids: list[str]       # In-Reply-To and References, newest last
    body: str                   # the whole text (new tickets)
    reply: str                  # the text with the quoted history cut (comments)
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str | None = None  # why it is an automatic message, or None


def parse(raw: bytes, envelope_from: str = "") -> InboundMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    name, address = parseaddr(str(message.get("From", "")))
    address = (address or envelope_from or "").strip().lower()
    text = _text_of(message).replace("\r\n", "\n").replace("\r", "\n")  # CRLF on the wire
    return InboundMail(
        sender=address, sender_name=name.strip(), subject=" ".join(str(message.get("Subject", "")).split()),
        message_id=_first_id(message.get("Message-ID")),
        thread_ids=[*MESSAGE_ID.findall(str(message.get("References", ""))),
                    *MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))],
        body=clean_text(text), reply=trim_reply(text), attachments=_attachments(message),
        automatic=_automatic(message, address, envelope_from),
    )


def _first_id(value) -> str | None:
    found = MESSAGE_ID.findall(str(value or ""))
    return found[0] if found else None


def _automatic(message: EmailMessage, address: str, envelope_from: str) -> str | None:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Reply"):
        if message.get(header) is not None:
            return header
    if message.get("List-Id") is not None or message.get("List-Unsubscribe") is not None:
        return "a mailing list"
    local = address.partition("@")[0]
    if any(local.startswith(daemon) for daemon in DAEMONS):
        return f"sent by {local}"
    if envelope_from in ("", "<>") and message.get("Return-Path", "").strip() in ("<>",):
        return "a bounce (null sender)"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return None


def _text_of(message: EmailMessage) -> str:
    """The text/plain body when there is one, else the HTML body reduced to text."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return _content(part)
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return html_to_text(_content(part))
    return ""


def _content(part) -> str:
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset or broken encoding: keep what decodes
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachments(message: EmailMessage) -> list[Attachment]:
    found: list[Attachment] = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)  # bytes for a leaf part, None when it has no body
        data = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or f"attachment-{len(found) + 1}"
        found.append(Attachment(file_name=safe_file_name(name), content_type=part.get_content_type(), data=data))
    return found


def safe_file_name(name: str) -> str:
    """A storage key segment: no folders, no control characters, a bounded length."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    stem, dot, ext = name.rpartition(".")
    if len(name) > 120:
        name = (stem[: 110] + dot + ext[:9]) if dot else name[:120]
    return name or "attachment"


def recipients(raw_to: list[str]) -> list[str]:
    return [address.lower() for _, address in getaddresses(raw_to) if address]
