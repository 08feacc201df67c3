"""A learner's weeks and a community's week, from the aggregates, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.shared.text import render_stats
from bot.daily import DailyService
from bot.service import StudyService, week_key
from bot.store import AttemptRecord, Store
from bot.views import UserRef
from tests.conftest import Clock, query

pytestmark = pytest.mark.both_stores  # every test here runs on SQLite and PostgreSQL

ANA = UserRef("discord", "g1", "ana", "Ana")
BOB = UserRef("discord", "g1", "bob", "Bob")
CAL = UserRef("discord", "g1", "cal", "Cal")
ELSEWHERE = UserRef("discord", "g2", "dan", "Dan")


def attempt(user_id: int, community: str, qid: str, domain: int, right: bool, n: int, week: str):
    return AttemptRecord(
        user_id=user_id,
        community=community,
        question_id=qid,
        domain=domain,
        choice="A",
        correct=right,
        source="quiz",
        nonce=f"n{n}",
        week=week,
        answered_at="2026-11-27T12:00:00Z",
    )


async def answer(service: StudyService, ref: UserRef, qid: str, right: bool) -> None:
    q = service.question(qid)
    card = service.card(q, "en", service._token())
    wrong = [x for x in q.letters if x not in q.answer][: q.choose]
    await service.answer(ref, qid, card.token, sorted(q.answer) if right else wrong, "en")


async def test_weekly_reads_a_learners_all_domain_rows_of_the_weeks_asked(store: Store) -> None:
    ana = await store.user(ANA)
    bob = await store.user(BOB)
    rows = [
        (ana.id, "d1.1-sample-1", 1, True, "2026-W47"),
        (ana.id, "d2.1-sample-1", 2, False, "2026-W47"),
        (ana.id, "d2.1-sample-1", 2, True, "2026-W48"),
        (ana.id, "d3.1-sample-1", 3, True, "2026-W30"),
        (bob.id, "d1.1-sample-1", 1, True, "2026-W48"),
    ]
    for n, (uid, qid, domain, right, week) in enumerate(rows):
        await store.record(attempt(uid, ana.community, qid, domain, right, n, week))

    found = await store.weekly(ana.id, ["2026-W46", "2026-W47", "2026-W48"])
    assert sorted((w.period, w.attempts, w.correct) for w in found) == [
        ("2026-W47", 2, 1),
        ("2026-W48", 1, 1),
    ]
    assert await store.weekly(ana.id, []) == []


async def test_group_scores_and_most_missed_come_from_the_weekly_aggregates(store: Store) -> None:
    ana, bob = await store.user(ANA), await store.user(BOB)
    dan = await store.user(ELSEWHERE)
    rows = [
        # Ana and Bob in g1 this week; Dan in g2; an old week in g1.
        (ana, "d1.1-sample-1", 1, False, "2026-W48"),
        (bob, "d1.1-sample-1", 1, False, "2026-W48"),
        (ana, "d2.1-sample-1", 2, False, "2026-W48"),
        (bob, "d2.1-sample-1", 2, True, "2026-W48"),
        (ana, "d3.1-sample-1", 3, True, "2026-W48"),
        (dan, "d4.1-sample-1", 4, False, "2026-W48"),
        (ana, "d4.1-sample-1", 4, False, "2026-W40"),
    ]
    for n, (user, qid, domain, right, week) in enumerate(rows):
        await store.record(attempt(user.id, user.community, qid, domain, right, n, week))

    groups = {g.domain: (g.learners, g.attempts, g.correct) for g in await store.group_scores(
        "discord:g1", "2026-W48"
    )}  # fmt: skip
    assert groups == {0: (2, 5, 2), 1: (2, 2, 0), 2: (2, 2, 1), 3: (1, 1, 1)}

    missed = await store.most_missed("discord:g1", "2026-W48", 5)
    assert [(m.question_id, m.attempts, m.correct) for m in missed] == [
        ("d1.1-sample-1", 2, 0),  # two wrong
        ("d2.1-sample-1", 2, 1),  # one wrong
    ]
    assert len(await store.most_missed("discord:g1", "2026-W48", 1)) == 1
    assert await store.most_missed("discord:g2", "2026-W40", 5) == []
    # A repeat of the same answer (same nonce) counts once here too.
    await store.record(attempt(ana.id, ana.community, "d1.1-sample-1", 1, False, 0, "2026-W48"))
    rows_now = await query(
        store,
        "SELECT attempts, correct FROM question_stats WHERE community = ? AND period = ? "
        "AND question_id = ?",
        "discord:g1",
        "2026-W48",
        "d1.1-sample-1",
    )
    assert rows_now == [(2, 0)]


async def test_a_communitys_week_for_its_organisers(service: StudyService, clock: Clock) -> None:
    daily = DailyService(service)
    channel = await daily.configure("discord", "g1", "c1")
    post = await daily.today(channel)  # Friday 27 November 2026
    asked = service.question(post.question_id)
    right = sorted(asked.answer)
    wrong = [x for x in asked.letters if x not in asked.answer][: asked.choose]
    await daily.answer(ANA, post.id, right, "en")
    await daily.answer(BOB, post.id, wrong, "en")
    await daily.answer(BOB, post.id, right, "en")  # a second click counts once
    await answer(service, ANA, "d1.1-sample-1", False)
    await answer(service, CAL, "d1.1-sample-1", False)
    await answer(service, CAL, "d4.1-sample-1", True)
    await answer(service, ELSEWHERE, "d2.1-sample-1", False)  # another community
    clock.now -= timedelta(weeks=1)
    await answer(service, ANA, "d3.1-sample-1", False)  # last week
    last_week_post = await daily.today(channel)
    clock.now += timedelta(weeks=1)

    week = await service.community_week("discord", "g1", "en")
    assert week.week == week_key(clock.now) == "2026-W48"
    assert week.start.isoformat() == "2026-11-23"
    assert (week.learners, week.attempts, week.correct) == (3, 5, 2)
    expected = {1: 2, 2: 0, 3: 0, 4: 1}
    expected[asked.domain] += 2
    assert [d.attempts for d in week.domains] == [expected[d] for d in (1, 2, 3, 4)]
    assert (week.daily_posts, week.daily_answers, week.daily_members) == (1, 2, 2)
    both = asked.id == "d1.1-sample-1"  # the daily question may be the one Ana and Cal missed
    top = week.missed[0]
    assert (top.question_id, top.wrong, top.attempts) == ("d1.1-sample-1", 2 + both, 2 + 2 * both)
    assert week.missed[0].stem == service.question("d1.1-sample-1").stem.en
    assert all(m.wrong > 0 for m in week.missed) and len(week.missed) <= 5
    assert last_week_post.local_date == "2026-11-20"

    before = await service.community_week("discord", "g1", "fr", weeks_ago=1)
    assert (before.week, before.learners, before.attempts, before.daily_posts) == (
        "2026-W47",
        1,
        1,
        1,
    )
    assert (before.daily_answers, before.daily_members) == (0, 0)
    assert before.missed[0].question_id == "d3.1-sample-1"
    assert before.domains[2].name == service.content.domain(3).name.fr

    text = render_stats(week)
    assert text.startswith("This community's week of 23 November 2026")
    assert "3 active learners" in text and "5 answers, 40% right" in text
    assert "Daily questions posted: 1." in text
    assert "Members who answered one: 2 (67% of the active learners); answers in all: 2." in text
    assert f"d1.1-sample-1: {2 + both} wrong out of {2 + 2 * both}" in text
    assert "Ana" not in text and "Bob" not in text  # no member is named


async def test_an_empty_week_says_so_in_both_languages(service: StudyService) -> None:
    week = await service.community_week("slack", "T1", "fr")
    assert (week.learners, week.attempts, week.daily_posts, week.missed) == (0, 0, 0, ())
    text = render_stats(week)
    assert "Personne n'a encore répondu cette semaine." in text
    assert "Aucune question du jour n'a été publiée cette semaine." in text
    assert "Aucune question manquée cette semaine." in text
    english = render_stats(await service.community_week("slack", "T1", "en"))
    assert "Nobody has answered this week yet." in english
