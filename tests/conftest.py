from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.memory import Memory
from bot.service import StudyService
from bot.store import SqliteStore, open_store

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


class Clock:
    """A settable clock for the service."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def content() -> Content:
    return load_content(FIXTURE_CONTENT)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    s = await open_store(tmp_path / "test.db")
    yield s
    await s.close()


@pytest.fixture
def service(content: Content, store: SqliteStore, clock: Clock) -> StudyService:
    # No fuzz: FSRS intervals are the same on every run.
    return StudyService(
        content, store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )
