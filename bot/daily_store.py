"""Persistence for community settings, daily channels, daily posts and streaks (either database)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

from bot.sql import Sql
from bot.views import DailyChannel, DailyPost

__all__ = ["DailyStore", "SqlDailyStore"]

log = logging.getLogger(__name__)

CHANNEL_COLUMNS = (
    "id, platform, community, channel, post_time, timezone, locale, enabled, "
    "reveal_after_minutes, failures"
)
POST_COLUMNS = (
    "id, channel_id, local_date, question_id, status, message_ref, posted_at, revealed_at"
)


def _channel(row: Any) -> DailyChannel:
    return DailyChannel(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), row[8], row[9]
    )


def _post(row: Any) -> DailyPost:
    return DailyPost(*row)


class DailyStore(Protocol):
    """The daily question's persistence port."""

    async def community_setting(self, platform: str, community: str, key: str) -> str | None: ...
    async def set_community_setting(
        self, platform: str, community: str, key: str, value: str | None
    ) -> None: ...
    async def upsert_channel(
        self, platform: str, community: str, channel: str, post_time: str, timezone: str,
        locale: str, reveal_after_minutes: int | None,
    ) -> DailyChannel: ...  # fmt: skip
    async def disable(self, platform: str, community: str, channel: str | None) -> int: ...
    async def channels(
        self, platform: str | None = None, community: str | None = None, enabled_only: bool = False
    ) -> list[DailyChannel]: ...
    async def channel(self, channel_id: int) -> DailyChannel | None: ...
    async def history(self, channel_id: int) -> list[str]: ...
    async def claim(
        self, channel_id: int, local_date: str, question_id: str, now: str, stale_before: str
    ) -> DailyPost | None: ...
    async def post(self, post_id: int) -> DailyPost | None: ...
    async def post_for(self, channel_id: int, local_date: str) -> DailyPost | None: ...
    async def mark_posted(self, post_id: int, message_ref: str, now: str) -> None: ...
    async def reset_failures(self, channel_id: int) -> None: ...
    async def release(self, post_id: int) -> None: ...
    async def mark_failed(self, post_id: int) -> int: ...
    async def unrevealed(self, channel_id: int) -> list[DailyPost]: ...
    async def mark_revealed(self, post_id: int, now: str) -> bool: ...
    async def unmark_revealed(self, post_id: int) -> None: ...
    async def counts(self, nonce: str) -> dict[str, int]: ...
    async def posted_between(
        self, platform: str, community: str, first: str, last: str
    ) -> list[DailyPost]: ...
    async def participation(self, nonces: Sequence[str]) -> tuple[int, int]: ...
    async def streak(self, user_id: int) -> tuple[int, str | None, str | None]: ...
    async def set_streak(self, user_id: int, streak: int, date: str, tz: str) -> None: ...


