"""Spaced review (FSRS), the mock exam and question reports, at the service level.

A real SQLite file, a fixed clock, a seeded random generator and FSRS without fuzz.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.content import Content, Question, default_content_dir, load_content
from bot.errors import InvalidAnswer, NotFound, StudyBotError
from bot.exam import ExamService, assemble_exam
from bot.memory import Memory
from bot.present import review_wait
from bot.service import StudyService
from bot.store import Store
from bot.views import ExamConfirm, ExamResult, ExamStep, QuestionCard, ReviewWait, UserRef
from tests.conftest import Clock, query, reopen

pytestmark = pytest.mark.both_stores  # the tests with a store run on SQLite and PostgreSQL

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


def wrong(q: Question) -> list[str]:
    letters = [x for x in q.letters if x not in q.answer]
    return letters[: q.choose]


async def answer(service: StudyService, ref: UserRef, card: QuestionCard, right: bool) -> None:
    q = service.question(card.question_id)
    await service.answer(ref, q.id, card.token, sorted(q.answer) if right else wrong(q), "en")


# -- spaced review ------------------------------------------------------------------------------


async def test_every_answer_reviews_the_learners_card(
    service: StudyService, clock: Clock, store: Store
) -> None:
    missed = await service.next_question(ANA, "en", domain=2)
    await answer(service, ANA, missed, right=False)
    known = await service.next_question(ANA, "en", domain=3)
    await answer(service, ANA, known, right=True)

    cards = dict(
        (q, (state, due))
        for q, state, due in await query(store, "SELECT question_id, card_state, due FROM seen")
    )
    # Wrong: Again, back after the 10-minute step. Right the first time: Good, days ahead.
    assert cards[missed.question_id] == (1, "2026-11-27T12:10:00Z")
    state, due = cards[known.question_id]
    assert state == 2 and due >= "2026-11-29"


async def test_review_serves_what_was_missed_when_it_is_due(
    service: StudyService, clock: Clock, store: Store
) -> None:
    nothing = await service.next_review(ANA, "en")
    assert isinstance(nothing, ReviewWait) and nothing.next_due is None
    card = await service.next_question(ANA, "en", domain=2)
    await answer(service, ANA, card, right=False)

    wait = await service.next_review(ANA, "en")
    assert isinstance(wait, ReviewWait)
    assert review_wait(wait).params["when"].params == {"count": 10}  # type: ignore[union-attr]

    clock.now += timedelta(minutes=11)
    review = await service.next_review(ANA, "en")
    assert isinstance(review, QuestionCard)
    assert (review.question_id, review.kind) == (card.question_id, "review")
    await answer(service, ANA, review, right=True)
    sources = await query(store, "SELECT source FROM attempts ORDER BY id")
    assert sources == [("quiz",), ("review",)]


async def test_the_most_overdue_review_comes_first(service: StudyService, clock: Clock) -> None:
    first = await service.next_question(ANA, "en", domain=1)
    await answer(service, ANA, first, right=False)
    clock.now += timedelta(minutes=5)
    second = await service.next_question(ANA, "en", domain=4)
    await answer(service, ANA, second, right=False)
    clock.now += timedelta(hours=1)
    review = await service.next_review(ANA, "en")
    assert isinstance(review, QuestionCard) and review.question_id == first.question_id


async def test_quiz_mixes_due_reviews_in_at_most_every_other_question(
    service: StudyService, clock: Clock
) -> None:
    for domain in (1, 2, 3):
        card = await service.next_question(ANA, "en", domain=domain)
        await answer(service, ANA, card, right=False)
    clock.now += timedelta(minutes=30)  # three reviews are due
    kinds = []
    for _ in range(5):
        card = await service.next_question(ANA, "en")
        kinds.append(card.kind)
        await answer(service, ANA, card, right=True)
    assert kinds == ["review", "quiz", "review", "quiz", "review"]


async def test_reviews_due_show_under_feedback_and_in_progress(
    service: StudyService, clock: Clock
) -> None:
    for domain in (1, 2):
        card = await service.next_question(ANA, "en", domain=domain)
        await answer(service, ANA, card, right=False)
    clock.now += timedelta(minutes=15)
    card = await service.next_question(ANA, "en", domain=4)
    q = service.question(card.question_id)
    fb = await service.answer(ANA, q.id, card.token, wrong(q), "en")
    assert fb.reviews_due == 2
    assert (await service.progress(ANA, "en")).reviews_due == 2


def test_unseen_first_then_the_weakest_task_statement(content: Content) -> None:
    from bot.service import choose_question

    seen = dict.fromkeys(content.questions, True)
    seen |= {"d3.1-sample-1": False, "d3.1-sample-2": True, "d2.1-sample-1": False}
    seen |= {"d2.1-sample-2": False}
    rng = random.Random(3)
    # Task 2.1 has no right answer left: it is the weakest; its missed questions come first.
    picks = {choose_question(content, seen, None, rng).id for _ in range(20)}
    assert picks == {"d2.1-sample-1", "d2.1-sample-2"}
    unseen = dict(seen)
    del unseen["d4.1-sample-2"]
    assert choose_question(content, unseen, None, rng).id == "d4.1-sample-2"


async def test_the_desired_retention_changes_intervals(clock: Clock) -> None:
    lax, strict = Memory(0.75, fuzz=False), Memory(0.97, fuzz=False)
    assert lax.review(None, True, clock.now).due > strict.review(None, True, clock.now).due


# -- the mock exam ------------------------------------------------------------------------------


@pytest.fixture
def exams(service: StudyService) -> ExamService:
    return ExamService(service)


def test_an_exam_is_drawn_by_domain_weight_over_the_task_statements(content: Content) -> None:
    picked = assemble_exam(content, {}, 4, random.Random(1))
    assert len(set(picked)) == 4
    assert Counter(content.questions[q].domain for q in picked) == {1: 1, 2: 1, 3: 1, 4: 1}
    # Unseen questions are preferred: with one of each domain seen, the other one comes.
    seen = {"d2.1-sample-1": True, "d3.1-sample-1": True, "d4.1-sample-1": True}
    for n in range(10):
        again = assemble_exam(content, seen, 3, random.Random(n))
        assert not set(again) & set(seen), again


async def test_an_exam_gives_no_verdict_until_the_end_and_then_counts_every_answer(
    exams: ExamService, service: StudyService, store: Store
) -> None:
    step = await exams.start(ANA, "en", size=4)
    assert isinstance(step, ExamStep) and (step.number, step.total) == (1, 4)
    assert step.seconds_left == 8 * 60  # two minutes a question
    answered: list[str] = []
    while isinstance(step, ExamStep):
        q = service.question(step.card.question_id)
        assert await query(store, "SELECT count(*) FROM attempts") == [(0,)]
        choice = sorted(q.answer) if len(answered) % 2 == 0 else wrong(q)
        answered.append(q.id)
        step = await exams.answer(ANA, step.exam_id, q.id, choice, "en")
    assert isinstance(step, ExamResult)
    assert (step.total, step.correct, len(step.missed)) == (4, 2, 2)
    assert step.score == 100 + 900 * 2 // 4 and not step.passed
    assert sum(d.total for d in step.domains) == 4
    sources = await query(store, "SELECT source, count(*) FROM attempts GROUP BY source")
    assert sources == [("exam", 4)]
    assert len(await query(store, "SELECT * FROM seen WHERE due IS NOT NULL")) == 4
    progress = await service.progress(ANA, "en")
    assert [(e.correct, e.total) for e in progress.exams] == [(2, 4)]


async def test_skip_sends_a_question_to_the_end_and_finish_asks_first(
    exams: ExamService, service: StudyService, store: Store
) -> None:
    step = await exams.start(ANA, "en", size=3)
    assert isinstance(step, ExamStep)
    skipped = step.card.question_id
    step = await exams.skip(ANA, step.exam_id, skipped, "en")
    assert isinstance(step, ExamStep) and step.card.question_id != skipped
    q = service.question(step.card.question_id)
    step = await exams.answer(ANA, step.exam_id, q.id, sorted(q.answer), "en")
    assert isinstance(step, ExamStep)
    step = await exams.skip(ANA, step.exam_id, step.card.question_id, "en")
    assert isinstance(step, ExamStep) and step.card.question_id == skipped  # now at the end

    confirm = await exams.finish(ANA, step.exam_id, "en", confirmed=False)
    assert isinstance(confirm, ExamConfirm) and confirm.unanswered == 2
    result = await exams.finish(ANA, step.exam_id, "en", confirmed=True)
    assert isinstance(result, ExamResult) and (result.correct, result.total) == (1, 3)
    # Unanswered questions count wrong but are not answers: one attempt only.
    assert await query(store, "SELECT count(*) FROM attempts") == [(1,)]
    with pytest.raises(StudyBotError) as late:
        await exams.answer(ANA, step.exam_id, skipped, "A", "en")
    assert late.value.key == "exam.finished"


async def test_the_deadline_is_the_servers_and_late_answers_do_not_count(
    exams: ExamService, service: StudyService, clock: Clock, store: Store
) -> None:
    step = await exams.start(ANA, "en", size=2)
    assert isinstance(step, ExamStep)
    q = service.question(step.card.question_id)
    step = await exams.answer(ANA, step.exam_id, q.id, sorted(q.answer), "en")
    assert isinstance(step, ExamStep)
    clock.now += timedelta(minutes=4)  # the deadline, to the second
    late = service.question(step.card.question_id)
    result = await exams.answer(ANA, step.exam_id, late.id, sorted(late.answer), "en")
    assert isinstance(result, ExamResult) and result.expired
    assert (result.correct, result.total) == (1, 2)
    assert result.seconds_used == 4 * 60
    assert await query(store, "SELECT question_id FROM attempts") == [(q.id,)]


async def test_one_open_exam_per_learner_resumed_after_a_restart(
    exams: ExamService, content: Content, clock: Clock, tmp_path: Path, store: Store
) -> None:
    first = await exams.start(ANA, "en", size=4)
    again = await exams.start(ANA, "en", size=10)  # a second /exam: the open one, resumed
    assert isinstance(first, ExamStep) and isinstance(again, ExamStep)
    assert (again.exam_id, again.total, again.resumed) == (first.exam_id, 4, True)

    second = await reopen(store, tmp_path)  # as another process on the same database
    try:
        other = ExamService(StudyService(content, second, clock=clock))
        resumed = await other.current(ANA, "en")
        assert isinstance(resumed, ExamStep) and resumed.exam_id == first.exam_id
        assert resumed.card.question_id == first.card.question_id
        with pytest.raises(StudyBotError) as theirs:
            await other.answer(BOB, first.exam_id, first.card.question_id, "A", "en")
        assert theirs.value.key == "error.not_yours"
    finally:
        await second.close()


async def test_bad_exam_input_gets_one_line_and_counts_nothing(
    exams: ExamService, store: Store
) -> None:
    for size in (0, 66):
        with pytest.raises(InvalidAnswer) as bad:
            await exams.start(ANA, "en", size=size)
        assert bad.value.key == "exam.bad_size"
    step = await exams.start(ANA, "en", size=2)
    assert isinstance(step, ExamStep)
    with pytest.raises(NotFound):
        await exams.answer(ANA, step.exam_id, "d9.9-not-in-it", "A", "en")
    with pytest.raises(NotFound):
        await exams.answer(ANA, 999, step.card.question_id, "A", "en")
    with pytest.raises(InvalidAnswer):
        await exams.answer(ANA, step.exam_id, step.card.question_id, "Z", "en")
    q = step.card.question_id
    letters = ",".join(step.card.letters[: step.card.choose])
    await exams.answer(ANA, step.exam_id, q, letters, "en")
    with pytest.raises(StudyBotError) as twice:
        await exams.answer(ANA, step.exam_id, q, letters, "en")
    assert twice.value.key == "exam.already_answered"
    assert await query(store, "SELECT count(*) FROM attempts") == [(0,)]


# -- reports --------------------------------------------------------------------------------------


async def test_one_report_per_learner_and_question_stored_as_typed(
    service: StudyService, store: Store
) -> None:
    await service.report(ANA, "d2.1-sample-1", "typo", "<b>Option</b> *C* misspelt")
    await service.report(ANA, "d2.1-sample-1", "wrong_answer", "C is wrong")  # replaces it
    await service.report(BOB, "d2.1-sample-1", "unclear")
    found = await query(store, "SELECT question_id, reason, text FROM reports ORDER BY reason")
    assert found == [
        ("d2.1-sample-1", "unclear", ""),
        ("d2.1-sample-1", "wrong_answer", "C is wrong"),
    ]
    with pytest.raises(NotFound):
        await service.report(ANA, "d9.9-gone", "typo")
    with pytest.raises(InvalidAnswer) as long:
        await service.report(ANA, "d2.1-sample-1", "other", "x" * 501)
    assert long.value.key == "report.too_long"
    with pytest.raises(InvalidAnswer):
        await service.report(ANA, "d2.1-sample-1", "because")
    await service.report(ANA, "d2.1-sample-2", "other", "é" * 500)  # 500 is the limit


# -- readiness ------------------------------------------------------------------------------------


async def test_progress_shows_readiness_once_there_is_enough_evidence(
    service: StudyService, clock: Clock
) -> None:
    for n in range(20):
        card = await service.next_question(ANA, "en", domain=1 + n % 4)
        await answer(service, ANA, card, right=n % 3 != 0)
        clock.now += timedelta(minutes=1)
        if n == 18:
            before = await service.progress(ANA, "en")
            assert before.readiness is None and before.answers_needed == 1
    report = await service.progress(ANA, "en")
    assert report.readiness is not None
    assert 100 <= report.readiness.expected_score <= 1000
    assert 0.0 <= report.readiness.pass_chance <= 1.0


def test_a_full_exam_follows_the_real_format_on_the_shipped_bank() -> None:
    bank = load_content(default_content_dir())
    picked = assemble_exam(bank, {}, 65, random.Random(5))
    questions = [bank.questions[q] for q in picked]
    assert len(set(picked)) == 65
    assert Counter(q.domain for q in questions) == {1: 22, 2: 17, 3: 14, 4: 12}
    share = sum(q.type == "multiple" for q in bank.questions.values()) / len(bank.questions)
    assert sum(q.choose > 1 for q in questions) == round(65 * share)
    for domain in bank.domains:  # every task statement of a domain gets its share, within one
        tasks = Counter(q.task for q in questions if q.domain == domain.id)
        assert set(tasks) == {t.id for t in domain.tasks}
        assert max(tasks.values()) - min(tasks.values()) <= 1, tasks
