"""Request bodies of writes and RPC calls: JSON, CSV and form data, checked for shape and columns.

The JSON text itself is handed to PostgreSQL unchanged; Python only learns the keys it needs to
build the column list.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import parse_qsl

import orjson

from . import errors
from .request import CSV, ApiRequest
from .schema_cache import Table

FORM = "application/x-www-form-urlencoded"
JSON_TYPES = ("application/json", "application/vnd.pgrst.object+json", "application/vnd.pgrst.object",
              "text/plain", "")


@dataclass
class Payload:
    text: str
    rows: list[dict]
    is_array: bool
    value: object = None


def parse(req: ApiRequest, *, allow_empty: bool = False) -> Payload:
    if req.content_type == CSV:
        return _csv(req.body)
    if req.content_type == FORM:
        row = dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        return Payload(orjson.dumps(row).decode(), [row], False, row)
    if req.content_type not in JSON_TYPES and not req.content_type.endswith("+json"):
        raise errors.error(415, errors.MEDIA_TYPE, f"None of these media types are available: {req.content_type}")
    if allow_empty and not req.body.strip():
        return Payload("{}", [{}], False, {})
    try:
        value = orjson.loads(req.body)
        text = req.body.decode("utf-8")
    except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise errors.invalid_body(str(exc).split(":")[0]) from None
    if isinstance(value, dict):
        return Payload(text, [value], False, value)
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return Payload(text, value, True, value)
    if allow_empty:
        return Payload(text, [], False, value)
    raise errors.invalid_body("The body must be a JSON object or an array of objects")


def _csv(body: bytes) -> Payload:
    try:
        reader = csv.reader(io.StringIO(body.decode("utf-8")))
        header = next(reader)
    except (UnicodeDecodeError, StopIteration, csv.Error):
        raise errors.invalid_body("Invalid CSV") from None
    rows = []
    for record in reader:
        if len(record) != len(header):
            raise errors.invalid_body("All lines of the CSV must have as many fields as the header")
        rows.append({k: (None if v == "NULL" else v) for k, v in zip(header, record)})
    return Payload(orjson.dumps(rows).decode(), rows, True, rows)


def columns_of(body: Payload, table: Table, wanted: tuple[str, ...] | None) -> list[str]:
    """The columns a write sets: `columns=`, else the keys of the objects (which must all match)."""
    if wanted is not None:
        columns = list(wanted)
    else:
        first = list(body.rows[0].keys()) if body.rows else []
        keys = set(first)
        for row in body.rows[1:]:
            if set(row.keys()) != keys:
                raise errors.invalid_body("All object keys must match")
        columns = first
    for column in columns:
        if column not in table.columns:
            raise errors.error(400, errors.NO_COLUMN, f"Could not find the '{column}' column of '{table.name}' in the "
                                                "schema cache")
    return columns
