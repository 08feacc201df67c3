"""Which question a daily post gets (the exam's domain weights), the card it is shown with,
and the streak of a member answering in channels of different time zones on the same date."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.content import Content
from bot.daily import DailyService, pick_daily
from bot.errors import NotFound
from bot.service import StudyService
from bot.views import UserRef
from scheduler.daily import DailyScheduler
from tests.conftest import Clock
from tests.test_daily import FakePublisher

pytestmark = pytest.mark.both_stores  # the tests with a store run on SQLite and PostgreSQL

DAY = date(2026, 11, 27)


def bank_of(content: Content, per_domain: int) -> Content:
    """The fixture's domains (weights 34, 26, 22, 18) with `per_domain` questions each."""
    questions = {}
    for domain in content.domains:
        model = content.questions[content.question_ids(domain.id)[0]]
        for n in range(per_domain):
            q = dataclasses.replace(model, id=f"d{domain.id}-q{n}")
            questions[q.id] = q
    return dataclasses.replace(content, questions=questions)


def history_of(content: Content, counts: dict[int, int]) -> list[str]:
    return [qid for d, n in counts.items() for qid in content.question_ids(d)[:n]]


@pytest.mark.parametrize(
    ("per_domain", "counts", "expected"),
    [
        # After 5 posts the 6th's shares are 2.04, 1.56, 1.32, 1.08: domain 1 (1 of 2.04) is
        # 1.04 below, domain 4 (0 of 1.08) 1.08 below: domain 4 goes next.
        (2, {1: 1, 2: 2, 3: 2, 4: 0}, 4),
        # After 41 posts the 42nd's shares are 14.28, 10.92, 9.24, 7.56: domain 1 (13) is 1.28
        # below, domain 3 (8) 1.24 below, the others above: domain 1, though domain 3 has fewer.
        (20, {1: 13, 2: 11, 3: 8, 4: 9}, 1),
    ],
)
def test_the_domain_furthest_below_its_share_of_the_cycle_goes_next(
    content: Content, per_domain: int, counts: dict[int, int], expected: int
) -> None:
    bank = bank_of(content, per_domain)
    history = history_of(bank, counts)
    for n in range(10):  # whatever the day's seed
        day = date(2026, 1, 1) + timedelta(days=n)
        assert pick_daily(bank, "discord:c", day, history).domain == expected


def test_an_empty_bank_has_no_daily_question(content: Content) -> None:
    empty = dataclasses.replace(content, questions={})
    with pytest.raises(NotFound) as raised:
        pick_daily(empty, "discord:c", DAY, [])
    assert raised.value.key == "error.unknown_question"


async def test_the_daily_card_carries_its_posts_token(service: StudyService, clock: Clock) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    daily = DailyService(service)
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    post = await daily.prepare(channel, DAY)
    assert post is not None
    card = daily.card(post, "fr")
    assert (card.question_id, card.token, card.locale) == (post.question_id, post.token, "fr")


async def test_a_second_answer_on_the_same_date_further_west_keeps_the_streak_alive_longer(
    service: StudyService, clock: Clock
) -> None:
    paris = await service.configure_daily("discord", "g", "paris", "09:00", "Europe/Paris", "en")
    new_york = await service.configure_daily(
        "discord", "g", "ny", "09:00", "America/New_York", "en"
    )
    daily = DailyService(service)
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    ana = UserRef("discord", "g", "ana", "Ana")
    for channel, now in (
        (paris, datetime(2026, 11, 27, 8, 30, tzinfo=UTC)),  # 09:30 on the 27th in Paris
        (new_york, datetime(2026, 11, 27, 14, 30, tzinfo=UTC)),  # 09:30 on the 27th in New York
    ):
        clock.now = now
        post = await scheduler.post(channel, DAY)
        assert post is not None
        await daily.answer(ana, post.id, sorted(service.question(post.question_id).answer), "en")
    user = await service.store.user(ana)
    assert await daily.store.streak(user.id) == (1, "2026-11-27", "America/New_York")
    # 00:30 on the 29th in Paris, still the 28th in New York: the streak lives on.
    clock.now = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    assert (await service.progress(ana, "en")).streak == 1
