"""`studybot db copy`: a whole database from SQLite to PostgreSQL, or back, checked after.

Answers are replayed in their order through the target's own triggers, so the aggregates
(scores, and each learner's cards in `seen`) are rebuilt by the same rules that built them,
then compared with the source's: the copy is refused as wrong if a single total differs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.errors import StudyBotError
from bot.store import SqliteStore, Store

__all__ = ["Copied", "CopyError", "copy_database", "is_empty"]

log = logging.getLogger(__name__)

BATCH = 2_000
USER_COLUMNS = (
    'id, platform, community, "user", display_name, locale, created_at, streak, streak_date, '
    "streak_tz"
)
# Base tables in the order their foreign keys need, with their columns and sort order.
# `scores`, `question_stats` and `seen` are not copied: the answers' triggers rebuild them.
TABLES: tuple[tuple[str, str, str], ...] = (
    ("users", USER_COLUMNS, "id"),
    (
        "attempts",
        "id, user_id, community, question_id, domain, choice, correct, source, nonce, week, "
        "answered_at, card_state, card_step, card_stability, card_difficulty, card_due",
        "id",
    ),
    ("community_settings", "platform, community, key, value", "platform, community, key"),
    (
        "daily_channels",
        "id, platform, community, channel, post_time, timezone, locale, reveal_after_minutes, "
        "enabled, failures",
        "id",
    ),
    (
        "daily_posts",
        "id, channel_id, local_date, question_id, status, message_ref, claimed_at, posted_at, "
        "revealed_at",
        "id",
    ),
    (
        "exams",
        "id, user_id, size, started_at, deadline, finished_at, correct, score, questions",
        "id",
    ),
    (
        "reports",
        "user_id, question_id, reason, text, created_at, updated_at",
        "user_id, question_id",
    ),
)
# Written by a trigger when its exam is copied, then brought to the source's state.
EXAM_ITEMS = ("exam_items", "exam_id, position, question_id, seq, choice, answered_at")
# Written by the answers' trigger, then set to the source's rows (cards included): a row the
# answers do not explain (an import, a test seed) is copied too.
SEEN_COLUMNS = (
    "user_id, question_id, times, last_correct, last_at, first_correct, card_state, card_step, "
    "stability, difficulty, due, reviewed_at"
)
CHECKED = (
    "users", "attempts", "scores", "question_stats", "seen", "daily_posts", "exams", "exam_items",
    "reports",
)  # fmt: skip
# In one order on both sides (periods are 'all' and ISO weeks: digits sort before letters in
# either database), so equal row counts give aligned batches.
SCORES = (
    "SELECT user_id, period, domain, attempts, correct FROM scores ORDER BY user_id, domain, period"
)
IDENTITIES = ("users", "attempts", "daily_channels", "daily_posts", "exams")


class CopyError(StudyBotError):
    """The copy cannot start, or its check found a difference; one line says which."""

    def __init__(self, message: str) -> None:
        super().__init__("error.generic")
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Copied:
    counts: dict[str, int]


class _Db:
    """Rows in and out of either store, by the same calls."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.sqlite = isinstance(store, SqliteStore)

    async def rows(self, sql: str) -> list[Sequence[Any]]:
        if isinstance(self.store, SqliteStore):
            return list(await self.store.db.execute_fetchall(sql))
        return list(await self.store.pool.fetch(sql))  # type: ignore[attr-defined]

    async def batches(self, sql: str) -> AsyncIterator[list[Sequence[Any]]]:
        """The rows of a query, BATCH at a time: a large database is never held in memory."""
        if isinstance(self.store, SqliteStore):
            async with self.store.reader.execute(sql) as cursor:
                while fetched := await cursor.fetchmany(BATCH):
                    yield list(fetched)
            return
        async with self.store.pool.acquire() as con, con.transaction():  # type: ignore[attr-defined]
            chunk: list[Sequence[Any]] = []
            async for row in con.cursor(sql, prefetch=BATCH):
                chunk.append(row)
                if len(chunk) == BATCH:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    async def count(self, table: str) -> int:
        return int((await self.rows(f"SELECT count(*) FROM {table}"))[0][0])

    async def put(self, table: str, columns: str, rows: list[Sequence[Any]], upsert: str) -> None:
        if not rows:
            return
        width = len(columns.split(","))
        if isinstance(self.store, SqliteStore):
            marks = ", ".join("?" * width)
            await self.store.db.execute("BEGIN")  # one commit a batch, not one a row
            await self.store.db.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks}) {upsert}", rows
            )
            await self.store.db.execute("COMMIT")
            return
        marks = ", ".join(f"${n}" for n in range(1, width + 1))
        await self.store.pool.executemany(  # type: ignore[attr-defined]
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) {upsert}", rows
        )

    async def execute(self, sql: str) -> None:
        if isinstance(self.store, SqliteStore):
            await self.store.db.execute(sql)
        else:
            await self.store.pool.execute(sql)  # type: ignore[attr-defined]


