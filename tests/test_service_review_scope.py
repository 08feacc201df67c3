"""Which question /quiz and /review serve inside a scope (a domain or one task statement), how a
review is marked and in which language: on a bank where domain 2 has two task statements."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.memory import Memory
from bot.service import StudyService
from bot.store import Store
from bot.views import QuestionCard, ReviewWait, UserRef
from tests.conftest import FIXTURE_CONTENT, Clock, query

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


@pytest.fixture
def two_tasks(tmp_path: Path) -> Content:
    """The fixture bank plus two questions of task 2.2, so domain 2 spans two task statements."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    text = (root / "questions" / "2.1.yaml").read_text(encoding="utf-8")
    (root / "questions" / "2.2.yaml").write_text(text.replace("2.1", "2.2"), encoding="utf-8")
    return load_content(root)


@pytest.fixture
def study(two_tasks: Content, store: Store, clock: Clock) -> StudyService:
    return StudyService(
        two_tasks, store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )


async def answer_task(study: StudyService, ref: UserRef, task: str) -> None:
    """Answer every question of one task statement wrong, so each gets a card."""
    for question_id in study.content.question_ids(int(task[0])):
        question = study.question(question_id)
        if question.task != task:
            continue
        card = await study.next_question(ref, "en", task=task)
        question = study.question(card.question_id)
        wrong = [x for x in question.letters if x not in question.answer][: question.choose]
        await study.answer(ref, card.question_id, card.token, wrong, "en")


def test_the_bank_has_two_task_statements_in_domain_2(two_tasks: Content) -> None:
    assert {two_tasks.questions[q].task for q in two_tasks.question_ids(2)} == {"2.1", "2.2"}


async def test_quiz_on_a_task_serves_only_that_task(study: StudyService) -> None:
    tasks = {(await study.next_question(BOB, "en", task="2.2")).task for _ in range(12)}
    assert tasks == {"2.2"}


async def test_quiz_on_a_task_skips_reviews_due_in_another_task_of_the_domain(
    study: StudyService, clock: Clock
) -> None:
    await answer_task(study, ANA, "2.1")
    clock.now += timedelta(days=30)
    card = await study.next_question(ANA, "en", task="2.2")
    assert (card.task, card.kind) == ("2.2", "quiz")
    review = await study.next_question(ANA, "en", task="2.1")
    assert (review.task, review.kind) == ("2.1", "review")


async def test_a_review_served_by_quiz_is_in_the_learners_language_and_counts_as_a_review(
    study: StudyService, store: Store, clock: Clock
) -> None:
    await answer_task(study, ANA, "2.1")
    clock.now += timedelta(days=30)
    card = await study.next_question(ANA, "fr", domain=2)
    assert card.kind == "review" and card.locale == "fr"
    assert card.stem.startswith("Question d'exemple")
    question = study.question(card.question_id)
    await study.answer(ANA, card.question_id, card.token, sorted(question.answer), "fr")
    sources = await query(
        store, "SELECT source FROM attempts WHERE question_id = ? ORDER BY id", card.question_id
    )
    assert sources == [("quiz",), ("review",)]


async def test_review_keeps_to_the_domain_and_the_task_asked(
    study: StudyService, clock: Clock
) -> None:
    await answer_task(study, ANA, "1.1")
    clock.now += timedelta(days=30)
    assert isinstance(await study.next_review(ANA, "en", domain=2), ReviewWait)
    assert isinstance(await study.next_review(ANA, "en", task="2.1"), ReviewWait)
    found = await study.next_review(ANA, "fr", task="1.1")
    assert isinstance(found, QuestionCard)
    assert found.task == "1.1" and found.kind == "review" and found.locale == "fr"


async def test_after_a_review_the_next_quiz_question_is_a_new_one(
    study: StudyService, clock: Clock
) -> None:
    await answer_task(study, ANA, "1.1")
    clock.now += timedelta(days=30)
    review = await study.next_review(ANA, "en")
    assert isinstance(review, QuestionCard) and review.kind == "review"
    assert (await study.next_question(ANA, "en")).kind == "quiz"


async def test_no_review_due_answers_in_the_learners_language(
    study: StudyService, clock: Clock
) -> None:
    wait = await study.next_review(ANA, "fr")
    assert isinstance(wait, ReviewWait)
    assert wait.locale == "fr" and wait.next_due is None and wait.now == clock.now


async def test_with_nothing_due_in_a_scope_the_wait_is_for_that_scopes_next_card(
    study: StudyService, clock: Clock
) -> None:
    await answer_task(study, ANA, "1.1")
    clock.now += timedelta(seconds=20)
    await answer_task(study, ANA, "2.2")
    # No card is due yet (a missed question comes back after a minute); domain 1's first card
    # comes due 20 seconds before domain 2's.
    first_of = {}
    for domain in (1, 2):
        wait = await study.next_review(ANA, "en", domain)
        assert isinstance(wait, ReviewWait) and wait.next_due is not None
        first_of[domain] = wait.next_due
    assert first_of[2] - first_of[1] == timedelta(seconds=20)
    on_task = await study.next_review(ANA, "en", task="2.1")  # no card in 2.1 at all
    assert isinstance(on_task, ReviewWait) and on_task.next_due is None
    every = await study.next_review(ANA, "en")
    assert isinstance(every, ReviewWait) and every.next_due == first_of[1]
