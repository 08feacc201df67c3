"""What StudyService shows as lists: the leaderboard (period, domain, the caller's own row and the
default length), the lessons, and the questions a community reports most."""

from __future__ import annotations

from datetime import timedelta

from bot.service import StudyService
from bot.views import LeaderRow, LessonSummary, UserRef
from tests.conftest import Clock

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


async def answer_right(service: StudyService, ref: UserRef, domain: int) -> None:
    card = await service.next_question(ref, "en", domain=domain)
    question = service.question(card.question_id)
    await service.answer(ref, card.question_id, card.token, sorted(question.answer), "en")


async def test_the_board_shows_ten_learners_unless_asked_for_more(service: StudyService) -> None:
    learners = [UserRef("console", "local", f"u{n:02d}", f"Learner {n:02d}") for n in range(11)]
    for ref in learners:
        await answer_right(service, ref, 1)
    assert len((await service.leaderboard(ANA, "en")).rows) == 10
    assert len((await service.leaderboard(ANA, "en", limit=11)).rows) == 11


async def test_the_week_board_counts_this_week_and_the_all_time_board_every_week(
    service: StudyService, clock: Clock
) -> None:
    today = clock.now
    clock.now = today - timedelta(weeks=2)
    await answer_right(service, ANA, 1)
    await answer_right(service, ANA, 1)
    clock.now = today
    await answer_right(service, BOB, 1)
    every = await service.leaderboard(BOB, "en")
    assert [(r.name, r.correct) for r in every.rows] == [("Ana", 2), ("Bob", 1)]
    assert every.period == "all"
    week = await service.leaderboard(BOB, "en", period="week")
    assert [(r.name, r.correct) for r in week.rows] == [("Bob", 1)]
    assert week.period == "week"


async def test_the_callers_own_row_below_the_top(service: StudyService) -> None:
    await answer_right(service, ANA, 3)
    await answer_right(service, ANA, 3)
    await answer_right(service, BOB, 3)
    board = await service.leaderboard(BOB, "en", limit=1)
    assert board.rows == (LeaderRow(1, "Ana", 2, 2, False),)
    assert board.caller == LeaderRow(2, "Bob", 1, 1, True)


async def test_a_domain_board_names_its_domain_in_the_learners_language(
    service: StudyService,
) -> None:
    await answer_right(service, ANA, 3)
    assert (await service.leaderboard(ANA, "fr")).domain_name == ""
    board = await service.leaderboard(ANA, "fr", domain=3)
    assert board.domain == 3
    assert board.domain_name == "Exploitation et support des données"
    assert [(r.name, r.correct) for r in board.rows] == [("Ana", 1)]


def test_the_lesson_list_gives_titles_and_task_statements(service: StudyService) -> None:
    listed = service.lessons("fr")
    assert listed.locale == "fr"
    assert listed.lessons == (
        LessonSummary("intro-exam", service.content.lessons[0].title.get("fr"), None),
        LessonSummary("task-1.1", "Réaliser l'ingestion des données", "1.1"),
    )


def test_a_lesson_in_french(service: StudyService) -> None:
    view = service.lesson("1.1", "fr")
    assert view.locale == "fr"
    assert view.title == "Réaliser l'ingestion des données"
    assert view.body == "Kinesis Data Streams et Amazon Data Firehose."
    assert view.task == "1.1" and view.domain == 1


async def test_the_five_most_reported_questions_by_default(service: StudyService) -> None:
    ids = sorted(service.content.questions)[:6]
    for question_id in ids:
        await service.report(ANA, question_id, "typo")
    await service.report(BOB, ids[3], "unclear", "which one?")
    top = await service.top_reported("console", "local")
    assert [s.question_id for s in top] == [ids[3], ids[0], ids[1], ids[2], ids[4]]
    assert top[0].count == 2 and top[0].by_reason == {"typo": 1, "unclear": 1}
    assert top[0].texts == ["which one?"]
    assert len(await service.top_reported("console", "local", limit=6)) == 6
    assert await service.top_reported("console", "elsewhere") == []
