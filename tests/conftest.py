from __future__ import annotations

import asyncio
import concurrent.futures
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from hypothesis import settings

from bot.content import Content, load_content
from bot.memory import Memory
from bot.service import StudyService
from bot.sql import numbered
from bot.store import SqliteStore, Store, open_store

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"

# Property tests: no per-example deadline (timing belongs in `make bench`, and a loaded machine
# would make one fail), and the failing example printed so that it can be replayed.
settings.register_profile("studybot", deadline=None, print_blob=True)
settings.load_profile("studybot")


class Clock:
    """A settable clock for the service."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class VirtualTime:
    """A monotonic clock that only moves when something sleeps on it: waits cost no real time,
    and how long something waited is exact."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        await asyncio.sleep(0)  # still a turn of the loop, as a real sleep is


def most_in_one_second(moments: list[float]) -> int:
    """The largest number of `moments` inside any half-open window of one second (a microsecond
    of slack for floating-point sums: 20 steps of 0.05 s may add up to 0.99999999)."""
    ordered = sorted(moments)
    return max(
        (sum(1 for m in ordered[i:] if m < start + 1 - 1e-6) for i, start in enumerate(ordered)),
        default=0,
    )


@pytest.fixture
def content() -> Content:
    return load_content(FIXTURE_CONTENT)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))


# The machine's PostgreSQL server (CI runs one too); each test session makes its own database.
PG_SERVER = os.environ.get("STUDYBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = (
    "exam_items, exams, reports, daily_posts, daily_channels, community_settings, seen, scores, "
    "question_stats, attempts, users"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_stores: run the test on SQLite and on PostgreSQL (the store contract)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        metafunc.parametrize("backend", ["sqlite", "postgresql"])


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _admin(sql: str) -> None:
    async def run() -> None:
        con = await asyncpg.connect(PG_SERVER)
        try:
            await con.execute(sql)
        finally:
            await con.close()

    # On a thread of its own: the session fixture may be first asked for inside a test's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of this test session's own on the PostgreSQL server, dropped at the end.

    With no server, the PostgreSQL half of the suite is skipped, saying how to run it; CI sets
    STUDYBOT_REQUIRE_POSTGRES=1 (its machines run a server), so there a skip is a failure.
    """
    name = f"studybot_test_{uuid.uuid4().hex[:12]}"
    try:
        _admin(f"CREATE DATABASE {name}")
    except (OSError, asyncpg.PostgresError) as error:
        reason = (
            f"no PostgreSQL server at {PG_SERVER} ({error}): start one (trust authentication) "
            "or point STUDYBOT_TEST_POSTGRES at one to run these tests"
        )
        if os.environ.get("STUDYBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
async def store(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Store]:
    if backend == "sqlite":
        s: Store = await open_store(tmp_path / "test.db")
    else:
        from bot.pg_store import open_pg_store

        url = request.getfixturevalue("pg_url")
        s = await open_pg_store(url)
        await s.pool.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")  # type: ignore[attr-defined]
    yield s
    await s.close()


async def reopen(store: Store, tmp_path: Path) -> Store:
    """A second store on the same database, as another process would open it."""
    if isinstance(store, SqliteStore):
        return await open_store(tmp_path / "test.db")
    from bot.pg_store import open_pg_store

    return await open_pg_store(store.url)  # type: ignore[attr-defined]


async def query(store: Store, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a query on either store, as tuples (for assertions on what was stored)."""
    if isinstance(store, SqliteStore):
        return [tuple(r) for r in await store.reader.execute_fetchall(sql, args)]
    return [tuple(r) for r in await store.pool.fetch(numbered(sql), *args)]  # type: ignore[attr-defined]


@pytest.fixture
def service(content: Content, store: Store, clock: Clock) -> StudyService:
    # No fuzz: FSRS intervals are the same on every run.
    return StudyService(
        content, store, rng=random.Random(7), clock=clock, memory=Memory(fuzz=False)
    )
