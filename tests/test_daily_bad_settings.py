"""A channel whose stored settings cannot be scheduled (a time zone the system's tzdata no longer
knows) loses its own daily question, told once in the log, and holds up no other channel."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.daily import DailyService
from bot.service import StudyService
from scheduler.daily import DailyScheduler
from tests.conftest import Clock
from tests.test_daily import FakePublisher


async def test_an_unknown_zone_skips_that_channel_only_and_is_logged_once(
    service: StudyService, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = await service.configure_daily("discord", "g", "mars", "09:00", "UTC", "en")
    fine = await service.configure_daily("discord", "g", "earth", "09:00", "UTC", "en")
    with sqlite3.connect(tmp_path / "test.db") as db:  # as a tzdata update would leave it
        db.execute("UPDATE daily_channels SET timezone = 'Mars/Olympus' WHERE id = ?", (broken.id,))
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    scheduler = DailyScheduler(DailyService(service), {"discord": FakePublisher()}, clock=clock)
    with caplog.at_level(logging.WARNING, logger="scheduler.daily"):
        await scheduler.start()
        try:
            assert scheduler.scheduler is not None
            assert scheduler.scheduler.get_job(f"daily-{fine.id}") is not None
            assert scheduler.scheduler.get_job(f"daily-{broken.id}") is None
            await scheduler.refresh()  # the minutely refresh: not told again
        finally:
            await scheduler.shutdown(timeout=5)
    told = [r.getMessage() for r in caplog.records if "cannot be scheduled" in r.getMessage()]
    assert told == [
        "no daily question in discord:mars: its time '09:00' in zone 'Mars/Olympus' cannot be "
        "scheduled ('No time zone found with key Mars/Olympus')"
    ]


async def test_a_channel_whose_zone_breaks_later_loses_its_old_job(
    service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "UTC", "en")
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    scheduler = DailyScheduler(DailyService(service), {"discord": FakePublisher()}, clock=clock)
    await scheduler.start()
    try:
        assert scheduler.scheduler is not None
        assert scheduler.scheduler.get_job(f"daily-{channel.id}") is not None
        with sqlite3.connect(tmp_path / "test.db") as db:
            db.execute(
                "UPDATE daily_channels SET timezone = 'Nowhere/Gone' WHERE id = ?", (channel.id,)
            )
        await scheduler.refresh()
        assert scheduler.scheduler.get_job(f"daily-{channel.id}") is None
    finally:
        await scheduler.shutdown(timeout=5)
