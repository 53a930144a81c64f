"""Laying SQL out readably for /query/format, in the layout postgres-meta's formatter (prettier-plugin-sql over
sql-formatter, PostgreSQL dialect, its defaults) gives the common statements:

    SELECT            each clause keyword on its own line, its content indented two spaces,
      id,             one item per line after a top-level comma,
      name            AND / OR starting a line, joins on their own line inside FROM,
    FROM              parentheses kept on one line when short (at most 50 characters) and
      users           holding no query, else opened as an indented block;
    where             keywords keep the case they were written in; one blank line between
      user_id = 1234  statements; a newline at the end.

Only the layout changes: the tokens, their case and comments come out as they went in. Statements
without clauses of their own (DDL, GRANT, ...) stay on one line unless a parenthesis opens a block.
"""
from __future__ import annotations

from .sqltokens import Token, tokenize

INDENT = "  "
INLINE_WIDTH = 50  # sql-formatter's expressionWidth
CLAUSES = (("SELECT", "DISTINCT", "ON"), ("SELECT", "DISTINCT"), ("SELECT", "ALL"), ("SELECT",), ("FROM",),
           ("WHERE",), ("GROUP", "BY"), ("HAVING",), ("WINDOW",), ("ORDER", "BY"), ("LIMIT",), ("OFFSET",),
           ("FETCH",), ("FOR", "UPDATE"), ("FOR", "SHARE"), ("WITH", "RECURSIVE"), ("WITH",),
           ("INSERT", "INTO"), ("VALUES",), ("UPDATE",), ("SET",), ("DELETE", "FROM"), ("RETURNING",),
           ("ON", "CONFLICT"), ("DO", "UPDATE", "SET"), ("DO", "NOTHING"), ("USING",))
SET_OPERATIONS = (("UNION", "ALL"), ("UNION", "DISTINCT"), ("UNION",), ("INTERSECT", "ALL"), ("INTERSECT",),
                  ("EXCEPT", "ALL"), ("EXCEPT",))
JOINS = tuple(tuple(words.split()) for words in (
    "NATURAL LEFT OUTER JOIN", "NATURAL RIGHT OUTER JOIN", "NATURAL FULL OUTER JOIN", "LEFT OUTER JOIN",
    "RIGHT OUTER JOIN", "FULL OUTER JOIN", "NATURAL LEFT JOIN", "NATURAL RIGHT JOIN", "NATURAL FULL JOIN",
    "NATURAL INNER JOIN", "NATURAL JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "INNER JOIN", "CROSS JOIN",
    "JOIN"))
QUERY_STARTS = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES"}
# Words after which a parenthesis is not a function call's: `IN (`, `AS (`, `VALUES (`.
SPACED_BEFORE_PAREN = {"IN", "AS", "VALUES", "EXISTS", "ON", "USING", "AND", "OR", "NOT", "ANY", "ALL", "SOME",
                       "OVER", "FILTER", "WITHIN", "CONFLICT", "INTO", "TABLE", "SET", "SELECT", "WHERE", "FROM",
                       "RETURNING", "BY", "THEN", "ELSE", "WHEN", "CASE", "IS", "LIKE", "BETWEEN", "DEFAULT"}


def _match(tokens: list[Token], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """How many words of one of `phrases` start at tokens[i] (0 if none)."""
    for phrase in phrases:
        if all(i + k < len(tokens) and tokens[i + k].upper == word for k, word in enumerate(phrase)):
            return len(phrase)
    return 0


def _closing(tokens: list[Token], i: int) -> int:
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].kind == "punct" and tokens[j].text in "([":
            depth += 1
        elif tokens[j].kind == "punct" and tokens[j].text in ")]":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)  # never closed: the rest of the statement is inside


def _space_between(previous: Token | None, token: Token) -> bool:
    if previous is None:
        return False
    if token.kind == "punct" and token.text in ",;.)]:" or token.kind == "cast":
        return False
    if previous.kind == "cast" or previous.kind == "punct" and previous.text in "(.[:":
        return False
    if token.text in ("(", "[") and token.glued:
        return previous.upper in SPACED_BEFORE_PAREN
    if previous.kind == "op" and previous.text in "+-" and token.glued and token.kind in ("number", "word"):
        return False  # a sign kept against its operand (`-1`)
    return True


class Layout:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line = ""
        self.previous: Token | None = None

    def newline(self, depth: int) -> None:
        if self.line.strip():
            self.lines.append(self.line.rstrip())
        self.line, self.previous = INDENT * depth, None

    def write(self, token: Token, depth: int) -> None:
        if self.previous is not None and self.previous.kind == "line_comment":
            self.newline(depth)  # a line comment runs to the end of its line: nothing may follow it there
        if not self.line.strip():
            self.line = INDENT * depth
        elif _space_between(self.previous, token):
            self.line += " "
        self.line += token.text
        self.previous = token

    def finish(self) -> str:
        self.newline(0)
        return "\n".join(self.lines)


