"""Decoding the messages of PostgreSQL's built-in `pgoutput` logical decoding plugin (protocol 1).

Why pgoutput: it ships with PostgreSQL, so no extension is needed (wal2json is not installed on the
clusters we target), and it honours the publication's table list and REPLICA IDENTITY. asyncpg cannot
speak the streaming replication protocol, so the slot is read with
`pg_logical_slot_peek_binary_changes`, which returns the same messages as bytea rows.

Message layouts are those of the PostgreSQL documentation, "Logical Replication Message Formats".
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator

PG_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass
class Column:
    name: str
    type_oid: int
    is_key: bool


@dataclass
class Relation:
    oid: int
    schema: str
    table: str
    replica_identity: str
    columns: list[Column]


@dataclass
class Begin:
    final_lsn: int
    commit_time: datetime
    xid: int


@dataclass
class Commit:
    commit_lsn: int
    end_lsn: int
    commit_time: datetime


@dataclass
class RowChange:
    kind: str  # INSERT, UPDATE, DELETE
    relation_oid: int
    new: list[str | None | object] | None = None
    old: list[str | None | object] | None = None
    old_is_key_only: bool = False


@dataclass
class Other:
    tag: str
    data: bytes = field(repr=False, default=b"")


UNCHANGED_TOAST = object()  # a TOASTed value the update did not touch; not sent by PostgreSQL


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def byte(self) -> str:
        value = self.data[self.pos:self.pos + 1].decode("latin-1")
        self.pos += 1
        return value

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def int8(self) -> int:
        return self.unpack("!b")[0]

    def int16(self) -> int:
        return self.unpack("!h")[0]

    def int32(self) -> int:
        return self.unpack("!i")[0]

    def uint32(self) -> int:
        return self.unpack("!I")[0]

    def int64(self) -> int:
        return self.unpack("!q")[0]

    def string(self) -> str:
        end = self.data.index(b"\x00", self.pos)
        value = self.data[self.pos:end].decode("utf-8")
        self.pos = end + 1
        return value

    def timestamp(self) -> datetime:
        return PG_EPOCH + timedelta(microseconds=self.int64())

    def tuple_data(self) -> list[str | None | object]:
        values: list[str | None | object] = []
        for _ in range(self.int16()):
            kind = self.byte()
            if kind == "n":
                values.append(None)
            elif kind == "u":
                values.append(UNCHANGED_TOAST)
            elif kind in ("t", "b"):
                length = self.int32()
                raw = self.data[self.pos:self.pos + length]
                self.pos += length
                values.append(raw.decode("utf-8"))
            else:
                raise ValueError(f"unknown tuple value kind {kind!r}")
        return values


def decode(data: bytes) -> Begin | Commit | Relation | RowChange | Other:
    reader = _Reader(bytes(data))
    tag = reader.byte()
    if tag == "B":
        final_lsn = reader.int64()
        return Begin(final_lsn, reader.timestamp(), reader.uint32())
    if tag == "C":
        reader.int8()  # flags, unused
        commit_lsn, end_lsn = reader.int64(), reader.int64()
        return Commit(commit_lsn, end_lsn, reader.timestamp())
    if tag == "R":
        return _relation(reader)
    if tag == "I":
        oid = reader.uint32()
        reader.byte()  # 'N'
        return RowChange("INSERT", oid, new=reader.tuple_data())
    if tag == "U":
        return _update(reader)
    if tag == "D":
        oid = reader.uint32()
        marker = reader.byte()
        return RowChange("DELETE", oid, old=reader.tuple_data(), old_is_key_only=marker == "K")
    return Other(tag, bytes(data))


def _relation(reader: _Reader) -> Relation:
    oid = reader.uint32()
    schema, table = reader.string(), reader.string()
    identity = chr(reader.int8())
    columns = []
    for _ in range(reader.int16()):
        flags = reader.int8()
        name = reader.string()
        type_oid = reader.uint32()
        reader.int32()  # type modifier
        columns.append(Column(name, type_oid, bool(flags & 1)))
    return Relation(oid, schema or "pg_catalog", table, identity, columns)


def _update(reader: _Reader) -> RowChange:
    oid = reader.uint32()
    marker = reader.byte()
    old = None
    key_only = False
    if marker in ("K", "O"):
        key_only = marker == "K"
        old = reader.tuple_data()
        marker = reader.byte()
    return RowChange("UPDATE", oid, new=reader.tuple_data(), old=old, old_is_key_only=key_only)


def lsn_text(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


def iter_decoded(rows: list[bytes]) -> Iterator[Begin | Commit | Relation | RowChange | Other]:
    for data in rows:
        yield decode(data)
