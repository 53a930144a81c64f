"""Bounds on what one REST request may ask for, checked while parsing, before any planning or SQL.

PostgREST itself has none of these; behind Supabase's Kong they are the proxy's URL limits. Without
them one anonymous request of a few tens of kilobytes (an 18,000-item select list, a logic tree 400
levels deep) costs seconds of event-loop time or a RecursionError. Each limit is far above what a
real client sends (supabase-js builds one list per `.select()` / `.order()` / `.or()` call).
"""
from __future__ import annotations

from . import errors

MAX_QUERY_BYTES = 32 * 1024  # the query string; about 900 uuids in one `in.(...)` list
MAX_ITEMS = 1000  # per select level, order list, logic-tree level, filters on one resource, json path
MAX_LOGIC_DEPTH = 32  # nested and(...)/or(...) groups
MAX_EMBED_DEPTH = 16  # nested embedded resources, in `select` and in `a.b.c.limit=` keys


def too_large(what: str, limit: int) -> errors.ApiError:
    """A PGRST100 like any other malformed query, naming the limit so a client knows what to change."""
    return errors.parse_error(f"The request's {what} is too large", f"at most {limit} allowed")


def check_count(count: int, what: str) -> None:
    if count > MAX_ITEMS:
        raise too_large(what, MAX_ITEMS)


def check_depth(depth: int, limit: int, what: str) -> None:
    if depth > limit:
        raise errors.parse_error(f"The request's {what} is nested too deeply", f"at most {limit} levels allowed")