def _flat(tokens: list[Token]) -> str:
    layout = Layout()
    for token in tokens:
        layout.write(token, 0)
    return layout.line


class Formatter:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.out = Layout()

    def run(self) -> str:
        self.block(0, len(self.tokens), 0)
        return self.out.finish()

    def block(self, start: int, end: int, depth: int) -> None:
        """Lay out tokens[start:end] whose clauses sit at `depth`."""
        tokens, out = self.tokens, self.out
        query = start < end and tokens[start].upper in QUERY_STARTS
        content = depth  # where a clause's content and a list's items go
        between = False  # after BETWEEN, the next AND is part of it
        i = start
        while i < end:
            token = tokens[i]
            if token.kind == "line_comment":
                out.write(token, content)
                out.newline(content)
                i += 1
                continue
            if not query and token.upper in ("SELECT", "WITH", "VALUES") and (
                    out.previous is not None and out.previous.upper == "AS"):
                query = True  # CREATE VIEW v AS SELECT ...: the query part is laid out as one
                out.newline(depth)
            words = _match(tokens, i, CLAUSES) if query else 0
            operation = _match(tokens, i, SET_OPERATIONS) if query else 0
            join = _match(tokens, i, JOINS) if query else 0
            if words or operation:
                out.newline(depth)
                for k in range(words or operation):
                    out.write(tokens[i + k], depth)
                i += words or operation
                content = depth + 1 if words else depth
                if words:
                    out.newline(content)
                else:
                    out.newline(depth)
                continue
            if join:
                out.newline(content)
                for k in range(join):
                    out.write(tokens[i + k], content)
                i += join
                continue
            if token.upper == "BETWEEN":
                between = True
            elif token.upper in ("AND", "OR") and query and content > depth and not between:
                out.newline(content)
            elif token.upper == "AND":
                between = False
            if token.kind == "punct" and token.text in "([":
                i = self.parenthesis(i, content if query else depth)
                continue
            out.write(token, content)
            if token.kind == "punct" and token.text == "," and (query and content > depth):
                out.newline(content)
            i += 1

    def parenthesis(self, i: int, depth: int) -> int:
        tokens, out = self.tokens, self.out
        close = _closing(tokens, i)
        inner = tokens[i + 1:close]
        out.write(tokens[i], depth)
        holds_query = bool(inner) and inner[0].upper in QUERY_STARTS
        has_comment = any(t.kind == "line_comment" for t in inner)
        if not holds_query and not has_comment and len(_flat(inner)) <= INLINE_WIDTH or tokens[i].text == "[":
            for token in inner:
                out.write(token, depth)
        elif holds_query:
            out.newline(depth + 1)
            self.block(i + 1, close, depth + 1)
            out.newline(depth)
        else:
            out.newline(depth + 1)
            self.items(i + 1, close, depth + 1)
            out.newline(depth)
        if close < len(tokens):
            out.write(tokens[close], depth)
        return close + 1

    def items(self, start: int, end: int, depth: int) -> None:
        """A long list in parentheses (a table's columns, many arguments): one item per line."""
        i = start
        while i < end:
            token = self.tokens[i]
            if token.kind == "punct" and token.text in "([":
                i = self.parenthesis(i, depth)
                continue
            self.out.write(token, depth)
            if token.kind == "line_comment" or token.kind == "punct" and token.text == ",":
                self.out.newline(depth)
            i += 1


def _statements(tokens: list[Token]) -> list[list[Token]]:
    statements, current, depth = [], [], 0
    for token in tokens:
        current.append(token)
        if token.kind == "punct" and token.text in "([":
            depth += 1
        elif token.kind == "punct" and token.text in ")]":
            depth = max(0, depth - 1)
        elif token.kind == "punct" and token.text == ";" and depth == 0:
            statements.append(current)
            current = []
    if current:
        statements.append(current)
    return statements


def format_sql(script: str) -> str:
    parts = []
    for statement in _statements(tokenize(script)):
        body = [t for t in statement if not (t.kind == "punct" and t.text == ";")]
        text = Formatter(body).run() if body else ""
        if statement[-1].text == ";" and statement[-1].kind == "punct":
            # after a line comment the semicolon needs a line of its own, or the comment would swallow it
            text += "\n;" if body and body[-1].kind == "line_comment" else ";"
        parts.append(text)
    return "\n\n".join(part for part in parts if part.strip(";")) + "\n"
