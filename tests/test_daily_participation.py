"""The daily-question participation the organisers' weekly stats read: answers and members."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.daily import DailyService
from bot.service import StudyService, attempt_nonce
from bot.views import DailyPost, UserRef
from scheduler.daily import DailyScheduler
from tests.conftest import Clock
from tests.test_daily import FakePublisher

pytestmark = pytest.mark.both_stores

ANA = UserRef("discord", "g", "ana", "Ana")
BOB = UserRef("discord", "g", "bob", "Bob")


async def answer_right(daily: DailyService, ref: UserRef, post: DailyPost) -> None:
    question = daily.study.question(post.question_id)
    await daily.answer(ref, post.id, sorted(question.answer), "en")


async def test_no_posts_means_no_answers_and_no_members(service: StudyService) -> None:
    assert await service.store.daily.participation([]) == (0, 0)


async def test_answers_to_several_posts_count_each_answer_and_each_member_once(
    service: StudyService, clock: Clock
) -> None:
    daily = DailyService(service)
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    posts: list[DailyPost] = []
    for n in range(2):
        day = date(2026, 11, 27) + timedelta(days=n)
        clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        post = await scheduler.post(channel, day)
        assert post is not None
        posts.append(post)
        await answer_right(daily, ANA, post)  # Ana answers both days
    await answer_right(daily, BOB, posts[1])  # Bob only the second

    nonces = [attempt_nonce("daily", p.question_id, p.token) for p in posts]
    assert await service.store.daily.participation(nonces) == (3, 2)
    assert await service.store.daily.participation(nonces[:1]) == (1, 1)
