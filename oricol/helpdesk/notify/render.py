"""Templates of notification mails: files shipped in the package, overridden by an operator's folder.

A template is `<name>.txt` (first line `Subject: ...`, a blank line, the text body) and optionally
`<name>.html` (the HTML body; without one, the HTML part is the text, escaped). Placeholders are `{{key}}`,
filled from the outbox row's payload plus `link`; in HTML every value is escaped, so a ticket title can never
inject markup. The text part always carries the ticket's link, even when an operator's template forgets it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class TemplateMissing(LookupError):
    """No template file of that name, neither the operator's nor ours."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _read(name: str, suffix: str, override: Path | None) -> str | None:
    if not NAME.match(name):
        raise TemplateMissing(f"bad template name {name!r}")
    if override is not None:
        path = override / f"{name}{suffix}"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    packaged = resources.files("oricol.helpdesk.notify.templates") / f"{name}{suffix}"
    return packaged.read_text(encoding="utf-8") if packaged.is_file() else None


def _fill(template: str, values: Mapping[str, str], escape: bool) -> str:
    def one(match: re.Match) -> str:
        value = values.get(match.group(1), "")
        return html.escape(value) if escape else value
    return PLACEHOLDER.sub(one, template)


def _split_subject(text: str) -> tuple[str | None, str]:
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first[len("subject:"):].strip(), rest.lstrip("\n")
    return None, text


def _values(payload: Mapping[str, Any], link: str) -> dict[str, str]:
    values = {key: "" if value is None else str(value) for key, value in payload.items()}
    values["link"] = link
    return values


def _single_line(text: str) -> str:
    """A subject is one header line: no CR/LF from a ticket title may start a new header."""
    return " ".join(text.split())[:250]


def render(name: str, payload: Mapping[str, Any], *, link: str, fallback_subject: str,
           override: Path | None = None) -> Rendered:
    text_template = _read(name, ".txt", override)
    if text_template is None:
        raise TemplateMissing(f"no template {name}.txt")
    values = _values(payload, link)
    subject_template, body_template = _split_subject(text_template)
    subject = _single_line(_fill(subject_template, values, False) if subject_template else fallback_subject)
    number = values.get("number", "")
    if number and number not in subject:  # replies are matched by the number in the subject
        subject = f"[{number}] {subject}"
    text = _fill(body_template, values, False).rstrip() + "\n"
    if link not in text:
        text += f"\n{link}\n"
    overridden = override is not None and (override / f"{name}.txt").is_file()
    # An operator's text with our HTML would say two different things: their text alone, then.
    html_template = _read(name, ".html", override)
    if override is not None and overridden and not (override / f"{name}.html").is_file():
        html_template = None
    if html_template is not None:
        body_html = _fill(html_template, values, True)
    else:
        body_html = f'<pre style="white-space: pre-wrap">{html.escape(text)}</pre>'
    return Rendered(subject=subject, text=text, html=_page(body_html))


def _page(body: str) -> str:
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"></head>"
            "<body style=\"font-family: sans-serif; line-height: 1.4\">\n" + body.strip() + "\n</body></html>\n")
