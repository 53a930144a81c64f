"""Reading caught mail with the stdlib `email` package: a summary for lists, bodies and attachments
for the message view.

Caught mail is whatever a client sent, so every step here tolerates malformed input: a header the
modern parser chokes on falls back to its raw text, an unknown charset to UTF-8 with replacement.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Iterator


def parse(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


@dataclass(frozen=True)
class Summary:
    sender: str
    to: list[str]
    subject: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Detail:
    text: str
    html: str
    header: dict[str, list[str]]
    attachments: list[Attachment]


def summarize(raw: bytes, mail_from: str, rcpt_tos: list[str]) -> Summary:
    """From, To (the header's, else the envelope's) and Subject, as Inbucket lists them."""
    message = parse(raw)
    senders = addresses(message, "From")
    recipients = addresses(message, "To")
    return Summary(
        sender=senders[0] if senders else (f"<{mail_from}>" if mail_from else ""),
        to=recipients or [f"<{address}>" for address in rcpt_tos],
        subject=header_text(message, "Subject"),
    )


def detail(raw: bytes) -> Detail:
    message = parse(raw)
    text_part = _body_part(message, "plain")
    html_part = _body_part(message, "html")
    # Line ends as stored (CRLF on the wire) are normalised: readers and regexes expect "\n".
    text = _lines(part_text(text_part)) if text_part is not None else ""
    html = _lines(part_text(html_part)) if html_part is not None else ""
    if not text and html:
        text = html_to_text(html)
    bodies = {id(text_part), id(html_part)}
    return Detail(text=text, html=html, header=header_map(message),
                  attachments=list(_attachments(message, bodies)))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def attachment_at(raw: bytes, index: int) -> Attachment | None:
    found = detail(raw).attachments
    return found[index] if 0 <= index < len(found) else None


# --- headers ---------------------------------------------------------------------------------

def header_text(message: EmailMessage, name: str) -> str:
    """The decoded value of a header, or "" when absent; never raises on a malformed one."""
    try:
        value = message.get(name)
        return "" if value is None else " ".join(str(value).split())
    except Exception:  # the structured parser failed on this header: decode the raw text instead
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                return decode_raw(raw)
        return ""


def decode_raw(raw: str) -> str:
    unfolded = " ".join(str(raw).split())
    try:
        return str(make_header(decode_header(unfolded)))
    except Exception:  # a broken encoded word: show it as sent
        return unfolded


def addresses(message: EmailMessage, name: str) -> list[str]:
    """`Name <addr>` strings, Inbucket's rendering of an address list header."""
    try:
        value = message.get(name)
        if value is None:
            return []
        found = [_render(a.display_name, a.addr_spec) for group in value.groups for a in group.addresses]
        return found or ([str(value)] if str(value).strip() else [])
    except Exception:
        text = header_text(message, name)
        return [text] if text else []


def _render(name: str, address: str) -> str:
    return f"{name} <{address}>" if name else f"<{address}>"


def header_map(message: EmailMessage) -> dict[str, list[str]]:
    """Every header, keyed as Go's net/textproto canonicalises names (Inbucket's JSON does)."""
    header: dict[str, list[str]] = {}
    for key, raw in message.raw_items():
        header.setdefault(canonical_key(key), []).append(decode_raw(raw))
    return header


def canonical_key(key: str) -> str:
    return "-".join(word[:1].upper() + word[1:].lower() for word in key.strip().split("-"))


# --- bodies ----------------------------------------------------------------------------------

def _body_part(message: EmailMessage, subtype: str) -> EmailMessage | None:
    try:
        part = message.get_body(preferencelist=(subtype,))
    except Exception:
        return None
    return part if isinstance(part, EmailMessage) else None


def part_text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except Exception:  # unknown charset or broken transfer encoding: decode leniently below
        pass
    payload = part_bytes(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def part_bytes(part: EmailMessage) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""


def _attachments(message: EmailMessage, bodies: set[int]) -> Iterator[Attachment]:
    for part in message.walk():
        if part.is_multipart() or id(part) in bodies:
            continue
        filename = _filename(part)
        if filename or part.is_attachment() or part.get_content_maintype() != "text":
            yield Attachment(filename=filename or "unnamed", content_type=part.get_content_type(),
                             content=part_bytes(part))


def _filename(part: EmailMessage) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return ""


class _TextExtractor(HTMLParser):
    """Plain text from HTML for mails that only have an HTML part; links keep their target."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient; this only guards against the unexpected
        return ""
    lines = [" ".join(line.split()) for line in "".join(extractor.out).splitlines()]
    return "\n".join(line for line in lines if line)
