"""A small SQL lexer for /query/format and /query/parse: enough of PostgreSQL's lexical rules (quotes,
dollar quotes, nested block comments, E'' escapes, operators) to lay statements out and to find where each
statement of a script begins and ends, never to judge SQL (PostgreSQL does that)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<line_comment>--[^\n]*)
  | (?P<block_comment>/\*)
  | (?P<string>[eE]'(?:[^'\\]|\\.|'')*'?|(?:[bBxXnN]|[uU]&)?'(?:[^']|'')*'?)
  | (?P<dollar>\$(?:[A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$)
  | (?P<qident>(?:[uU]&)?"(?:[^"]|"")*"?)
  | (?P<param>\$\d+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_\x80-\uffff][A-Za-z_0-9$\x80-\uffff]*)
  | (?P<cast>::)
  | (?P<punct>[()\[\],;.:])
  | (?P<op>[+\-*/<>=~!@\#%^&|`?]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, qident, number, param, cast, punct, op, line_comment, block_comment, other
    text: str
    start: int  # character index in the script
    glued: bool  # no whitespace or comment between this token and the previous one

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _block_comment_end(script: str, i: int) -> int:
    depth = 0
    while i < len(script):
        if script.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif script.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(script)


def _operator_length(text: str) -> int:
    """PostgreSQL's rule: an operator stops before `--` or `/*`, and a multi-character operator ending in
    + or - must contain one of ~ ! @ # % ^ & | ` ? (so `a=-1` is `=` then `-1`)."""
    for cut in ("--", "/*"):
        at = text.find(cut, 1)
        if at > 0:
            text = text[:at]
    while len(text) > 1 and text[-1] in "+-" and not any(c in text for c in "~!@#%^&|`?"):
        text = text[:-1]
    return len(text)


def tokenize(script: str) -> list[Token]:
    tokens: list[Token] = []
    i, glued = 0, True
    while i < len(script):
        match = _TOKEN.match(script, i)
        kind = (match.lastgroup if match else None) or "other"
        end = match.end() if match else i + 1
        if kind == "space":
            i, glued = end, False
            continue
        if kind == "line_comment":
            end = i + len(script[i:end].rstrip())  # trailing blanks belong to the line, not the comment
        elif kind == "block_comment":
            end = _block_comment_end(script, i)
        elif kind == "dollar" and match:
            close = script.find(match.group(0), end)
            end, kind = (len(script) if close < 0 else close + len(match.group(0))), "string"
        elif kind == "op":
            end = i + _operator_length(script[i:end])
        tokens.append(Token(kind, script[i:end], i, glued and bool(tokens)))
        i, glued = end, kind not in ("line_comment", "block_comment")
    return tokens


def statement_spans(script: str) -> list[tuple[int, int, bool]]:
    """(start, end, ended by a semicolon) of each statement, as PostgreSQL's grammar cuts a script: a
    statement starts right after the previous top-level `;` (whitespace and comments included) and ends
    before its own; parts holding only whitespace and comments are no statement."""
    spans, start, depth, has_code = [], 0, 0, False
    for token in tokenize(script):
        if token.kind == "punct" and token.text == ";" and depth == 0:
            if has_code:
                spans.append((start, token.start, True))
            start, has_code = token.start + 1, False
            continue
        if token.kind in ("line_comment", "block_comment"):
            continue
        has_code = True
        if token.text == "(" and token.kind == "punct":
            depth += 1
        elif token.text == ")" and token.kind == "punct":
            depth = max(0, depth - 1)
    if has_code:
        spans.append((start, len(script), False))
    return spans
