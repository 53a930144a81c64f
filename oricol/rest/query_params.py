"""The PostgREST query-string grammar: select trees, filters, `or`/`and` trees, order, paging.

Parses text into the types of `ast.py`; it knows nothing of the database. Anything malformed is a
`PGRST100` naming what failed to parse, as PostgREST words it.
"""
from __future__ import annotations

import re
from typing import Iterable

from . import errors, limits
from .ast import (
    EmbedNullFilter,
    Field,
    Filter,
    JsonStep,
    Logic,
    Node,
    OrderTerm,
    QueryParams,
    SelectEmbed,
    SelectField,
    SelectItem,
    Star,
)
from .operators import OPERATORS, QUANTIFIABLE

RESERVED = {"select", "order", "limit", "offset", "on_conflict", "columns"}
LOGIC_KEYS = {"and", "or", "not.and", "not.or"}
AGGREGATES = {"count", "sum", "avg", "min", "max"}
# A cast is one type word, or one of the multi-word type names; anything else could smuggle SQL
# keywords into the statement, so it is refused.
CAST = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[\])?$")
MULTI_WORD_TYPES = {"double precision", "character varying", "bit varying", "timestamp with time zone",
                    "timestamp without time zone", "time with time zone", "time without time zone"}
IS_VALUES = {"null": "null", "not_null": "not_null", "true": "true", "false": "false", "unknown": "unknown"}
NAME_STOP = set(",:()!.\"") | {"-"}


def parse(pairs: Iterable[tuple[str, str]], rpc_args: set[str] | None = None) -> QueryParams:
    """Every query parameter of a request; `rpc_args` names the GET arguments of a function."""
    query = QueryParams(select=None, nodes={(): Node()})
    for key, value in pairs:
        _parse_pair(query, key, value, rpc_args)
    for node in query.nodes.values():
        limits.check_count(len(node.conditions), "list of filters")
    return query


def _parse_pair(query: QueryParams, key: str, value: str, rpc_args: set[str] | None) -> None:
    if key == "select":
        query.select = parse_select(value)
    elif key == "on_conflict":
        query.on_conflict = tuple(_split_columns(value, "on_conflict"))
    elif key == "columns":
        query.columns = tuple(_split_columns(value, "columns"))
    elif rpc_args is not None and key in rpc_args:
        query.rpc_args.setdefault(key, []).append(value)
    else:
        path, last = _embed_path(key)
        limits.check_depth(len(path), limits.MAX_EMBED_DEPTH, "embedding")
        node = query.node(path)
        if last == "order":
            node.order = parse_order(value)
        elif last in ("limit", "offset"):
            number = _non_negative(value, last)
            setattr(node, last, number)
        elif last in ("and", "or"):
            node.conditions.append(parse_logic(last, value, negated=False))
        elif last in ("not.and", "not.or"):
            node.conditions.append(parse_logic(last[4:], value, negated=True))
        else:
            _parse_filter_pair(query, key, value)


def _parse_filter_pair(query: QueryParams, key: str, value: str) -> None:
    names, json_path = _split_json(key, key)
    if not names or any(not n for n in names):
        raise errors.parse_error(f'"failed to parse filter ({key})"', "unexpected empty column name")
    path, column = tuple(names[:-1]), names[-1]
    limits.check_depth(len(path), limits.MAX_EMBED_DEPTH, "embedding")
    condition = parse_filter(Field(column, json_path), value)
    if not json_path and condition.op == "is" and condition.value == "null" and not path:
        # `rel=is.null` on an embed is decided by the planner, which knows the embeds.
        query.node(()).conditions.append(MaybeEmbedNull(column, condition))
        return
    query.node(path).conditions.append(condition)


class MaybeEmbedNull:
    """`name=is.null`: a column filter, or an embed filter when `name` is an embed of the select."""

    def __init__(self, name: str, condition: Filter):
        self.name = name
        self.condition = condition

    def resolve(self, embed_names: set[str]):
        if self.name in embed_names:
            return EmbedNullFilter(self.name, self.condition.negated)
        return self.condition


