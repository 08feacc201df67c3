"""PostgreSQL for several processes: the machine's real server, real processes, one database.

The store contract itself (the service, learning and daily tests) runs on both databases
through the `both_stores` mark; this file holds what only a shared server can show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.config import load_settings
from bot.content import Content
from bot.errors import ConfigError, StorageError
from bot.exam import ExamService
from bot.pg_store import PG_MIGRATIONS, open_pg_store
from bot.service import StudyService
from bot.store import open_store
from bot.views import UserRef
from tests.conftest import PG_SERVER, Clock, _admin

STUDYBOT = str(Path(sys.executable).with_name("studybot"))
ROOT = Path(__file__).parent.parent


@pytest.fixture
def fresh_url(pg_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped after the test (skipped as pg_url is)."""
    name = f"studybot_fresh_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE DATABASE {name}")
    try:
        yield PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _admin(f"DROP DATABASE {name} WITH (FORCE)")


def studybot(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_"))}
    return subprocess.run(
        [STUDYBOT, *args], capture_output=True, text=True, env={**clean, **env}, timeout=120
    )


def workers(job: str, url: str, tmp_path: Path, count: int, *extra: str) -> list[dict[str, object]]:
    """Start `count` worker processes together on one database; their JSON results."""
    go = tmp_path / f"go-{job}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.pg_worker", job, url, "--go", str(go), *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    go.touch()  # every worker has opened its pool and waits for this file; one step at once
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u:pw@h/db", "must start with postgresql://"),
        ("postgresql:///db", "names no host"),
        ("postgresql://u:pw@h:99999/db", "port that is not a number from 1 to 65535"),
        ("postgresql://u:pw@h:5432/", "names no database"),
    ],
)
def test_a_bad_database_url_is_one_line_without_its_password(url: str, expected: str) -> None:
    with pytest.raises(ConfigError) as bad:
        load_settings({"STUDYBOT_DATABASE_URL": url})
    assert expected in str(bad.value) and "pw" not in str(bad.value)


def test_config_check_connect_says_whether_the_server_answers(pg_url: str) -> None:
    ok = studybot("config", "check", "--connect", STUDYBOT_DATABASE_URL=pg_url)
    assert ok.returncode == 0, ok.stderr
    assert "answers (schema version" in ok.stdout
    down = studybot(
        "config",
        "check",
        "--connect",
        STUDYBOT_DATABASE_URL="postgresql://studybot:s3cret-pw@127.0.0.1:1/db",
    )
    assert down.returncode == 2, down.stderr
    (line,) = down.stderr.strip().splitlines()
    assert line.startswith("studybot: cannot connect to postgresql://studybot@127.0.0.1:1/db")
    assert "s3cret-pw" not in down.stderr + down.stdout


# -- schema -----------------------------------------------------------------------------------------


