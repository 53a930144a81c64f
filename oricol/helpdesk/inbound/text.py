"""Mail bodies as plain text: HTML reduced to its visible text, and the quoted history of a reply cut.

HTML is never rendered or trusted: the standard library's tokenizer reads it, script/style/head content
is dropped, block elements become line breaks, and the result is plain text (the web app escapes it).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
          "blockquote", "pre", "hr", "section", "article", "header", "footer"}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1  # quoted history in HTML replies: marked so trimming can cut it
            self.parts.append("\n\x00QUOTE\n")
        elif tag in BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n")
        elif tag in BLOCKS and tag != "li":  # an item's end is the next item's start
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n\f\v]+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where the quoted history of a reply begins, as the common mail programs write it.
QUOTE_HEADERS = [
    re.compile(r"^on\b.{0,300}\bwrote:\s*$", re.IGNORECASE),             # Gmail, Apple Mail, Thunderbird
    re.compile(r"^le\b.{0,300}\ba écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^am\b.{0,300}\bschrieb\b.{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*original message\s*-{2,}\s*$", re.IGNORECASE),   # Outlook
    re.compile(r"^_{10,}\s*$"),                                             # Outlook on the web
    re.compile(r"^from:\s.+$", re.IGNORECASE),                              # a forwarded/quoted header block
    re.compile(r"^\x00QUOTE$"),                                             # an HTML <blockquote>
]
REPLY_MARKER = "##- reply above this line -##"


def trim_reply(text: str) -> str:
    """The new text of a reply: everything before our marker, a quote header, or the first quoted line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if REPLY_MARKER in stripped.lower() or any(rule.match(stripped) for rule in QUOTE_HEADERS):
            break
        if stripped.startswith(">") and _rest_is_quoted(lines[index:]):
            break
        kept.append(line)
    result = "\n".join(kept).strip()
    result = re.sub(r"\n-- ?\n[\s\S]*$", "", "\n" + result + "\n").strip()  # the signature after "-- "
    return result.replace("\x00QUOTE", "").strip()


def _rest_is_quoted(lines: list[str]) -> bool:
    """A quoted block at the end (top posting): only quotes and blank lines follow."""
    return all(not line.strip() or line.strip().startswith(">") for line in lines)


def clean_text(text: str) -> str:
    return text.replace("\x00QUOTE", "").replace("\x00", "").strip()
