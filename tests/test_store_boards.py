"""Leaderboards on the SQLite store: the rows they name, when another process's answers reach a
shown board, and what a commit reads to keep the shown boards current."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.ranking import Board
from bot.store import (
    AttemptRecord,
    GroupCommit,
    RankRow,
    SqliteStore,
    StoredUser,
    open_store,
    rank_rows,
)
from bot.views import UserRef
from tests.test_store import answer_record


def attempt(user: StoredUser, qid: str, nonce: str, week: str = "2026-W48") -> AttemptRecord:
    return answer_record(user, qid, nonce, week=week)


class Seconds:
    """A settable monotonic clock for the boards."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_callers_own_row_carries_their_id(store: SqliteStore) -> None:
    users = [await store.user(UserRef("slack", "T1", n, n)) for n in ("ana", "bob", "cy")]
    for k, user in enumerate(users):
        for n in range(3 - k):
            await store.record(attempt(user, f"d1.1-q{n}", f"{user.id}-{n}"))
    top, me = await store.leaderboard(users[0].community, users[2].id, "all", 0, 1)
    assert top == [RankRow(1, users[0].id, "ana", 3, 3)]
    assert me == RankRow(3, users[2].id, "cy", 1, 1)


async def test_a_ranked_learner_without_a_name_is_shown_with_an_empty_one() -> None:
    board = Board()
    board.put(7, 3, 2)
    board.put(8, 3, 1)

    async def no_names(user_ids: set[int]) -> dict[int, str]:
        assert user_ids == {7, 8}
        return {}

    top, me = await rank_rows(board, 8, 10, no_names)
    assert top == [RankRow(1, 7, "", 3, 2), RankRow(2, 8, "", 3, 1)]
    assert me == RankRow(2, 8, "", 3, 1)


async def test_another_processs_answers_reach_a_shown_board_a_minute_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "two.db"
    mine, other = await open_store(path), await open_store(path)
    try:
        clock = Seconds()
        mine.boards.clock = clock
        ana = await mine.user(UserRef("console", "local", "ana", "ana"))
        await mine.record(attempt(ana, "d1.1-a", "a1"))
        await mine.leaderboard(ana.community, ana.id, "all", 0, 10)  # shown: filled now
        bob = await other.user(UserRef("console", "local", "bob", "bob"))
        await other.record(attempt(bob, "d1.1-a", "b1"))

        clock.now += 59.5
        top, _ = await mine.leaderboard(ana.community, ana.id, "all", 0, 10)
        assert [r.display_name for r in top] == ["ana"]  # not refilled yet

        clock.now += 1.0  # a minute and a half-second after the fill: refilled
        await mine.leaderboard(ana.community, ana.id, "all", 0, 10)
        for _ in range(200):  # the refill runs in the background
            top, _ = await mine.leaderboard(ana.community, ana.id, "all", 0, 10)
            if len(top) == 2:
                break
            await asyncio.sleep(0.01)
        assert sorted(r.display_name for r in top) == ["ana", "bob"]
    finally:
        await mine.close()
        await other.close()


async def test_a_commit_reads_back_only_the_periods_of_its_answers_that_boards_show(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "ana"))
    await store.record(attempt(ana, "d1.1-a", "a1", week="2026-W47"))
    await store.leaderboard(ana.community, ana.id, "2026-W47", 0, 10)  # last week's board
    sent: list[str] = []
    await store.db.set_trace_callback(sent.append)
    await store.record(attempt(ana, "d1.1-b", "a2", week="2026-W48"))
    await store.db.set_trace_callback(None)
    reads = [sql for sql in sent if "FROM scores" in sql]
    assert len(reads) == 1 and reads[0].endswith("period IN ('all')"), reads


def test_the_engine_refills_boards_at_the_refresh_its_database_gives() -> None:
    # PostgreSQL's store gives 5 s (bot.pg_store.REFRESH); SQLite's keeps the minute.
    assert GroupCommit(refresh=5.0).boards.refill_after == 5.0