async def is_empty(store: Store) -> int:
    """How many learners and daily channels the database holds (0: empty)."""
    db = _Db(store)
    return await db.count("users") + await db.count("daily_channels")


async def copy_database(source: Store, target: Store, replace: bool = False) -> Copied:
    """Copy every row of `source` into `target` and check the result; raise CopyError."""
    src, dst = _Db(source), _Db(target)
    held = await is_empty(target)
    if held and not replace:
        raise CopyError(
            f"the target is not empty ({held} learners and daily channels): "
            "add --replace to empty it first"
        )
    if held:
        await _empty(dst)
    for table, columns, order in TABLES:
        async for chunk in src.batches(f"SELECT {columns} FROM {table} ORDER BY {order}"):
            await dst.put(table, columns, chunk, "")
        log.info("copied %s", table)
    table, columns = EXAM_ITEMS
    await _overwrite(src, dst, table, columns, "exam_id, position")
    await _overwrite(src, dst, "seen", SEEN_COLUMNS, "user_id, question_id")
    if not dst.sqlite:
        for name in IDENTITIES:
            await dst.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
            )
    return await _check(src, dst)


async def _overwrite(src: _Db, dst: _Db, table: str, columns: str, key: str) -> None:
    """Insert the source's rows, or set the target's row of the same key to them."""
    keys = {k.strip() for k in key.split(",")}
    update = ", ".join(
        f"{c} = excluded.{c}" for c in (c.strip() for c in columns.split(",")) if c not in keys
    )
    async for chunk in src.batches(f"SELECT {columns} FROM {table} ORDER BY {key}"):
        await dst.put(table, columns, chunk, f"ON CONFLICT ({key}) DO UPDATE SET {update}")


async def _empty(db: _Db) -> None:
    for table in ("exam_items", "exams", "reports", "daily_posts", "daily_channels",
                  "community_settings", "seen", "scores", "question_stats", "attempts",
                  "users"):  # fmt: skip
        await db.execute(f"DELETE FROM {table}")


async def _check(src: _Db, dst: _Db) -> Copied:
    counts = {}
    for table in CHECKED:
        found, expected = await dst.count(table), await src.count(table)
        if found != expected:
            raise CopyError(f"after the copy, {table} has {found} rows; the source has {expected}")
        counts[table] = found
    # A batch at a time: a large database's scores are never held in memory at once.
    mine = src.batches(SCORES)
    async for theirs in dst.batches(SCORES):
        ours: list[Sequence[Any]] = await anext(mine, [])
        if sorted(map(tuple, ours)) != sorted(map(tuple, theirs)):
            raise CopyError("after the copy, the scores differ from the source's")
    if await anext(mine, None) is not None:
        raise CopyError("after the copy, the scores differ from the source's")
    return Copied(counts)
