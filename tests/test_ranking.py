"""A leaderboard board in memory: order, shared ranks and totals that only move forward."""

from __future__ import annotations

from bot.ranking import Board, Standing


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
