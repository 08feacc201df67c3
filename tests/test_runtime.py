"""The one runtime: what it builds for a face, and the shutdown order, written once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.content import Content
from bot.daily import DailyService
from bot.errors import StudyBotError
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard, UserRef
from studybot.runtime import Runtime, Services
from tests.conftest import Clock

ANA = UserRef("test", "c", "ana", "Ana")


class Publisher:
    platform = "test"
    rate_per_second = 1000.0

    def __init__(self) -> None:
        self.posted: list[str] = []
        self.release = asyncio.Event()
        self.release.set()

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        await self.release.wait()
        self.posted.append(card.question_id)
        return "m1"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        return None


class Face:
    """A face that records what the runtime asks of it, and what it found at each step."""

    platform = "test"

    def __init__(self, services: Services, runtime: Runtime) -> None:
        self.daily: DailyService = services.daily
        self.runtime = runtime
        self.publisher = Publisher()
        self.ready = asyncio.Event()
        self.steps: list[str] = []
        self._gone = asyncio.Event()

    def healthy(self) -> bool:
        return True

    async def serve(self) -> int:
        self.ready.set()
        await self._gone.wait()
        return 3

    def stop_taking_commands(self) -> None:
        scheduler = self.runtime.scheduler
        self.steps.append(f"stop commands (scheduler running: {scheduler.running})")

    async def disconnect(self) -> None:
        scheduler = self.runtime.scheduler
        accepting = self.daily.study.accepting
        self.steps.append(
            f"disconnect (scheduler running: {scheduler.running}, core open: {accepting})"
        )
        self._gone.set()


async def test_the_runtime_stops_in_one_order_and_loses_no_answer(
    tmp_path: Path, content: Content, clock: Clock
) -> None:
    db = tmp_path / "runtime.db"
    runtime = Runtime(Settings(db_path=str(db)), content, clock=clock, signals=False)
    faces: list[Face] = []

    def make(services: Services) -> Face:
        faces.append(Face(services, runtime))
        return faces[0]

    running = asyncio.create_task(runtime.run(make))
    while not faces or runtime.scheduler is None or not runtime.scheduler.running:
        await asyncio.sleep(0.01)
    (face,) = faces
    study = face.daily.study
    card = await study.next_question(ANA, "en")
    right = sorted(study.question(card.question_id).answer)
    answering = asyncio.create_task(study.answer(ANA, card.question_id, card.token, right, "en"))
    await asyncio.sleep(0)  # the answer is in flight when the stop comes
    runtime.stop()

    assert await asyncio.wait_for(running, 10) == 3  # the face's own exit code
    assert face.steps == [
        "stop commands (scheduler running: True)",
        "disconnect (scheduler running: False, core open: False)",
    ]
    assert (await answering).counted
    assert not Path(f"{db}-wal").exists()  # the store was closed: the WAL is folded back
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM attempts").fetchone() == (1,)
    finally:
        conn.close()


async def test_a_stopped_core_answers_restarting_in_one_line(
    tmp_path: Path, content: Content
) -> None:
    runtime = Runtime(Settings(db_path=str(tmp_path / "r.db")), content, signals=False)
    faces: list[Face] = []
    running = asyncio.create_task(runtime.run(lambda s: faces.append(Face(s, runtime)) or faces[0]))
    while not faces or not faces[0].ready.is_set():
        await asyncio.sleep(0.01)
    study = faces[0].daily.study
    study.stop_taking_work()
    with pytest.raises(StudyBotError) as refused:
        await study.next_question(ANA, "en")
    assert refused.value.key == "error.restarting"
    runtime.stop()
    await asyncio.wait_for(running, 10)