class SqlDailyStore:
    """The implementation for both databases, on the main store's executor."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def _one(self, sql: str, params: tuple[Any, ...], reader: bool = True) -> Any:
        rows = await self.sql.rows(sql, params, write=not reader)
        return next(iter(rows), None)

    async def community_setting(self, platform: str, community: str, key: str) -> str | None:
        row = await self._one(
            "SELECT value FROM community_settings WHERE platform = ? AND community = ? AND key = ?",
            (platform, community, key),
        )
        return None if row is None else str(row[0])

    async def set_community_setting(
        self, platform: str, community: str, key: str, value: str | None
    ) -> None:
        if value is None:
            await self.sql.run(
                "DELETE FROM community_settings WHERE platform = ? AND community = ? AND key = ?",
                (platform, community, key),
            )
            return
        await self.sql.run(
            "INSERT INTO community_settings (platform, community, key, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, community, key) DO UPDATE SET value = excluded.value",
            (platform, community, key, value),
        )

    async def upsert_channel(
        self,
        platform: str,
        community: str,
        channel: str,
        post_time: str,
        timezone: str,
        locale: str,
        reveal_after_minutes: int | None,
    ) -> DailyChannel:
        row = await self._one(
            "INSERT INTO daily_channels (platform, community, channel, post_time, timezone, "
            "locale, reveal_after_minutes) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, community, channel) DO UPDATE SET post_time = excluded.post_time, "
            "timezone = excluded.timezone, locale = excluded.locale, "
            "reveal_after_minutes = excluded.reveal_after_minutes, enabled = 1, failures = 0 "
            f"RETURNING {CHANNEL_COLUMNS}",
            (platform, community, channel, post_time, timezone, locale, reveal_after_minutes),
            reader=False,
        )
        return _channel(row)

    async def disable(self, platform: str, community: str, channel: str | None) -> int:
        sql = "UPDATE daily_channels SET enabled = 0 WHERE platform = ? AND community = ? AND enabled = 1"
        params: tuple[Any, ...] = (platform, community)
        if channel is not None:
            sql += " AND channel = ?"
            params += (channel,)
        return await self.sql.run(sql, params)

    async def channels(
        self, platform: str | None = None, community: str | None = None, enabled_only: bool = False
    ) -> list[DailyChannel]:
        where, params = ["1 = 1"], []
        for column, value in (("platform", platform), ("community", community)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if enabled_only:
            where.append("enabled = 1")
        rows = await self.sql.rows(
            f"SELECT {CHANNEL_COLUMNS} FROM daily_channels WHERE {' AND '.join(where)} ORDER BY id",
            params,
        )
        return [_channel(r) for r in rows]

    async def channel(self, channel_id: int) -> DailyChannel | None:
        row = await self._one(
            f"SELECT {CHANNEL_COLUMNS} FROM daily_channels WHERE id = ?", (channel_id,)
        )
        return None if row is None else _channel(row)

    async def history(self, channel_id: int) -> list[str]:
        rows = await self.sql.rows(
            "SELECT question_id FROM daily_posts WHERE channel_id = ? ORDER BY local_date",
            (channel_id,),
        )
        return [r[0] for r in rows]

    async def claim(
        self, channel_id: int, local_date: str, question_id: str, now: str, stale_before: str
    ) -> DailyPost | None:
        """Claim (channel, date) for this process; None if another already has it.

        A claim left behind by a process that died before posting is taken over once stale.
        """
        row = await self._one(
            "INSERT INTO daily_posts (channel_id, local_date, question_id, status, claimed_at) "
            "VALUES (?, ?, ?, 'claimed', ?) ON CONFLICT (channel_id, local_date) DO NOTHING "
            f"RETURNING {POST_COLUMNS}",
            (channel_id, local_date, question_id, now),
            reader=False,
        )
        if row is None:
            row = await self._one(
                "UPDATE daily_posts SET claimed_at = ? WHERE channel_id = ? AND local_date = ? "
                f"AND status = 'claimed' AND claimed_at < ? RETURNING {POST_COLUMNS}",
                (now, channel_id, local_date, stale_before),
                reader=False,
            )
        return None if row is None else _post(row)

    async def post(self, post_id: int) -> DailyPost | None:
        row = await self._one(f"SELECT {POST_COLUMNS} FROM daily_posts WHERE id = ?", (post_id,))
        return None if row is None else _post(row)

    async def post_for(self, channel_id: int, local_date: str) -> DailyPost | None:
        row = await self._one(
            f"SELECT {POST_COLUMNS} FROM daily_posts WHERE channel_id = ? AND local_date = ?",
            (channel_id, local_date),
        )
        return None if row is None else _post(row)

    async def mark_posted(self, post_id: int, message_ref: str, now: str) -> None:
        await self.sql.run(
            "UPDATE daily_posts SET status = 'posted', message_ref = ?, posted_at = ? WHERE id = ?",
            (message_ref, now, post_id),
        )

    async def release(self, post_id: int) -> None:
        """Give up a claim that was never posted, so a later attempt can make the post."""
        await self.sql.run(
            "DELETE FROM daily_posts WHERE id = ? AND status = 'claimed'", (post_id,)
        )

    async def reset_failures(self, channel_id: int) -> None:
        await self.sql.run("UPDATE daily_channels SET failures = 0 WHERE id = ?", (channel_id,))

    async def mark_failed(self, post_id: int) -> int:
        """Record a failed post; returns the channel's consecutive failures."""
        await self.sql.run("UPDATE daily_posts SET status = 'failed' WHERE id = ?", (post_id,))
        row = await self._one(
            "UPDATE daily_channels SET failures = failures + 1 WHERE id = "
            "(SELECT channel_id FROM daily_posts WHERE id = ?) RETURNING failures",
            (post_id,),
            reader=False,
        )
        return int(row[0]) if row else 0

    async def unrevealed(self, channel_id: int) -> list[DailyPost]:
        rows = await self.sql.rows(
            f"SELECT {POST_COLUMNS} FROM daily_posts WHERE channel_id = ? AND status = 'posted' "
            "AND revealed_at IS NULL ORDER BY local_date",
            (channel_id,),
        )
        return [_post(r) for r in rows]

    async def mark_revealed(self, post_id: int, now: str) -> bool:
        """Mark a post revealed; False if it already was (so it is revealed once)."""
        changed = await self.sql.run(
            "UPDATE daily_posts SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL",
            (now, post_id),
        )
        return changed == 1

    async def unmark_revealed(self, post_id: int) -> None:
        await self.sql.run("UPDATE daily_posts SET revealed_at = NULL WHERE id = ?", (post_id,))

    async def counts(self, nonce: str) -> dict[str, int]:
        """How many members gave each answer to one daily post (its shared nonce)."""
        rows = await self.sql.rows(
            "SELECT choice, count(*) FROM attempts WHERE source = 'daily' AND nonce = ? "
            "GROUP BY choice",
            (nonce,),
        )
        return {r[0]: r[1] for r in rows}

    async def posted_between(
        self, platform: str, community: str, first: str, last: str
    ) -> list[DailyPost]:
        """A community's daily posts made for local dates from `first` to `last` (ISO dates)."""
        columns = ", ".join(f"p.{c.strip()}" for c in POST_COLUMNS.split(","))
        rows = await self.sql.rows(
            f"SELECT {columns} FROM daily_posts p JOIN daily_channels c ON c.id = p.channel_id "
            "WHERE c.platform = ? AND c.community = ? AND p.status = 'posted' "
            "AND p.local_date >= ? AND p.local_date <= ? ORDER BY p.local_date, p.id",
            (platform, community, first, last),
        )
        return [_post(r) for r in rows]

    async def participation(self, nonces: Sequence[str]) -> tuple[int, int]:
        """Answers to these daily posts (their shared nonces) and how many members gave them.

        Read through the index of daily answers: a few rows per member and post, not a scan.
        """
        if not nonces:
            return 0, 0
        marks = ", ".join("?" * len(nonces))
        row = await self._one(
            "SELECT count(*), count(DISTINCT user_id) FROM attempts "
            f"WHERE source = 'daily' AND nonce IN ({marks})",
            tuple(nonces),
        )  # an aggregate without GROUP BY: always one row
        return int(row[0]), int(row[1])

    async def streak(self, user_id: int) -> tuple[int, str | None, str | None]:
        row = await self._one(
            "SELECT streak, streak_date, streak_tz FROM users WHERE id = ?", (user_id,)
        )
        return (0, None, None) if row is None else (row[0], row[1], row[2])

    async def set_streak(self, user_id: int, streak: int, date: str, tz: str) -> None:
        await self.sql.run(
            "UPDATE users SET streak = ?, streak_date = ?, streak_tz = ? WHERE id = ?",
            (streak, date, tz, user_id),
        )
