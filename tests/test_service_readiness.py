"""The readiness /progress shows: weighted by the exam's domains, on the service's clock, held
for the day until the learner answers again."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.content import Content
from bot.memory import Memory
from bot.service import READINESS_HELD, StudyService
from bot.store import Store
from bot.views import ReadinessView, UserRef
from tests.conftest import Clock

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


async def study(service: StudyService, clock: Clock, ref: UserRef, right: set[int]) -> None:
    """Three rounds over the whole fixture bank (24 answers): right in the `right` domains."""
    content = service.content
    for n in range(24):
        q = content.questions[list(content.questions)[n % len(content.questions)]]
        letters = sorted(q.answer) if q.domain in right else sorted(set(q.letters) - q.answer)
        token = f"{int(clock.now.timestamp()) + n:08x}0000"
        feedback = await service.answer(ref, q.id, token, letters[: q.choose], "en")
        assert feedback.counted and feedback.correct == (q.domain in right)


async def readiness(service: StudyService, ref: UserRef) -> ReadinessView:
    found = (await service.progress(ref, "en")).readiness
    assert found is not None
    return found


async def test_readiness_weighs_domains_by_the_exam(service: StudyService, clock: Clock) -> None:
    # Half the bank right each, but Ana's half weighs 60 of the exam and Bob's 40.
    await study(service, clock, ANA, {1, 2})
    await study(service, clock, BOB, {3, 4})
    clock.now += timedelta(days=30)  # right after answering, both remember every answer
    ana, bob = await readiness(service, ANA), await readiness(service, BOB)
    assert ana.expected_score > bob.expected_score
    assert ana.pass_chance > bob.pass_chance


async def test_readiness_falls_as_the_service_clock_moves_on(
    service: StudyService, clock: Clock
) -> None:
    await study(service, clock, ANA, {1, 2, 3, 4})
    fresh = await readiness(service, ANA)
    clock.now += timedelta(days=60)
    later = await readiness(service, ANA)
    assert later.expected_score < fresh.expected_score


async def test_readiness_is_held_for_the_day_until_the_learner_answers_again(
    content: Content, store: Store, service: StudyService, clock: Clock
) -> None:
    await study(service, clock, ANA, {1, 2, 3, 4})
    clock.now += timedelta(hours=23)  # the next day, 11:00: less than a whole day since
    morning = await readiness(service, ANA)
    clock.now += timedelta(hours=2)  # 13:00: a whole day since the answers, the same date
    assert await readiness(service, ANA) == morning
    other = StudyService(
        content, store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )
    assert await readiness(other, ANA) != morning  # worked out afresh, it would have moved


async def test_held_readiness_results_are_dropped_once_there_are_too_many(
    service: StudyService, clock: Clock
) -> None:
    await study(service, clock, ANA, {1, 2, 3, 4})
    day_one = clock.now + timedelta(hours=23)  # the next day, 11:00
    clock.now = day_one
    morning = await readiness(service, ANA)
    for day in range(1, READINESS_HELD):  # as many held as there is room for: one a day
        clock.now = day_one + timedelta(days=day)
        await readiness(service, ANA)
    clock.now = day_one + timedelta(hours=2)
    assert await readiness(service, ANA) == morning  # still held
    clock.now = day_one + timedelta(days=READINESS_HELD)  # one more: the held ones are dropped
    await readiness(service, ANA)
    clock.now = day_one + timedelta(hours=2)
    assert await readiness(service, ANA) != morning  # worked out afresh