def _embed_path(key: str) -> tuple[tuple[str, ...], str]:
    head = key.split("->", 1)[0]
    parts = head.split(".")
    if parts[-1] in ("order", "limit", "offset", "and", "or") and len(parts) >= 1:
        if len(parts) >= 2 and parts[-2] == "not":
            return tuple(parts[:-2]), "not." + parts[-1]
        return tuple(parts[:-1]), parts[-1]
    return (), key


def _non_negative(value: str, name: str) -> int:
    if not value.isdigit():
        raise errors.parse_error(f'"failed to parse {name} parameter ({value})"',
                                 "unexpected input, expecting a non-negative integer")
    return int(value)


def _split_columns(value: str, name: str) -> list[str]:
    columns = [c.strip().strip('"') for c in value.split(",")]
    if not columns or any(not c for c in columns):
        raise errors.parse_error(f'"failed to parse {name} parameter ({value})"', "unexpected empty column name")
    return columns


# ---------------------------------------------------------------- fields and json paths

def _split_json(text: str, context: str) -> tuple[list[str], tuple[JsonStep, ...]]:
    """`rel.col->a->>b` -> (["rel", "col"], (->a, ->>b))."""
    match = re.search(r"->>?", text)
    head = text if match is None else text[:match.start()]
    steps: list[JsonStep] = []
    rest = "" if match is None else text[match.start():]
    while rest:
        arrow = "->>" if rest.startswith("->>") else "->"
        rest = rest[len(arrow):]
        nxt = re.search(r"->>?", rest)
        key = rest if nxt is None else rest[:nxt.start()]
        if not key:
            raise errors.parse_error(f'"failed to parse json path ({context})"', "unexpected empty json key")
        steps.append(JsonStep(arrow, key))
        limits.check_count(len(steps), "json path")
        rest = "" if nxt is None else rest[nxt.start():]
    return [n.strip() for n in head.split(".")], tuple(steps)


# ---------------------------------------------------------------- filters

def parse_filter(field: Field, value: str) -> Filter:
    negated = False
    if value.startswith("not."):
        negated, value = True, value[4:]
    op_text, dot, operand = value.partition(".")
    if not dot:
        raise errors.parse_error(f'"failed to parse filter ({value})"', "unexpected end of input, expecting operator")
    op, modifier, language = _operator(op_text, value)
    return Filter(field, op, _operand(op, modifier, operand, value), negated, modifier, language)


def _operator(op_text: str, whole: str) -> tuple[str, str | None, str | None]:
    match = re.fullmatch(r"([a-z]+)(?:\(([^()]*)\))?", op_text)
    if match is None or match.group(1) not in OPERATORS:
        raise errors.parse_error(f'"failed to parse filter ({whole})"', f"unknown operator {op_text!r}")
    op, argument = match.group(1), match.group(2)
    if argument is None:
        return op, None, None
    if op in ("fts", "plfts", "phfts", "wfts"):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", argument):
            raise errors.parse_error(f'"failed to parse filter ({whole})"', "invalid text search language")
        return op, None, argument
    if argument in ("any", "all") and op in QUANTIFIABLE:
        return op, argument, None
    raise errors.parse_error(f'"failed to parse filter ({whole})"', f"unexpected modifier {argument!r}")


def _operand(op: str, modifier: str | None, operand: str, whole: str) -> str | tuple[str, ...]:
    if op == "in":
        if not (operand.startswith("(") and operand.endswith(")")):
            raise errors.parse_error(f'"failed to parse filter ({whole})"', "expecting a list in parentheses")
        return tuple(split_list(operand[1:-1], whole))
    if op == "is":
        lowered = operand.lower()
        if lowered not in IS_VALUES:
            raise errors.parse_error(f'"failed to parse filter ({whole})"',
                                     "unexpected value, expecting null, not_null, true, false or unknown")
        return IS_VALUES[lowered]
    if modifier is not None:
        if not (operand.startswith("{") and operand.endswith("}")):
            raise errors.parse_error(f'"failed to parse filter ({whole})"', "expecting a list in braces")
        return tuple(split_list(operand[1:-1], whole))
    return operand


def split_list(text: str, whole: str) -> list[str]:
    """Comma-separated values; double quotes protect commas and parentheses, backslash escapes."""
    if text == "":
        return []
    items, current, quoted, index, was_quoted = [], [], False, 0, False
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            quoted, was_quoted = not quoted, True
        elif char == "," and not quoted:
            items.append("".join(current) if was_quoted else "".join(current).strip())
            current, was_quoted = [], False
        else:
            current.append(char)
        index += 1
    if quoted:
        raise errors.parse_error(f'"failed to parse filter ({whole})"', "unterminated double quote")
    items.append("".join(current) if was_quoted else "".join(current).strip())
    return items


