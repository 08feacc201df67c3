"""The daily scheduler's defaults and its cron jobs: the real clock, how many posts at once,
refreshes that change nothing, a zero grace, and a day a time zone skipped."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.daily import DailyService
from bot.service import StudyService
from bot.views import DailyChannel, DailyPost, QuestionCard
from scheduler.daily import DailyScheduler, latest_slot
from tests.conftest import Clock
from tests.test_daily import FakePublisher, channel_of

pytestmark = pytest.mark.both_stores  # the tests with a store run on SQLite and PostgreSQL

DAY = date(2026, 11, 27)


async def test_without_a_clock_the_scheduler_goes_by_the_real_utc_time(
    service: StudyService,
) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    await service.configure_daily("discord", "g", "c", an_hour_ago.strftime("%H:%M"), "UTC", "en")
    publisher = FakePublisher()
    scheduler = DailyScheduler(DailyService(service), {"discord": publisher})
    await scheduler.catch_up()  # an hour late, within the grace: made now
    assert [c for c, _ in publisher.questions] == ["c"]


async def test_at_most_four_posts_are_in_flight_by_default(
    service: StudyService, clock: Clock
) -> None:
    channels = [
        await service.configure_daily("discord", "g", f"c{n}", "09:00", "UTC", "en")
        for n in range(6)
    ]
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    four, fifth, gate = asyncio.Event(), asyncio.Event(), asyncio.Event()

    class GatedPublisher(FakePublisher):
        inside = 0

        async def post_question(
            self, channel: DailyChannel, post: DailyPost, card: QuestionCard
        ) -> str:
            self.inside += 1
            if self.inside == 4:
                four.set()
            if self.inside > 4:
                fifth.set()
            await gate.wait()
            self.inside -= 1
            return await super().post_question(channel, post, card)

    publisher = GatedPublisher()
    scheduler = DailyScheduler(DailyService(service), {"discord": publisher}, clock=clock)
    posting = asyncio.gather(*(scheduler.post(c, DAY) for c in channels))
    await four.wait()
    # Nothing can signal that a post did *not* start: give a fifth ample time to show up.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(fifth.wait(), 0.5)
    gate.set()
    assert all(p is not None for p in await posting)
    assert len(publisher.questions) == 6


async def test_a_refresh_that_finds_nothing_changed_leaves_the_cron_jobs_alone(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await service.configure_daily("discord", "g", "a", "09:00", "UTC", "en")
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    scheduler = DailyScheduler(DailyService(service), {"discord": FakePublisher()}, clock=clock)
    await scheduler.start()
    try:
        with caplog.at_level(logging.INFO, logger="apscheduler.scheduler"):
            await scheduler.refresh()  # what the minutely job does: no "Added job" line each time
        assert [r.getMessage() for r in caplog.records if r.name == "apscheduler.scheduler"] == []
    finally:
        await scheduler.shutdown(timeout=5)


async def test_with_no_grace_a_cron_run_may_still_start_a_second_late(
    service: StudyService, clock: Clock
) -> None:
    channel = await service.configure_daily("discord", "g", "a", "09:00", "UTC", "en")
    scheduler = DailyScheduler(
        DailyService(service), {"discord": FakePublisher()}, clock=clock, grace=timedelta(0)
    )
    await scheduler.start()
    try:
        assert scheduler.scheduler is not None
        job = scheduler.scheduler.get_job(f"daily-{channel.id}")
        assert job.misfire_grace_time == 1  # the least APScheduler takes (0 is refused)
    finally:
        await scheduler.shutdown(timeout=5)


def test_the_day_after_a_skipped_day_falls_back_to_the_slot_two_days_before() -> None:
    # Samoa skipped 30 December 2011 (from UTC-10 to UTC+14). At 00:30 on the 31st local time,
    # today's 09:00 and the skipped day's 09:00 (read at UTC-10) are both still to come.
    channel = channel_of("Pacific/Apia")
    now = datetime(2011, 12, 30, 10, 30, tzinfo=UTC)
    assert latest_slot(channel, now) == (
        date(2011, 12, 29),
        datetime(2011, 12, 29, 19, 0, tzinfo=UTC),
    )
