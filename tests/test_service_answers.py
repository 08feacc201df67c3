"""A question's card, the token it carries, the feedback on an answer and what is reported."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from datetime import UTC, timedelta

import pytest

from adapters.shared.health import PrometheusEvents
from bot.content import Content
from bot.errors import StudyBotError
from bot.memory import Memory
from bot.service import StudyService
from bot.store import Store
from bot.views import UserRef
from tests.conftest import Clock

ANA = UserRef("console", "local", "ana", "Ana")
DOUBLE = "d1.1-sample-2"  # task 1.1, choose two: A and C


def test_a_card_is_in_the_learners_language(service: StudyService, content: Content) -> None:
    question = content.questions[DOUBLE]
    card = service.card(question, "fr", "0" * 12)
    assert card.task_name == "Réaliser l'ingestion des données"
    assert card.stem == question.stem.get("fr") != question.stem.en
    assert card.domain_name == content.domain(1).name.fr
    assert card.difficulty == question.difficulty == "easy"
    assert card.options[0] == ("A", "Option A (fr)")


async def test_a_token_is_the_issue_time_then_four_hex_digits(
    service: StudyService, clock: Clock
) -> None:
    issued = f"{int(clock.now.timestamp()):08x}"
    for _ in range(40):
        card = await service.next_question(ANA, "en")
        assert re.fullmatch(issued + "[0-9a-f]{4}", card.token), card.token


async def test_a_default_clock_is_utc_and_checks_tokens(content: Content, store: Store) -> None:
    service = StudyService(content, store, rng=random.Random(1))
    assert service.clock().tzinfo is UTC
    card = await service.next_question(ANA, "en")
    question = service.question(card.question_id)
    feedback = await service.answer(
        ANA, card.question_id, card.token, sorted(question.answer), "en"
    )
    assert feedback.correct and feedback.counted


# -- tokens ---------------------------------------------------------------------------------


def _token(at: float) -> str:
    return f"{int(at):08x}0000"


@pytest.mark.parametrize("token", ["zz", "", "r", "-1"])
async def test_an_unreadable_token_has_expired(service: StudyService, token: str) -> None:
    with pytest.raises(StudyBotError) as err:
        await service.answer(ANA, DOUBLE, token, "A,C", "en")
    assert err.value.key == "error.expired"


async def test_a_token_up_to_five_minutes_ahead_is_accepted(
    service: StudyService, clock: Clock
) -> None:
    ahead = _token((clock.now + timedelta(minutes=5)).timestamp())
    feedback = await service.answer(ANA, DOUBLE, ahead, "A,C", "en")
    assert feedback.counted and feedback.correct


async def test_a_token_further_ahead_is_refused_as_tampered(
    service: StudyService, clock: Clock
) -> None:
    ahead = _token((clock.now + timedelta(minutes=5, seconds=1)).timestamp())
    with pytest.raises(StudyBotError) as err:
        await service.answer(ANA, DOUBLE, ahead, "A,C", "en")
    assert err.value.key == "error.bad_token"


# -- feedback -------------------------------------------------------------------------------


async def test_a_repeat_shows_the_two_letters_that_counted(
    service: StudyService, clock: Clock
) -> None:
    token = _token(clock.now.timestamp())
    first = await service.answer(ANA, DOUBLE, token, "C,A", "en")
    again = await service.answer(ANA, DOUBLE, token, "B,D", "en")  # a second click, other letters
    assert first.counted and first.correct and first.chosen == ("A", "C")
    assert not again.counted
    assert again.correct is True and again.chosen == ("A", "C")
    assert [o.chosen for o in again.options] == [True, False, True, False, False]
    wrong = await service.answer(ANA, "d1.1-sample-1", token, "B", "en")
    repeat = await service.answer(ANA, "d1.1-sample-1", token, "A", "en")
    assert (
        not repeat.counted and repeat.correct is False and repeat.chosen == wrong.chosen == ("B",)
    )


async def test_feedback_is_in_the_learners_language_and_marks_the_choice(
    service: StudyService, content: Content, clock: Clock
) -> None:
    question = content.questions[DOUBLE]
    feedback = await service.answer(ANA, DOUBLE, _token(clock.now.timestamp()), "A,D", "fr")
    assert not feedback.correct
    assert feedback.stem == question.stem.get("fr") != question.stem.en
    assert feedback.domain_name == content.domain(1).name.fr
    assert [(o.letter, o.text, o.why, o.right, o.chosen) for o in feedback.options] == [
        ("A", "Option A (fr)", "Pourquoi A.", True, True),
        ("B", "Option B (fr)", "Pourquoi B.", False, False),
        ("C", "Option C (fr)", "Pourquoi C.", True, False),
        ("D", "Option D (fr)", "Pourquoi D.", False, True),
        ("E", "Option E (fr)", "Pourquoi E.", False, False),
    ]


async def test_feedback_gives_the_share_right_in_the_domain(
    service: StudyService, clock: Clock
) -> None:
    await service.answer(ANA, "d1.1-sample-1", _token(clock.now.timestamp()), "A", "en")
    second = _token(clock.now.timestamp() + 1)
    feedback = await service.answer(ANA, DOUBLE, second, "A,B", "en")
    assert (feedback.domain_attempts, feedback.domain_accuracy) == (2, 0.5)
    third = _token(clock.now.timestamp() + 2)
    feedback = await service.answer(ANA, "d1.1-sample-1", third, "A", "en")
    assert (feedback.domain_attempts, feedback.domain_accuracy) == (3, 2 / 3)


async def test_each_answer_is_reported_with_its_result_and_time(
    content: Content, store: Store, clock: Clock
) -> None:
    events = PrometheusEvents()
    service = StudyService(
        content, store, rng=random.Random(7), clock=clock, events=events, memory=Memory(fuzz=False)
    )
    token = _token(clock.now.timestamp())
    before = time.perf_counter()
    await service.answer(ANA, DOUBLE, token, "A,C", "en")
    await service.answer(ANA, DOUBLE, token, "A,C", "en")  # a double click
    await service.answer(ANA, "d2.1-sample-1", token, "A", "en")
    took = time.perf_counter() - before
    value = events.registry.get_sample_value
    for result, count in (("correct", 1), ("repeat", 1), ("wrong", 1)):
        assert value("studybot_answers_total", {"source": "quiz", "result": result}) == count
    assert value("studybot_answer_seconds_count", {"source": "quiz"}) == 3
    seconds = value("studybot_answer_seconds_sum", {"source": "quiz"})
    assert seconds is not None and 0 < seconds <= took


# -- stopping -------------------------------------------------------------------------------


async def test_drain_is_true_at_once_when_nothing_is_in_flight(service: StudyService) -> None:
    assert await asyncio.wait_for(service.drain(5.0), 5.0) is True


async def test_drain_gives_up_and_logs_the_answers_still_in_flight(
    service: StudyService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.service")
    async with service.working(), service.working():
        assert await asyncio.wait_for(service.drain(0), 5.0) is False
    (record,) = [r for r in caplog.records if r.name == "bot.service"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "2 answer(s) still in flight when stopping"
    assert await asyncio.wait_for(service.drain(5.0), 5.0) is True
