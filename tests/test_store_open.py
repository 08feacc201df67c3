"""Opening the SQLite store: where the file goes, the WAL switch under another process's lock,
migrations (logged, refused when newer, undone when they fail), the read-only reader, and the
background checkpoints that copy the WAL into the database file."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import NewerDatabase
from bot.store import MIGRATIONS, SqliteStore, open_store

PAGE = 4096


async def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether `condition` holds within `seconds` (the checkpoints run on their own timer)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def test_the_database_file_is_made_in_directories_that_do_not_exist_yet(
    tmp_path: Path,
) -> None:
    path = tmp_path / "volume" / "data" / "studybot.db"
    store = await open_store(path)
    await store.close()
    assert path.is_file()


@pytest.mark.parametrize("background", [True, False])
async def test_the_reader_refuses_writes(tmp_path: Path, background: bool) -> None:
    store = await open_store(tmp_path / "r.db", background_checkpoints=background)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.reader.execute("UPDATE users SET locale = 'fr'")
        await store.db.execute("UPDATE users SET locale = 'fr'")  # the writer writes
    finally:
        await store.close()


async def test_the_wal_is_copied_into_the_database_file_in_the_background(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    store = await open_store(path)
    try:
        assert store.checkpointer not in (None, store.db, store.reader)  # one of its own
        # Migrated into the WAL: the file itself holds only its first page until a checkpoint.
        assert path.stat().st_size <= PAGE
        assert await eventually(lambda: path.stat().st_size > PAGE)
        store.start_checkpoints()  # already running: not a second time
    finally:
        await store.close()
    await asyncio.sleep(0)  # the cancelled loop ends on its next step
    assert not [t for t in asyncio.all_tasks() if "_checkpoint_loop" in repr(t.get_coro())]


async def test_without_background_checkpoints_the_wal_stays_until_close(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    store = await open_store(path, background_checkpoints=False)
    assert store.checkpointer is None
    store.start_checkpoints()  # no connection to checkpoint on: nothing starts
    await store.close()
    assert path.stat().st_size > PAGE  # the last connection's close checkpoints
    assert not Path(f"{path}-wal").exists()


async def test_a_checkpoint_that_fails_is_logged_and_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.store")
    path = tmp_path / "f.db"
    store = await open_store(path)
    try:
        assert store.checkpointer is not None

        def no_pragma(action: int, *_: object) -> int:
            denied = action == sqlite3.SQLITE_PRAGMA
            return sqlite3.SQLITE_DENY if denied else sqlite3.SQLITE_OK

        caplog.clear()  # the migrations' lines
        await store.checkpointer.set_authorizer(no_pragma)

        def skipped() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "bot.store"]

        assert await eventually(lambda: len(skipped()) >= 2)  # logged, and tried again
        record = skipped()[0]
        assert record.levelno == logging.DEBUG
        assert record.getMessage() == "checkpoint skipped: not authorized"
        assert path.stat().st_size <= PAGE
        await store.checkpointer.set_authorizer(None)
        assert await eventually(lambda: path.stat().st_size > PAGE)
    finally:
        await store.close()


async def test_a_newer_database_is_refused_naming_the_file_and_both_versions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.db"
    store = await open_store(path)
    await store.close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.close()
    with pytest.raises(NewerDatabase) as refused:
        await open_store(path)
    assert str(refused.value) == (
        f"STUDYBOT_DB={path} was written by a newer studybot (schema {len(MIGRATIONS) + 5}; "
        f"this one knows {len(MIGRATIONS)}): upgrade studybot, or restore a backup made by "
        "this version"
    )


async def test_each_migration_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    store = await open_store(tmp_path / "m.db")
    await store.close()
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bot.store"]
    assert lines == [
        (logging.INFO, f"database migrated to version {n}") for n in range(1, len(MIGRATIONS) + 1)
    ]


async def test_a_migration_that_fails_is_undone_and_its_error_raised(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    con = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        con.executescript(script)
    con.execute("PRAGMA user_version = 2")
    con.execute("CREATE TABLE exams (id INTEGER PRIMARY KEY)")  # in the way of migration 4
    con.close()
    with pytest.raises(sqlite3.OperationalError, match="table exams already exists"):
        await open_store(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone() == (3,)  # 3 kept, 4 undone
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'reports'").fetchall()
    finally:
        con.close()


async def test_an_up_to_date_database_opens_while_another_process_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "busy.db"
    store = await open_store(path)
    await store.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another bot's write in progress
    try:
        store = await asyncio.wait_for(open_store(path), 3)  # no migration: no write lock
        await store.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def locked_new_file(path: Path) -> sqlite3.Connection:
    """A new database file, not yet in WAL mode, on which another process is writing."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE other (x)")
    other.execute("BEGIN IMMEDIATE")  # switching to WAL now fails at once: "database is locked"
    return other


async def test_the_switch_to_wal_waits_for_another_process_to_let_go(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    other = locked_new_file(path)
    asyncio.get_running_loop().call_later(0.2, other.execute, "ROLLBACK")
    try:
        store = await open_store(path)
        await store.close()
    finally:
        other.close()


async def test_the_switch_to_wal_gives_up_after_about_two_seconds(tmp_path: Path) -> None:
    path = tmp_path / "stuck.db"
    other = locked_new_file(path)
    loop = asyncio.get_running_loop()
    released = loop.create_future()

    def release() -> None:
        other.execute("ROLLBACK")
        released.set_result(None)

    # Let go at 2.8 s: well after the last try (at 1.91 s of waits, plus the tries' own time on a
    # busy machine), yet before any later try would be (2.91 s at the least).
    loop.call_later(2.8, release)
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await open_store(path)
    finally:
        await released
        other.close()


async def test_the_schema_keeps_the_layout_of_its_migration(store: SqliteStore) -> None:
    rows = await store.db.execute_fetchall(
        "SELECT sql FROM sqlite_master WHERE name = 'question_stats'"
    )
    written = next(iter(rows))[0]
    assert "\n        community TEXT NOT NULL,\n" in written
    assert written in MIGRATIONS[4]
