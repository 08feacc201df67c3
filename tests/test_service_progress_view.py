"""What /progress shows: the estimate and readiness (each learner their own), the reviews due,
the weeks without answers and the latest mock exams (finish date, right answers, score, pass)."""

from __future__ import annotations

from datetime import timedelta

from bot.localtime import stamp
from bot.service import StudyService
from bot.store import Store
from bot.views import PASS_MARK, ExamSummary, UserRef
from tests.conftest import Clock

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


async def answer(service: StudyService, ref: UserRef, domain: int, right: bool) -> None:
    card = await service.next_question(ref, "en", domain=domain)
    q = service.question(card.question_id)
    wrong = [x for x in q.letters if x not in q.answer][: q.choose]
    await service.answer(
        ref, card.question_id, card.token, sorted(q.answer) if right else wrong, "en"
    )


async def test_estimate_and_readiness_are_each_learners_own(
    service: StudyService, clock: Clock
) -> None:
    for ref, right in ((ANA, True), (BOB, False)):
        for _ in range(5):
            for domain in (1, 2, 3, 4):
                await answer(service, ref, domain, right)
    clock.now += timedelta(days=60)  # what was missed is forgotten sooner
    ana = await service.progress(ANA, "en")
    bob = await service.progress(BOB, "en")  # as many answers, the same day: not Ana's result
    assert ana.answers_needed == 0 and bob.answers_needed == 0
    assert ana.estimate == 1000 and bob.estimate == 100
    assert ana.readiness is not None and bob.readiness is not None
    assert bob.readiness.expected_score < ana.readiness.expected_score
    assert bob.readiness.pass_chance < ana.readiness.pass_chance


async def test_weeks_without_answers_show_no_right_answers(service: StudyService) -> None:
    await answer(service, ANA, 1, False)
    report = await service.progress(ANA, "en")
    assert [(w.attempts, w.correct) for w in report.weeks] == [(0, 0)] * 7 + [(1, 0)]


async def test_a_review_due_this_very_moment_is_counted(
    service: StudyService, store: Store, clock: Clock
) -> None:
    await answer(service, ANA, 1, True)
    user = await store.user(ANA)
    (card,) = (await store.learning.snapshot(user.id, 3)).cards.values()
    clock.now = card.due - timedelta(seconds=1)
    assert (await service.progress(ANA, "en")).reviews_due == 0
    clock.now = card.due
    assert (await service.progress(ANA, "en")).reviews_due == 1


async def test_the_latest_mock_exams_with_finish_date_result_and_pass(
    service: StudyService, store: Store, clock: Clock
) -> None:
    user = await store.user(ANA)
    start = clock.now - timedelta(days=2)
    results = [(0, 100), (47, PASS_MARK), (30, PASS_MARK - 1)]
    for n, (correct, score) in enumerate(results):
        began = start + timedelta(hours=n * 3)
        exam = await store.learning.create_exam(
            user.id, 65, stamp(began), stamp(began + timedelta(hours=2)), ["d1.1-sample-1"]
        )
        assert exam is not None
        await store.learning.finish_exam(exam.id, stamp(began + timedelta(hours=1)), correct, score)
    report = await service.progress(ANA, "en")
    assert report.exams == (
        ExamSummary(start + timedelta(hours=7), 30, 65, PASS_MARK - 1, False),
        ExamSummary(start + timedelta(hours=4), 47, 65, PASS_MARK, True),
        ExamSummary(start + timedelta(hours=1), 0, 65, 100, False),
    )