# ---------------------------------------------------------------- logic trees

def parse_logic(op: str, value: str, negated: bool, depth: int = 1) -> Logic:
    limits.check_depth(depth, limits.MAX_LOGIC_DEPTH, "logic tree")
    if not (value.startswith("(") and value.endswith(")")):
        raise errors.parse_error(f'"failed to parse logic tree ({value})"', "expecting \"(\"")
    parts = _split_top(value[1:-1], value)
    limits.check_count(len(parts), "logic tree")
    return Logic(op, tuple(_logic_child(part, value, depth) for part in parts), negated)


def _logic_child(text: str, whole: str, depth: int):
    text = text.strip()
    for prefix, op, negated in (("and(", "and", False), ("or(", "or", False),
                                ("not.and(", "and", True), ("not.or(", "or", True)):
        if text.startswith(prefix):
            return parse_logic(op, text[len(prefix) - 1:], negated, depth + 1)
    column, dot, rest = _column_prefix(text)
    if not dot or not column:
        raise errors.parse_error(f'"failed to parse logic tree ({whole})"', f"unexpected {text!r}")
    names, json_path = _split_json(column, whole)
    if len(names) != 1:
        raise errors.parse_error(f'"failed to parse logic tree ({whole})"', f"unexpected {column!r}")
    filt = parse_filter(Field(names[0], json_path), rest)
    if isinstance(filt.value, str) and len(filt.value) >= 2 and filt.value[0] == '"' == filt.value[-1]:
        filt = Filter(filt.field, filt.op, filt.value[1:-1].replace('\\"', '"'), filt.negated, filt.modifier,
                      filt.language)
    return filt


def _column_prefix(text: str) -> tuple[str, str, str]:
    """The column of `col->a.op.value` (json keys may not contain dots here, as in PostgREST)."""
    column, dot, rest = text.partition(".")
    return column, dot, rest


def _split_top(text: str, whole: str) -> list[str]:
    """Splits on the commas outside parentheses, braces (array and range literals such as
    `tags.cs.{a,b}`) and double quotes."""
    parts, depth, braces, quoted, start, index = [], 0, 0, False, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "{":
            braces += 1
        elif not quoted and char == "}" and braces:
            braces -= 1
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth < 0:
                raise errors.parse_error(f'"failed to parse logic tree ({whole})"', "unbalanced parentheses")
        elif not quoted and depth == 0 and braces == 0 and char == ",":
            parts.append(text[start:index])
            start = index + 1
        index += 1
    if depth != 0 or quoted:
        raise errors.parse_error(f'"failed to parse logic tree ({whole})"', "unbalanced parentheses or quotes")
    parts.append(text[start:])
    if any(not p.strip() for p in parts):
        raise errors.parse_error(f'"failed to parse logic tree ({whole})"', "unexpected empty condition")
    return parts


# ---------------------------------------------------------------- order

def parse_order(value: str) -> tuple[OrderTerm, ...]:
    terms = []
    parts = _split_top(value, value) if value else []
    limits.check_count(len(parts), "order list")
    for part in parts:
        terms.append(_order_term(part.strip(), value))
    return tuple(terms)


def _order_term(text: str, whole: str) -> OrderTerm:
    relation = None
    match = re.fullmatch(r"([^()]+)\(([^()]+)\)(.*)", text)
    if match:
        relation, text = match.group(1).strip(), match.group(2) + match.group(3)
    pieces = text.split(".")
    column, modifiers = pieces[0], pieces[1:]
    direction = nulls = None
    for modifier in modifiers:
        if modifier in ("asc", "desc") and direction is None and nulls is None:
            direction = modifier
        elif modifier in ("nullsfirst", "nullslast") and nulls is None:
            nulls = modifier[5:]
        else:
            raise errors.parse_error(f'"failed to parse order ({whole})"',
                                     f"unexpected {modifier!r} expecting \"asc\", \"desc\", \"nullsfirst\" or \"nullslast\"")
    names, json_path = _split_json(column, whole)
    if len(names) != 1 or not names[0]:
        raise errors.parse_error(f'"failed to parse order ({whole})"', "unexpected column")
    return OrderTerm(Field(names[0], json_path), relation, direction, nulls)


