"""Reviews in a scope, however many cards outside it are more overdue."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.content import load_content
from bot.memory import Memory
from bot.service import StudyService
from bot.store import Store
from bot.views import QuestionCard, UserRef
from tests.conftest import Clock

ANA = UserRef("console", "local", "ana", "Ana")


async def test_a_review_in_scope_is_found_behind_hundreds_more_overdue_outside_it(
    store: Store, clock: Clock
) -> None:
    content = load_content()  # the shipped bank: enough questions for hundreds of cards
    service = StudyService(
        content, store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )
    outside = [q for q in content.questions.values() if q.domain in (1, 2)][:250]
    inside = next(q for q in content.questions.values() if q.domain == 4)
    start = int(clock.now.timestamp())
    for n, q in enumerate([*outside, inside]):
        if q is inside:
            clock.now += timedelta(minutes=1)  # due a minute after all the others
        wrong = sorted(set(q.letters) - q.answer)[: q.choose]
        feedback = await service.answer(ANA, q.id, f"{start + n:08x}0000", wrong, "en")
        assert feedback.counted and not feedback.correct
    clock.now += timedelta(hours=1)  # every card is due (a wrong answer comes back in minutes)
    card = await service.next_question(ANA, "en", 4)  # /quiz 4 serves it as a review
    assert (card.question_id, card.kind) == (inside.id, "review")
    review = await service.next_review(ANA, "en", 4)
    assert isinstance(review, QuestionCard)
    assert (review.question_id, review.kind) == (inside.id, "review")
