"""One way to run SQL on either database, so the daily and learning stores are written once.

Statements are written with `?` placeholders and portable SQL (ON CONFLICT, RETURNING); the
PostgreSQL executor numbers the placeholders. The few aggregates that differ (JSON built in the
database) come from the executor's dialect helpers.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Sequence
from typing import Any, Protocol

import aiosqlite

from bot.sqlite_writes import writes

__all__ = ["DuplicateRow", "Sql", "SqliteSql", "numbered"]

Row = Sequence[Any]


class DuplicateRow(Exception):
    """A write hit a unique constraint: the caller decides what that means (a race lost)."""


class Sql(Protocol):
    """What the daily and learning stores need from a database."""

    async def rows(self, sql: str, params: Sequence[Any] = (), write: bool = False) -> list[Row]:
        """Every row of a query; `write` for a statement that writes and returns rows."""
        ...

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a write; the number of rows it changed."""
        ...

    def json_rows(self, columns: str) -> str:
        """An aggregate that makes one JSON array (text) of arrays of `columns`."""
        ...

    def json_object(self, key: str, value: str) -> str:
        """An aggregate that makes one JSON object (text) of `key` to `value`."""
        ...


class SqliteSql:
    """Writes on the writer connection, reads on the reader (WAL: reads never wait on writes)."""

    def __init__(self, db: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.db = db
        self.reader = reader

    async def rows(self, sql: str, params: Sequence[Any] = (), write: bool = False) -> list[Row]:
        if write:
            return await self._write_rows(sql, params)
        return list(await self.reader.execute_fetchall(sql, params))

    @writes
    async def _write_rows(self, sql: str, params: Sequence[Any]) -> list[Row]:
        try:
            return list(await self.db.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as error:
            raise DuplicateRow(str(error)) from error

    @writes
    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.db.execute(sql, params) as cursor:
            return cursor.rowcount

    def json_rows(self, columns: str) -> str:
        return f"json_group_array(json_array({columns}))"

    def json_object(self, key: str, value: str) -> str:
        return f"json_group_object({key}, {value})"


_MARK = re.compile(r"\?")


@functools.lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2, ...` (no statement here has a literal `?`)."""
    count = iter(range(1, 10_000))
    return _MARK.sub(lambda _: f"${next(count)}", sql)
