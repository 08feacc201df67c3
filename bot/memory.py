"""Spaced review: one FSRS card per learner and question, reviewed by every counted answer.

The scheduling is py-fsrs's (FSRS-6); this module only maps an answer to a rating (wrong → Again,
right → Good) and a card to the columns the store keeps. A wrong answer brings the question back
after one 10-minute step; a right answer on a new question schedules it days ahead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, cast

from fsrs import Card, Rating, Scheduler, State

__all__ = ["DEFAULT_RETENTION", "CardState", "Memory"]

log = logging.getLogger(__name__)

DEFAULT_RETENTION = 0.9
# One short step, for learning and relearning alike: a missed question comes back within the
# session; a question answered right the first time graduates at once (multiple choice is
# recognition, not recall: repeating a question ten minutes after getting it right teaches little).
STEP = timedelta(minutes=10)


class CardState(NamedTuple):
    """What the store keeps of a card: py-fsrs's fields, times in UTC (a tuple: a learner's
    progress reads hundreds at once)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


class Memory:
    """The FSRS scheduler at the configured desired retention."""

    def __init__(self, retention: float = DEFAULT_RETENTION, *, fuzz: bool = True) -> None:
        self.scheduler = Scheduler(
            desired_retention=retention,
            learning_steps=(STEP,),
            relearning_steps=(STEP,),
            enable_fuzzing=fuzz,
        )

    def review(self, card: CardState | None, correct: bool, now: datetime) -> CardState:
        """The card after one answer at `now` (a new card if the learner never had one)."""
        rating = Rating.Good if correct else Rating.Again
        reviewed, _ = self.scheduler.review_card(_card(card, now), rating, now.astimezone(UTC))
        return CardState(
            int(reviewed.state),
            reviewed.step,
            reviewed.stability,
            reviewed.difficulty,
            reviewed.due,
            reviewed.last_review,
        )

    def retrievability(self, card: CardState, now: datetime) -> float:
        """The chance the learner still recalls the card's answer at `now`."""
        # The library reads only `last_review` and `stability`, which a CardState has too: a
        # readiness estimate asks for hundreds of cards at once, and building a py-fsrs Card for
        # each would cost more than the formula itself.
        return float(self.scheduler.get_card_retrievability(cast(Card, card), now))


def _card(state: CardState | None, now: datetime) -> Card:
    # card_id is given: py-fsrs sleeps a millisecond to make up a unique one otherwise.
    if state is None:
        return Card(card_id=0, state=State.Learning, due=now.astimezone(UTC))
    return Card(
        card_id=0,
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )
