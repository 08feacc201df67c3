"""What the daily scheduler tells the operator: each log line's level, logger and exact text,
produced by driving the real failure (a refused channel, a network error, a late restart)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.daily import DailyService
from bot.errors import ChannelUnavailable
from bot.service import StudyService
from bot.store import Store
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard
from scheduler.daily import DailyScheduler
from tests.conftest import Clock
from tests.test_daily import FakePublisher, FlakyPublisher

pytestmark = pytest.mark.both_stores

DAY = date(2026, 11, 27)
NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == logger]


async def test_start_says_how_many_channels_it_schedules(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await service.configure_daily("discord", "g", "a", "09:00", "UTC", "en")
    await service.configure_daily("discord", "g", "b", "10:00", "UTC", "en")
    clock.now = NINE + timedelta(hours=1, minutes=30)  # both posted by the catch-up, silently
    scheduler = DailyScheduler(DailyService(service), {"discord": FakePublisher()}, clock=clock)
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.start()
    try:
        assert lines(caplog, "scheduler.daily") == [
            (logging.INFO, "daily scheduler started with 2 channel(s)")
        ]
    finally:
        await scheduler.shutdown(timeout=5)


async def test_a_catch_up_failing_at_start_up_is_logged_and_the_jobs_still_run(
    service: StudyService, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en", 30)
    clock.now = NINE
    scheduler = DailyScheduler(DailyService(service), {"discord": FakePublisher()}, clock=clock)
    assert await scheduler.post(channel, DAY) is not None
    # A stamp studybot cannot read (written by hand, or by another tool): the reveal check fails.
    await store.daily.sql.run("UPDATE daily_posts SET posted_at = 'soon'", ())  # type: ignore[attr-defined]
    clock.now = NINE + timedelta(minutes=45)
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.start()
    try:
        assert scheduler.running
        (failed,) = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert (failed.name, failed.getMessage()) == (
            "scheduler.daily",
            "daily catch-up at start-up failed",
        )
        assert failed.exc_info is not None and failed.exc_info[0] is ValueError
    finally:
        await scheduler.shutdown(timeout=5)


async def test_one_channels_failing_catch_up_is_logged_and_the_others_are_posted(
    service: StudyService, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await service.configure_daily("discord", "g", "gone", "09:00", "UTC", "en")
    await service.configure_daily("discord", "g", "fine", "09:00", "UTC", "en")
    # A zone a later tzdata no longer knows: that channel's slot cannot be computed.
    await store.daily.sql.run(  # type: ignore[attr-defined]
        "UPDATE daily_channels SET timezone = 'Mars/Olympus' WHERE channel = 'gone'", ()
    )
    clock.now = NINE + timedelta(minutes=5)
    publisher = FakePublisher()
    scheduler = DailyScheduler(DailyService(service), {"discord": publisher}, clock=clock)
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.catch_up()
    assert [c for c, _ in publisher.questions] == ["fine"]
    (failed,) = caplog.records
    assert (failed.name, failed.levelno, failed.getMessage()) == (
        "scheduler.daily",
        logging.ERROR,
        "catch-up for discord:gone failed",
    )
    assert failed.exc_info is not None


async def test_a_post_past_the_grace_window_is_reported_skipped_once(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    clock.now = NINE + timedelta(hours=7, minutes=30)
    publisher = FakePublisher()
    scheduler = DailyScheduler(
        DailyService(service), {"discord": publisher}, clock=clock, grace=timedelta(hours=6)
    )
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.catch_up()
        clock.now += timedelta(minutes=1)
        await scheduler.catch_up()  # the next minute's catch-up says nothing more
    assert publisher.questions == []
    assert lines(caplog, "scheduler.daily") == [
        (
            logging.WARNING,
            "daily post for discord:c on 2026-11-27 skipped: 7:30:00 late, "
            "past the 6:00:00 grace window",
        )
    ]


async def test_a_passing_post_failure_is_logged_with_its_cause(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    clock.now = NINE
    scheduler = DailyScheduler(DailyService(service), {"discord": FlakyPublisher()}, clock=clock)
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        assert await scheduler.post(channel, DAY) is None
    (failed,) = caplog.records
    assert (failed.name, failed.levelno, failed.getMessage()) == (
        "scheduler.daily",
        logging.ERROR,
        "daily post to discord:c failed; retrying",
    )
    assert failed.exc_info is not None and failed.exc_info[0] is OSError


async def test_refused_posts_are_logged_and_the_channel_turned_off_is_too(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await service.configure_daily("discord", "g", "gone", "09:00", "UTC", "en")
    scheduler = DailyScheduler(
        DailyService(service), {"discord": FakePublisher(broken={"gone"})}, clock=clock
    )
    with caplog.at_level(logging.INFO, logger="bot.daily"):
        for n in range(3):
            clock.now = NINE + timedelta(days=n)
            assert await scheduler.post(channel, DAY + timedelta(days=n)) is None
    assert lines(caplog, "bot.daily") == [
        (logging.WARNING, "daily post to discord:gone failed (1 in a row): Missing Access"),
        (logging.WARNING, "daily post to discord:gone failed (2 in a row): Missing Access"),
        (logging.WARNING, "daily post to discord:gone failed (3 in a row): Missing Access"),
        (logging.ERROR, "daily channel discord:gone disabled after 3 failures"),
    ]


class RevealPublisher(FakePublisher):
    """Posts questions; each reveal raises the next of `errors`."""

    def __init__(self, errors: list[Exception]) -> None:
        super().__init__()
        self.errors = errors

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        raise self.errors.pop(0)


@pytest.mark.parametrize(
    ("error", "level", "text", "retried"),
    [
        (
            ChannelUnavailable("Missing Access"),
            logging.WARNING,
            "reveal of post {id} in discord:c given up: Missing Access",
            False,
        ),
        (
            OSError("connection reset"),
            logging.ERROR,
            "reveal of post {id} in discord:c failed; retrying",
            True,
        ),
    ],
)
async def test_a_reveal_that_fails_is_logged_given_up_or_retried(
    service: StudyService,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    level: int,
    text: str,
    retried: bool,
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en", 30)
    daily = DailyService(service)
    clock.now = NINE
    scheduler = DailyScheduler(daily, {"discord": RevealPublisher([error])}, clock=clock)
    post = await scheduler.post(channel, DAY)
    assert post is not None
    clock.now += timedelta(minutes=31)
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.reveal_due()
    assert lines(caplog, "scheduler.daily") == [(level, text.format(id=post.id))]
    assert (await daily.due_reveals(channel, clock.now) != []) is retried


async def test_shutdown_says_when_posts_are_still_in_flight(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    clock.now = NINE
    posting, gate = asyncio.Event(), asyncio.Event()

    class SlowPublisher(FakePublisher):
        async def post_question(
            self, channel: DailyChannel, post: DailyPost, card: QuestionCard
        ) -> str:
            posting.set()
            await gate.wait()
            return await super().post_question(channel, post, card)

    scheduler = DailyScheduler(DailyService(service), {"discord": SlowPublisher()}, clock=clock)
    made = asyncio.create_task(scheduler.post(channel, DAY))
    await posting.wait()
    with caplog.at_level(logging.INFO, logger="scheduler.daily"):
        await scheduler.shutdown(timeout=0)
    gate.set()
    assert await made is not None
    assert lines(caplog, "scheduler.daily") == [
        (logging.WARNING, "daily posts still in flight at shutdown")
    ]
