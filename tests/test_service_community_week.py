"""A community's week for its organisers, at its edges: the daily posts of exactly Monday to
Sunday, a missed question that has left the bank, stems in French, and an empty week's zeros."""

from __future__ import annotations

import random
import shutil
from datetime import datetime
from pathlib import Path

from bot.content import load_content
from bot.daily import DailyService
from bot.memory import Memory
from bot.service import StudyService
from bot.store import Store
from bot.views import UserRef
from tests.conftest import FIXTURE_CONTENT, Clock

ANA = UserRef("discord", "g1", "ana", "Ana")


async def answer(service: StudyService, ref: UserRef, question_id: str, right: bool) -> None:
    q = service.question(question_id)
    card = service.card(q, "en", service._token())
    wrong = [x for x in q.letters if x not in q.answer][: q.choose]
    await service.answer(ref, question_id, card.token, sorted(q.answer) if right else wrong, "en")


async def test_a_week_holds_the_daily_posts_of_monday_to_sunday(
    service: StudyService, clock: Clock
) -> None:
    daily = DailyService(service)
    channel = await daily.configure("discord", "g1", "c1")
    today = clock.now  # Friday 27 November 2026, ISO week 48 (Monday 23 to Sunday 29)
    for day in (15, 16, 22, 23):  # Sunday W46, Monday W47, Sunday W47, Monday W48
        clock.now = datetime(2026, 11, day, 12, 0, tzinfo=today.tzinfo)
        await daily.today(channel)
    clock.now = today
    before = await service.community_week("discord", "g1", "en", weeks_ago=1)
    assert (before.week, before.start.isoformat()) == ("2026-W47", "2026-11-16")
    assert before.daily_posts == 2
    this = await service.community_week("discord", "g1", "en")
    assert this.daily_posts == 1


async def test_missed_questions_in_french_and_one_no_longer_in_the_bank(
    service: StudyService, store: Store, clock: Clock, tmp_path: Path
) -> None:
    await answer(service, ANA, "d2.1-sample-1", False)
    await answer(service, ANA, "d2.1-sample-1", False)
    await answer(service, ANA, "d4.1-sample-1", False)
    await answer(service, ANA, "d4.1-sample-2", True)
    week = await service.community_week("discord", "g1", "fr")
    assert [(m.question_id, m.wrong) for m in week.missed] == [
        ("d2.1-sample-1", 2),
        ("d4.1-sample-1", 1),
    ]
    french = service.question("d2.1-sample-1").stem.get("fr")
    assert french.startswith("Question d'exemple 1")
    assert week.missed[0].stem == french
    assert (week.attempts, week.correct) == (4, 1)

    # The bank changes: d4.1-sample-1 is renamed, so the week's count of it has no stem.
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    path = root / "questions" / "4.1.yaml"
    path.write_text(path.read_text("utf-8").replace("d4.1-sample-1", "d4.1-sample-9"), "utf-8")
    renamed = StudyService(
        load_content(root), store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )
    week = await renamed.community_week("discord", "g1", "fr")
    assert [(m.question_id, m.stem) for m in week.missed] == [
        ("d2.1-sample-1", french),
        ("d4.1-sample-1", ""),
    ]


async def test_a_week_without_answers_counts_zero_right(service: StudyService) -> None:
    week = await service.community_week("discord", "quiet", "en", weeks_ago=2)
    assert (week.learners, week.attempts, week.correct) == (0, 0, 0)
    assert week.start.isoformat() == "2026-11-09"
    assert all(d.attempts == 0 and d.correct == 0 for d in week.domains)
    assert week.week == "2026-W46"