def test_two_processes_migrating_a_new_database_at_once_both_succeed(fresh_url: str) -> None:
    procs = [
        subprocess.Popen(
            [STUDYBOT, "db", "migrate"],
            env={**os.environ, "STUDYBOT_DATABASE_URL": fresh_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "database schema up to date" in out

    async def versions() -> list[int]:
        con = await asyncpg.connect(fresh_url)
        try:
            return [r[0] for r in await con.fetch("SELECT version FROM studybot_schema")]
        finally:
            await con.close()

    assert asyncio.run(versions()) == list(range(1, len(PG_MIGRATIONS) + 1))


def test_a_database_from_a_newer_studybot_is_refused_in_one_line(fresh_url: str) -> None:
    assert studybot("db", "migrate", STUDYBOT_DATABASE_URL=fresh_url).returncode == 0

    async def newer() -> None:
        con = await asyncpg.connect(fresh_url)
        await con.execute("INSERT INTO studybot_schema (version) VALUES (99)")
        await con.close()

    asyncio.run(newer())
    refused = studybot("db", "migrate", STUDYBOT_DATABASE_URL=fresh_url)
    assert refused.returncode == 2
    (line,) = refused.stderr.strip().splitlines()
    known = len(PG_MIGRATIONS)
    assert f"was written by a newer studybot (schema 99; this one knows {known})" in line


# -- several processes ----------------------------------------------------------------------------


def test_every_click_counts_once_however_many_processes_receive_it(
    fresh_url: str, tmp_path: Path
) -> None:
    assert studybot("db", "migrate", STUDYBOT_DATABASE_URL=fresh_url).returncode == 0
    results = workers("answers", fresh_url, tmp_path, 3, "--clicks", "300")
    # Three processes got the same 300 clicks: 300 counted in all, by whichever came first.
    assert sum(int(r["counted"]) for r in results) == 300  # type: ignore[call-overload]

    async def totals() -> tuple[int, int, int]:
        con = await asyncpg.connect(fresh_url)
        try:
            attempts = await con.fetchval("SELECT count(*) FROM attempts")
            scored = await con.fetchval(
                "SELECT sum(attempts) FROM scores WHERE period = 'all' AND domain = 0"
            )
            seen = await con.fetchval("SELECT sum(times) FROM seen")
            return attempts, scored, seen
        finally:
            await con.close()

    assert asyncio.run(totals()) == (300, 300, 300)


def test_two_schedulers_in_two_processes_post_the_daily_question_once(
    fresh_url: str, tmp_path: Path
) -> None:
    assert studybot("db", "migrate", STUDYBOT_DATABASE_URL=fresh_url).returncode == 0
    out = tmp_path / "posts.txt"
    results = workers("daily", fresh_url, tmp_path, 3, "--out", str(out))
    assert sum(bool(r["posted"]) for r in results) == 1
    (line,) = out.read_text().splitlines()
    assert line.startswith("C1 2026-11-27 d")


async def test_a_leaderboard_shows_another_processs_answers_within_its_refresh(
    pg_url: str, content: Content, clock: Clock, tmp_path: Path
) -> None:
    store = await open_pg_store(pg_url, refresh=0.2)
    await store.pool.execute("TRUNCATE users, attempts, scores, seen RESTART IDENTITY CASCADE")
    try:
        service = StudyService(content, store, rng=random.Random(1), clock=clock)
        ana = UserRef("slack", "T1", "U0", "Learner 0")
        before = await service.leaderboard(ana, "en")
        assert not before.rows
        results = await asyncio.to_thread(
            workers, "answers", pg_url, tmp_path, 1, "--learners", "1", "--clicks", "6"
        )
        assert results[0]["counted"] == 6
        shown = await service.leaderboard(ana, "en")  # starts a refresh, shows what it held
        await asyncio.sleep(0.3)
        after = await service.leaderboard(ana, "en")
        assert [(r.name, r.correct) for r in after.rows] == [("Learner 0", 2)]
        assert len(shown.rows) <= len(after.rows)  # never backwards
    finally:
        await store.close()


# -- copying a database -----------------------------------------------------------------------------


async def test_db_copy_moves_a_whole_sqlite_database_and_back(
    fresh_url: str, content: Content, clock: Clock, tmp_path: Path
) -> None:
    source = tmp_path / "source.db"
    store = await open_store(source)
    try:
        service = StudyService(content, store, rng=random.Random(2), clock=clock)
        for n in range(12):
            ref = UserRef("discord", "g", f"u{n % 3}", f"Member {n % 3}")
            card = await service.next_question(ref, "en")
            q = service.question(card.question_id)
            wrong = [x for x in q.letters if x not in q.answer][: q.choose]
            await service.answer(ref, q.id, card.token, sorted(q.answer) if n % 2 else wrong, "en")
            clock.now += timedelta(minutes=7)
        await ExamService(service).start(UserRef("discord", "g", "u0", ""), "en", size=4)
        await service.report(UserRef("discord", "g", "u1", ""), "d2.1-sample-1", "typo", "x")
        await service.configure_daily("discord", "g", "c", "09:00", "UTC", "fr")
        before = await service.progress(UserRef("discord", "g", "u1", ""), "en")
    finally:
        await store.close()

    there = studybot("db", "copy", "--to", fresh_url, STUDYBOT_DB=str(source))
    assert there.returncode == 0, there.stderr
    assert "copied and checked: 3 users, 12 attempts" in there.stdout
    again = studybot("db", "copy", "--to", fresh_url, STUDYBOT_DB=str(source))
    assert again.returncode == 1 and "not empty" in again.stderr and "--replace" in again.stderr
    back = tmp_path / "back.db"
    home = studybot("db", "copy", "--from", fresh_url, "--to", str(back))
    assert home.returncode == 0, home.stderr

    for copy in (await open_pg_store(fresh_url), await open_store(back)):
        try:
            service = StudyService(content, copy, rng=random.Random(2), clock=clock)
            after = await service.progress(UserRef("discord", "g", "u1", ""), "en")
            assert (after.attempts, after.correct, after.reviews_due) == (
                before.attempts,
                before.correct,
                before.reviews_due,
            )
            assert await ExamService(service).current(UserRef("discord", "g", "u0", ""), "en")
        finally:
            await copy.close()
    replaced = studybot("db", "copy", "--to", fresh_url, "--replace", STUDYBOT_DB=str(source))
    assert replaced.returncode == 0, replaced.stderr


class Cable:
    """A TCP proxy to the PostgreSQL server that the test can cut and mend (a network fault)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self.links: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.links |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()

    def cut(self) -> None:
        self.up = False
        for writer in self.links:
            writer.transport.abort()
        self.links.clear()

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


async def test_when_the_database_goes_away_answers_fail_cleanly_then_it_recovers(
    pg_url: str, content: Content, clock: Clock
) -> None:
    cable = Cable(("127.0.0.1", 5432))
    port = await cable.start()
    store = await open_pg_store(pg_url.replace(":5432/", f":{port}/"))
    try:
        service = StudyService(content, store, rng=random.Random(4), clock=clock)
        ana = UserRef("slack", "T1", "gone", "Gone")
        card = await service.next_question(ana, "en")
        q = service.question(card.question_id)
        cable.cut()  # the server is gone: a restart, a failover, a network fault
        with pytest.raises(StorageError):
            await service.answer(ana, q.id, card.token, sorted(q.answer), "en")
        assert not await _healthy(store)  # /healthz says 503 meanwhile
        cable.up = True  # it is back: the pool opens new connections
        feedback = await service.answer(ana, q.id, card.token, sorted(q.answer), "en")
        assert feedback.counted and feedback.domain_attempts == 1  # nothing half-written
        assert await _healthy(store)
    finally:
        await store.close()
        await cable.close()


async def _healthy(store: Any) -> bool:
    try:
        return bool(await store.probe())
    except Exception:
        return False


def test_sqlite_backup_and_restore_refuse_when_postgresql_is_configured(tmp_path: Path) -> None:
    url = "postgresql://studybot:pw@db.internal/studybot"
    for args in (("db", "backup", str(tmp_path)), ("db", "restore", str(tmp_path / "x.db"))):
        refused = studybot(*args, STUDYBOT_DATABASE_URL=url)
        assert refused.returncode == 2
        (line,) = refused.stderr.strip().splitlines()
        assert "STUDYBOT_DATABASE_URL is set: use PostgreSQL's own tools" in line
        assert "pw" not in line
