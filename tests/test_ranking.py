"""A leaderboard board in memory: order, shared ranks and totals that only move forward."""

from __future__ import annotations

import asyncio

import pytest

from bot.ranking import Board, BoardKey, Boards, Standing, Totals


def board(*totals: tuple[int, int, int]) -> Board:
    b = Board()
    for user, attempts, correct in totals:
        b.put(user, attempts, correct)
    return b


def test_orders_by_right_answers_then_fewer_attempts_then_id_and_ties_share_a_rank() -> None:
    b = board((1, 10, 5), (2, 6, 5), (3, 9, 7), (4, 3, 1), (5, 6, 5))
    assert b.top(10) == [
        Standing(3, 1, 9, 7),
        Standing(2, 2, 6, 5),
        Standing(5, 2, 6, 5),
        Standing(1, 2, 10, 5),
        Standing(4, 5, 3, 1),
    ]
    assert b.standing(4) == Standing(4, 5, 3, 1)
    assert b.standing(1) == Standing(1, 2, 10, 5)
    assert b.standing(99) is None


def test_top_stops_at_the_limit_inside_a_tie() -> None:
    b = board(*((u, 4, 2) for u in range(1, 50)), (50, 9, 9))
    assert [(s.user_id, s.rank) for s in b.top(3)] == [(50, 1), (1, 2), (2, 2)]
    assert b.top(0) == []


def test_a_learner_moves_and_an_emptied_score_disappears() -> None:
    b = board((1, 1, 1), (2, 1, 0))
    b.put(2, 3, 2)  # two more answers, both right
    assert [(s.user_id, s.rank) for s in b.top(10)] == [(2, 1), (1, 2)]
    b.put(1, 2, 1)  # a wrong answer: same score, more attempts
    b.put(1, 3, 2)
    assert [(s.user_id, s.rank, s.attempts) for s in b.top(10)] == [(1, 1, 3), (2, 1, 3)]
    assert len(b) == 2


def test_older_totals_are_ignored() -> None:
    b = board((1, 5, 4))
    b.put(1, 3, 3)  # a read that finished late: fewer attempts than held
    b.put(1, 5, 0)  # the same attempts again changes nothing
    assert b.standing(1) == Standing(1, 1, 5, 4)


def test_an_empty_board() -> None:
    assert Board().top(10) == []
    assert Board().standing(1) is None


class Source:
    """What a board is read from: rows per key, a count of reads, and an optional failure."""

    def __init__(self) -> None:
        self.rows: dict[BoardKey, list[tuple[int, int, int]]] = {}
        self.reads = 0
        self.failure: Exception | None = None

    async def read(self, key: BoardKey) -> Totals:
        self.reads += 1
        await asyncio.sleep(0)
        if self.failure is not None:
            raise self.failure
        return list(self.rows.get(key, []))


KEY: BoardKey = ("discord:g", "all", 0)


async def test_a_board_is_read_once_by_concurrent_callers_and_follows_puts() -> None:
    source = Source()
    source.rows[KEY] = [(1, 3, 2), (2, 3, 1)]
    boards = Boards(source.read)
    first, second = await asyncio.gather(boards.board(KEY), boards.board(KEY))
    assert first is second and source.reads == 1
    boards.put(KEY, 2, 5, 3)
    boards.put(("discord:other", "all", 0), 9, 1, 1)  # not held: ignored
    assert [s.user_id for s in first.top(10)] == [2, 1]
    assert boards.periods() == {"all"}


async def test_a_failed_read_is_raised_and_retried_next_time() -> None:
    source = Source()
    source.failure = OSError("disk gone")
    boards = Boards(source.read)
    with pytest.raises(OSError):
        await boards.board(KEY)
    source.failure = None
    source.rows[KEY] = [(1, 1, 1)]
    assert len(await boards.board(KEY)) == 1 and source.reads == 2


async def test_a_stale_board_is_refilled_in_the_background_and_an_idle_one_dropped() -> None:
    now = [0.0]
    source = Source()
    source.rows[KEY] = [(1, 1, 1)]
    boards = Boards(source.read, refill_after=60, idle=600, clock=lambda: now[0])
    board = await boards.board(KEY)
    source.rows[KEY] = [(1, 1, 1), (2, 4, 4)]  # another process recorded answers
    now[0] = 30
    assert len(await boards.board(KEY)) == 1 and source.reads == 1  # still fresh
    now[0] = 61
    assert len(await boards.board(KEY)) == 1  # served at once, refilled behind
    await asyncio.sleep(0.01)
    assert [s.user_id for s in board.top(10)] == [2, 1] and source.reads == 2
    now[0] = 2000
    await boards.board(("discord:g", "2026-W48", 0))  # a new board drops the idle ones
    assert boards.periods() == {"2026-W48"}
