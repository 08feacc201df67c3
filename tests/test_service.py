"""The use cases on a real SQLite file, with a fixed clock and random seed."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest

from bot.content import Content
from bot.errors import InvalidAnswer, NotFound, StudyBotError
from bot.service import StudyService, choose_question, estimate_score, parse_choice
from bot.store import Store
from bot.views import DomainProgress, UserRef
from tests.conftest import Clock, query

pytestmark = pytest.mark.both_stores  # every test here runs on SQLite and PostgreSQL

ANA = UserRef("console", "local", "ana", "Ana")
BOB = UserRef("console", "local", "bob", "Bob")


def test_parse_choice_accepts_common_spellings(content: Content) -> None:
    single = content.questions["d2.1-sample-1"]
    multiple = content.questions["d1.1-sample-2"]
    assert parse_choice("b", single) == ("B",)
    assert parse_choice(" C ", single) == ("C",)
    assert parse_choice("A,D", multiple) == ("A", "D")
    assert parse_choice("d a", multiple) == ("A", "D")
    assert parse_choice("AD", multiple) == ("A", "D")
    assert parse_choice(["E", "B"], multiple) == ("B", "E")


@pytest.mark.parametrize(("given", "key"), [("Z", "error.bad_letter"), ("AB", "error.bad_letter")])
def test_parse_choice_rejects_bad_single_answers(content: Content, given: str, key: str) -> None:
    with pytest.raises(InvalidAnswer) as err:
        parse_choice(given, content.questions["d2.1-sample-1"])
    assert err.value.key == key


@pytest.mark.parametrize("given", ["A", "A,A", "A,B,C", ""])
def test_choose_two_needs_exactly_two_letters(content: Content, given: str) -> None:
    with pytest.raises(InvalidAnswer) as err:
        parse_choice(given, content.questions["d1.1-sample-2"])
    assert err.value.key == "error.need_n" and err.value.params["n"] == 2


def test_unseen_questions_come_first_then_missed_ones(content: Content) -> None:
    rng = random.Random(1)
    all_ids = set(content.questions)
    seen = dict.fromkeys(all_ids - {"d3.1-sample-2"}, True)
    assert choose_question(content, seen, None, rng).id == "d3.1-sample-2"
    seen = dict.fromkeys(all_ids, True) | {"d4.1-sample-1": False}
    assert choose_question(content, seen, None, rng).id == "d4.1-sample-1"
    picks = {choose_question(content, {}, 2, rng).domain for _ in range(20)}
    assert picks == {2}


def test_estimate_needs_enough_answers_then_weights_domains() -> None:
    few = [DomainProgress(i, "", w, 2, 2) for i, w in ((1, 34), (2, 26), (3, 22), (4, 18))]
    assert estimate_score(few) == (None, 12)
    gaps = [DomainProgress(1, "", 34, 30, 30)] + [DomainProgress(i, "", 22, 0, 0) for i in (2, 3)]
    assert estimate_score(gaps)[0] is None and estimate_score(gaps)[1] == 6
    perfect = [DomainProgress(i, "", w, 5, 5) for i, w in ((1, 34), (2, 26), (3, 22), (4, 18))]
    assert estimate_score(perfect) == (1000, 0)
    half = [DomainProgress(1, "", 34, 10, 10), DomainProgress(2, "", 26, 10, 0)]
    half += [DomainProgress(3, "", 22, 10, 10), DomainProgress(4, "", 18, 10, 0)]
    assert estimate_score(half) == (round(100 + 900 * 0.56), 0)


async def test_quiz_then_answer_gives_full_feedback(service: StudyService) -> None:
    card = await service.next_question(ANA, "fr", domain=1)
    assert card.domain == 1 and card.locale == "fr" and card.domain_name.startswith("Ingestion")
    question = service.question(card.question_id)
    right = sorted(question.answer)
    feedback = await service.answer(ANA, card.question_id, card.token, right, "fr")
    assert feedback.correct and feedback.counted
    assert feedback.right == tuple(right)
    assert [o.letter for o in feedback.options] == list(question.letters)
    assert all(o.why for o in feedback.options)
    assert feedback.references and feedback.domain_attempts == 1 and feedback.domain_accuracy == 1


async def test_double_click_counts_once(service: StudyService) -> None:
    card = await service.next_question(ANA, "en", domain=2)
    first = await service.answer(ANA, card.question_id, card.token, "A", "en")
    second = await service.answer(ANA, card.question_id, card.token, "A", "en")
    assert first.counted and not second.counted
    assert second.domain_attempts == 1


async def test_expired_and_unknown_questions_are_refused(
    service: StudyService, clock: Clock
) -> None:
    card = await service.next_question(ANA, "en")
    clock.now += timedelta(hours=25)
    with pytest.raises(StudyBotError) as err:
        await service.answer(ANA, card.question_id, card.token, card.letters[0], "en")
    assert err.value.key == "error.expired"
    with pytest.raises(NotFound):
        await service.answer(ANA, "d9.9-gone", card.token, "A", "en")


async def test_progress_and_weakest_domain(service: StudyService) -> None:
    report = await service.progress(ANA, "en")
    assert report.attempts == 0 and report.estimate is None and report.weakest is None
    for n in range(3):
        for domain in (1, 2):
            card = await service.next_question(ANA, "en", domain=domain)
            q = service.question(card.question_id)
            wrong = [next(x for x in q.letters if x not in q.answer)]
            choice = sorted(q.answer) if domain == 1 else wrong
            await service.answer(ANA, card.question_id, card.token, choice, "en")
        report = await service.progress(ANA, "en")
        # One or two answers a domain compare nothing yet: no domain is named the weakest.
        assert (report.weakest is None) == (n < 2), n
    assert [d.attempts for d in report.domains] == [3, 3, 0, 0]
    assert report.weakest is not None and report.weakest.id == 2
    assert report.answers_needed == 14


async def answer_one(service: StudyService, ref: UserRef, right: bool, domain: int = 1) -> None:
    card = await service.next_question(ref, "en", domain=domain)
    q = service.question(card.question_id)
    wrong = [x for x in q.letters if x not in q.answer][: q.choose]
    await service.answer(
        ref, card.question_id, card.token, sorted(q.answer) if right else wrong, "en"
    )


async def test_progress_shows_the_last_eight_weeks_from_the_weekly_scores(
    service: StudyService, clock: Clock
) -> None:
    today = clock.now  # Friday 27 November 2026, ISO week 48
    report = await service.progress(ANA, "en")
    assert [w.week for w in report.weeks] == [f"2026-W{n}" for n in range(41, 49)]
    assert report.weeks[0].start.isoformat() == "2026-10-05"  # a Monday
    assert report.weeks[-1].start.isoformat() == "2026-11-23"
    assert all(w.attempts == 0 and w.accuracy == 0.0 for w in report.weeks)

    clock.now = today - timedelta(weeks=9)  # too old to show
    await answer_one(service, ANA, True)
    clock.now = today - timedelta(weeks=2)
    for right in (True, False, True):
        await answer_one(service, ANA, right, domain=2)
    clock.now = today
    await answer_one(service, ANA, False)
    await answer_one(service, BOB, True)  # another learner's week stays his

    report = await service.progress(ANA, "en")
    shown = [(w.week, w.attempts, w.correct) for w in report.weeks if w.attempts]
    assert shown == [("2026-W46", 3, 2), ("2026-W48", 1, 0)]
    assert report.weeks[-3].accuracy == pytest.approx(2 / 3)
    assert report.attempts == 5  # all time still counts the old answer


async def test_leaderboard_top_and_caller_rank(service: StudyService) -> None:
    for ref, n in ((ANA, 2), (BOB, 1)):
        for _ in range(n):
            card = await service.next_question(ref, "en", domain=3)
            q = service.question(card.question_id)
            await service.answer(ref, card.question_id, card.token, sorted(q.answer), "en")
    board = await service.leaderboard(BOB, "en")
    assert [(r.name, r.correct) for r in board.rows] == [("Ana", 2), ("Bob", 1)]
    assert board.caller is not None and board.caller.rank == 2
    assert [r.is_caller for r in board.rows] == [False, True]
    week = await service.leaderboard(BOB, "en", domain=3, period="week")
    assert week.caller is not None and week.caller.correct == 1
    assert (await service.leaderboard(BOB, "en", domain=4)).caller is None
    with pytest.raises(InvalidAnswer):
        await service.leaderboard(BOB, "en", period="year")


async def test_lessons_by_id_task_and_words(service: StudyService) -> None:
    assert [x.id for x in service.lessons("fr").lessons] == ["intro-exam", "task-1.1"]
    assert service.lesson("task-1.1", "en").title == "Perform data ingestion"
    assert service.lesson("1.1", "fr").title == "Réaliser l'ingestion des données"
    assert service.lesson("ingestion", "en").domain == 1
    assert service.lesson("130 minutes", "en").id == "intro-exam"
    with pytest.raises(NotFound) as err:
        service.lesson("quantum", "en")
    assert err.value.params["query"] == "quantum"


async def test_language_choice_is_remembered(service: StudyService) -> None:
    assert await service.locale(ANA, "fr-FR") == "fr"
    await service.set_locale(ANA, "en")
    assert await service.locale(ANA, "fr-FR") == "en"


async def test_a_repeat_shows_the_answer_that_counted(service: StudyService) -> None:
    card = await service.next_question(ANA, "en", domain=2)
    q = service.question(card.question_id)
    wrong = next(x for x in q.letters if x not in q.answer)
    right = sorted(q.answer)
    first = await service.answer(ANA, card.question_id, card.token, wrong, "en")
    again = await service.answer(ANA, card.question_id, card.token, right, "en")
    assert not first.correct and not again.counted
    assert not again.correct and again.chosen == (wrong,)


async def test_aggregates_equal_a_recount_of_the_answers_on_either_database(
    service: StudyService, store: Store
) -> None:
    learners = [UserRef("console", "local", f"l{n}", f"L{n}") for n in range(4)]
    cards = [
        (ref, await service.next_question(ref, "en", domain=1 + n % 4))
        for n, ref in enumerate(learners * 3)
    ]
    clicks = []
    for ref, card in cards:  # every card answered twice at once: one batch, counted once
        q = service.question(card.question_id)
        choice = sorted(q.answer) if len(clicks) % 3 else [x for x in q.letters][: q.choose]
        clicks += [service.answer(ref, q.id, card.token, choice, "en")] * 2
    await asyncio.gather(*clicks)
    recount = await query(
        store,
        "SELECT user_id, domain, count(*), sum(correct) FROM attempts GROUP BY user_id, domain "
        "ORDER BY user_id, domain",
    )
    scores = await query(
        store,
        "SELECT user_id, domain, attempts, correct FROM scores "
        "WHERE period = 'all' AND domain > 0 ORDER BY user_id, domain",
    )
    assert [tuple(map(int, r)) for r in scores] == [tuple(map(int, r)) for r in recount]
    times = await query(
        store,
        "SELECT s.user_id, s.question_id, s.times, count(a.id) FROM seen s JOIN attempts a "
        "ON a.user_id = s.user_id AND a.question_id = s.question_id "
        "GROUP BY s.user_id, s.question_id, s.times",
    )
    assert times and all(int(r[2]) == int(r[3]) for r in times)
    assert len(await query(store, "SELECT id FROM attempts")) == len(cards)
    # The organisers' tally per question and week, moved once a batch, equals a recount too.
    tallies = await query(
        store,
        "SELECT community, period, question_id, attempts, correct FROM question_stats "
        "ORDER BY community, period, question_id",
    )
    recount = await query(
        store,
        "SELECT community, week, question_id, count(*), sum(correct) FROM attempts "
        "GROUP BY community, week, question_id ORDER BY community, week, question_id",
    )
    assert tallies and [(*r[:3], int(r[3]), int(r[4])) for r in tallies] == [
        (*r[:3], int(r[3]), int(r[4])) for r in recount
    ]


async def test_a_question_can_be_answered_for_24_hours_and_not_a_second_more(
    service: StudyService, clock: Clock
) -> None:
    cards = [await service.next_question(ANA, "en", domain=2) for _ in range(2)]
    clock.now += timedelta(hours=24)  # the clock is on a whole second, as the token's stamp is
    on_time = await service.answer(ANA, cards[0].question_id, cards[0].token, "A", "en")
    assert on_time.counted
    clock.now += timedelta(seconds=1)
    with pytest.raises(StudyBotError) as late:
        await service.answer(ANA, cards[1].question_id, cards[1].token, "A", "en")
    assert late.value.key == "error.expired"
