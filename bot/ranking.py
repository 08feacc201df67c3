"""Leaderboards in memory: one board per (community, period, domain), like a sorted set.

SQLite keeps the durable per-user totals; a board only ranks them. Ranking with an index on
the totals moved four index entries, on pages scattered across the file, for every answer;
a board moves the learner between two buckets in memory instead.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Board", "BoardKey", "Boards", "Standing", "Totals"]

log = logging.getLogger(__name__)

BoardKey = tuple[str, str, int]  # community, period ("all" or an ISO week), domain (0: all)
Totals = Iterable[Sequence[int]]  # (user id, attempts, correct) rows


@dataclass(frozen=True, slots=True)
class Standing:
    user_id: int
    rank: int
    attempts: int
    correct: int


class Board:
    """Learners ranked by right answers, then fewer attempts, then id; ties share a rank."""

    def __init__(self) -> None:
        self._totals: dict[int, tuple[int, int]] = {}  # user -> (correct, attempts)
        self._buckets: dict[int, set[int]] = {}  # correct -> users
        self._values: list[int] = []  # the distinct correct counts, ascending
        self.filled = False  # set once every stored total has been put

    def __len__(self) -> int:
        return len(self._totals)

    def put(self, user_id: int, attempts: int, correct: int) -> None:
        """Set a learner's totals; totals older than those held (fewer attempts) are ignored.

        Totals only grow, so reads of the database that finish out of order cannot move a
        learner back.
        """
        held = self._totals.get(user_id)
        if held is not None:
            if attempts <= held[1]:
                return
            self._leave(user_id, held[0])
        self._totals[user_id] = (correct, attempts)
        bucket = self._buckets.get(correct)
        if bucket is None:
            bucket = self._buckets[correct] = set()
            bisect.insort(self._values, correct)
        bucket.add(user_id)

    def _leave(self, user_id: int, correct: int) -> None:
        bucket = self._buckets[correct]
        bucket.discard(user_id)
        if not bucket:
            del self._buckets[correct]
            del self._values[bisect.bisect_left(self._values, correct)]

    def top(self, limit: int) -> list[Standing]:
        """The first `limit` learners, in order, with competition ranks (1, 2, 2, 4)."""
        rows: list[Standing] = []
        above = 0
        for correct in reversed(self._values):
            if len(rows) >= limit:
                break
            bucket = self._buckets[correct]
            first = heapq.nsmallest(limit - len(rows), bucket, key=self._tiebreak)
            rows += [Standing(u, above + 1, self._totals[u][1], correct) for u in first]
            above += len(bucket)
        return rows

    def standing(self, user_id: int) -> Standing | None:
        """The learner's rank: one more than the number of learners with more right answers."""
        held = self._totals.get(user_id)
        if held is None:
            return None
        correct, attempts = held
        higher = self._values[bisect.bisect_right(self._values, correct) :]
        above = sum(len(self._buckets[v]) for v in higher)
        return Standing(user_id, above + 1, attempts, correct)

    def _tiebreak(self, user_id: int) -> tuple[int, int]:
        return self._totals[user_id][1], user_id


@dataclass(slots=True)
class _Held:
    board: Board
    filling: asyncio.Task[None]
    filled_at: float
    used_at: float


class Boards:
    """The boards shown lately: filled by `read` on first use, refilled when shown stale.

    A board is registered before it is read, so totals put while the read runs land on it too;
    as totals only grow, whichever arrives last cannot move a learner back.
    """

    def __init__(
        self,
        read: Callable[[BoardKey], Awaitable[Totals]],
        refill_after: float = 60.0,
        idle: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read = read
        self.refill_after = refill_after  # seconds: how late another process's answers show
        self.idle = idle  # seconds: a board nobody asked for this long is dropped
        self.clock = clock
        self._held: dict[BoardKey, _Held] = {}

    def periods(self) -> set[str]:
        """The periods some board ranks."""
        return {period for _, period, _ in self._held}

    def put(self, key: BoardKey, user_id: int, attempts: int, correct: int) -> None:
        """Move a learner on the board `key`, if it is held."""
        held = self._held.get(key)
        if held is not None:
            held.board.put(user_id, attempts, correct)

    async def board(self, key: BoardKey) -> Board:
        """The board, read first if it is not held yet."""
        now = self.clock()
        held = self._held.get(key)
        if held is None:
            self._drop_idle(now)
            board = Board()
            held = self._held[key] = _Held(board, self._fill(key, board), now, now)
        elif now - held.filled_at > self.refill_after and held.filling.done():
            # Picks up what other processes recorded; meanwhile the board serves what it holds.
            held.filling, held.filled_at = self._fill(key, held.board), now
        held.used_at = now
        if not held.board.filled:
            try:
                await asyncio.shield(held.filling)
            except Exception:
                if self._held.get(key) is held:  # not a newer attempt to fill it
                    del self._held[key]
                raise
        return held.board

    def close(self) -> None:
        for held in self._held.values():
            held.filling.cancel()

    def _fill(self, key: BoardKey, board: Board) -> asyncio.Task[None]:
        async def fill() -> None:
            for user_id, attempts, correct in await self.read(key):
                board.put(user_id, attempts, correct)
            board.filled = True

        task = asyncio.create_task(fill())
        task.add_done_callback(_log_failure)
        return task

    def _drop_idle(self, now: float) -> None:
        for key, held in list(self._held.items()):
            if now - held.used_at > self.idle and held.filling.done():
                del self._held[key]


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("reading a leaderboard failed: %s", error)