# ---------------------------------------------------------------- select

def parse_select(value: str) -> tuple[SelectItem, ...]:
    parser = _SelectParser(value)
    items = parser.items()
    if parser.pos != len(value):
        parser.fail(f"unexpected {value[parser.pos]!r}")
    return items


class _SelectParser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.depth = 0  # of embedded resources, bounded before recursing

    def fail(self, details: str):
        raise errors.parse_error(f'"failed to parse select parameter ({self.text})"', details)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\n":
            self.pos += 1

    def items(self) -> tuple[SelectItem, ...]:
        items: list[SelectItem] = []
        self.skip_space()
        if self.pos == len(self.text) or self.peek(")"):
            return ()
        while True:
            items.append(self.item())
            limits.check_count(len(items), "select list")
            self.skip_space()
            if self.peek(","):
                self.pos += 1
                continue
            return tuple(items)

    def name(self) -> str:
        self.skip_space()
        if self.peek('"'):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                self.fail("unterminated double quote")
            name = self.text[self.pos + 1:end]
            self.pos = end + 1
            return name
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in NAME_STOP and not (char == "-" and not self.peek("->")):
                break
            self.pos += 1
        name = self.text[start:self.pos].strip()
        if not name:
            self.fail("unexpected " + (repr(self.text[self.pos]) if self.pos < len(self.text) else "end of input")
                      + " expecting field name (* or [a..z0..9_$])")
        return name

    def item(self) -> SelectItem:
        self.skip_space()
        spread = self.peek("...")
        if spread:
            self.pos += 3
        if self.peek("*"):
            self.pos += 1
            return Star()
        first = self.name()
        alias = None
        if self.peek(":") and not self.peek("::"):
            self.pos += 1
            alias, first = first, self.name()
        if first == "count" and self.peek("()"):
            self.pos += 2
            return SelectField(None, alias, None, "count", self.cast())
        if self.peek("!") or self.peek("("):
            return self.embed(first, alias, spread)
        if spread:
            self.fail("spread needs an embedded resource")
        return self.field(first, alias)

    def embed(self, name: str, alias: str | None, spread: bool) -> SelectEmbed:
        hint = join = None
        while self.peek("!"):
            self.pos += 1
            word = self.name()
            if word in ("inner", "left"):
                join = word
            else:
                hint = word
        if not self.peek("("):
            self.fail("expecting \"(\" after an embedded resource")
        self.pos += 1
        self.depth += 1
        limits.check_depth(self.depth, limits.MAX_EMBED_DEPTH, "embedding")
        items = self.items()
        self.depth -= 1
        self.skip_space()
        if not self.peek(")"):
            self.fail("expecting \")\"")
        self.pos += 1
        return SelectEmbed(name, alias, hint, join, spread, items)

    def field(self, name: str, alias: str | None) -> SelectField:
        steps: list[JsonStep] = []
        while self.peek("->"):
            arrow = "->>" if self.peek("->>") else "->"
            self.pos += len(arrow)
            key = self.name()
            if not key:
                # `col->>""` would name its output after an empty key: PostgREST refuses it.
                self.fail("unexpected empty json key")
            steps.append(JsonStep(arrow, key))
            limits.check_count(len(steps), "json path")
        cast = self.cast()
        aggregate = None
        if self.peek("."):
            self.pos += 1
            aggregate = self.name()
            if aggregate not in AGGREGATES or not self.peek("()"):
                self.fail(f"unexpected {aggregate!r} expecting an aggregate function")
            self.pos += 2
        return SelectField(Field(name, tuple(steps)), alias, cast, aggregate, self.cast() if aggregate else None)

    def cast(self) -> str | None:
        if not self.peek("::"):
            return None
        self.pos += 2
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",().:":
            self.pos += 1
        cast = " ".join(self.text[start:self.pos].split())
        base = cast[:-2] if cast.endswith("[]") else cast
        if not (CAST.match(cast) or base.lower() in MULTI_WORD_TYPES):
            self.fail(f"invalid cast {cast!r}")
        return cast
