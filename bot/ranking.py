"""Leaderboards in memory: one board per (community, period, domain), like a sorted set.

SQLite keeps the durable per-user totals; a board only ranks them. Ranking with an index on
the totals moved four index entries, on pages scattered across the file, for every answer;
a board moves the learner between two buckets in memory instead.
"""

from __future__ import annotations

import bisect
import heapq
from dataclasses import dataclass

__all__ = ["Board", "Standing"]


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
