"""Splits a SQL script into statements, knowing quotes, dollar quotes and comments.

Migrations run one statement at a time so that a failure can be reported with the line it is on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of the statement's first character in the script
    offset: int = 0  # 0-based character index of that first character (to place error positions)


def split(script: str) -> list[Statement]:
    statements: list[Statement] = []
    start = 0
    i = 0
    n = len(script)
    depth = 0  # parentheses, so that `create rule ... (a; b)` stays whole
    while i < n:
        ch = script[i]
        if ch == "-" and script.startswith("--", i):
            end = script.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and script.startswith("/*", i):
            i = _skip_block_comment(script, i)
            continue
        if ch in ("'", '"'):
            i = _skip_quoted(script, i, ch)
            continue
        if ch == "$":
            match = _DOLLAR_TAG.match(script, i)
            if match and not (i > 0 and (script[i - 1].isalnum() or script[i - 1] == "_")):
                tag = match.group(0)
                end = script.find(tag, match.end())
                i = n if end < 0 else end + len(tag)
                continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            _append(statements, script, start, i)
            start = i + 1
        i += 1
    _append(statements, script, start, n)
    return statements


def _append(statements: list[Statement], script: str, start: int, end: int) -> None:
    chunk = script[start:end]
    stripped = _strip_comments_only(chunk)
    if not stripped:
        return
    offset = _skip_leading_comments(script, start, end)
    statements.append(Statement(text=script[offset:end], line=script.count("\n", 0, offset) + 1, offset=offset))


def _skip_leading_comments(script: str, i: int, end: int) -> int:
    while i < end:
        if script[i].isspace():
            i += 1
        elif script.startswith("--", i):
            newline = script.find("\n", i)
            i = end if newline < 0 or newline > end else newline + 1
        elif script.startswith("/*", i):
            i = min(_skip_block_comment(script, i), end)
        else:
            break
    return i


def _strip_comments_only(chunk: str) -> str:
    without = re.sub(r"--[^\n]*", "", chunk)
    without = re.sub(r"/\*.*?\*/", "", without, flags=re.S)
    return without.strip()


def _skip_block_comment(script: str, i: int) -> int:
    depth = 0
    n = len(script)
    while i < n:
        if script.startswith("/*", i):
            depth += 1
            i += 2
        elif script.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _skip_quoted(script: str, i: int, quote: str) -> int:
    n = len(script)
    # E'' strings allow backslash escapes.
    escapes = quote == "'" and i > 0 and script[i - 1] in "eE" and (i < 2 or not script[i - 2].isalnum())
    i += 1
    while i < n:
        ch = script[i]
        if escapes and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and script[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def line_of(statement: Statement, position: int | None) -> int:
    """The script line of a 1-based character `position` inside `statement` (PostgreSQL's error position)."""
    if not position:
        return statement.line
    return statement.line + statement.text.count("\n", 0, max(0, position - 1))
