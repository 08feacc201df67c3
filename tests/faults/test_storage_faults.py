"""A database studybot must not touch, a disk that fills, files it may not write: one clear line."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from adapters.console.app import ConsoleFace
from adapters.shared.health import database_probe
from bot.content import Content
from bot.errors import NewerDatabase, StorageError
from bot.service import StudyService
from bot.services import Services
from bot.store import MIGRATIONS, SqliteStore, open_store
from bot.views import UserRef
from tests.conftest import Clock
from tests.ops_support import STUDYBOT, clean_env

ANA = UserRef("console", "local", "ana", "Ana")
UID = 65534 if os.geteuid() == 0 else os.geteuid()  # see run_unprivileged


def newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    finally:
        conn.close()


async def test_a_database_from_a_newer_studybot_is_refused_by_the_store(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    store = await open_store(db)
    await store.close()
    newer(db)
    with pytest.raises(NewerDatabase) as refused:
        await open_store(db)
    assert "was written by a newer studybot" in str(refused.value)


@pytest.mark.parametrize(
    "command",
    [
        ["console"],
        ["db", "backup", "BACKUP"],
        ["discord"],
        ["slack", "--http"],
    ],
)
async def test_every_command_refuses_a_newer_database_with_one_line_and_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "new.db"
    store = await open_store(db)
    await store.close()
    newer(db)
    args = [str(tmp_path / "b.db") if a == "BACKUP" else a for a in command]
    env = clean_env(
        STUDYBOT_DB=str(db),
        DISCORD_TOKEN="MTE5.GhIj.s3cr3t",
        SLACK_BOT_TOKEN="xoxb-1-2-3",
        SLACK_SIGNING_SECRET="secret",
    )
    done = subprocess.run(
        [STUDYBOT, *args], input="", capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 2, done.stderr
    refusals = [line for line in done.stderr.splitlines() if "was written by a newer" in line]
    assert len(refusals) == 1 and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "b.db").exists()


async def lock_the_writer(store: SqliteStore) -> None:
    """A database that can no longer be written (as with a full disk or a read-only mount)."""
    await store.db.execute("PRAGMA query_only = ON")


async def test_a_full_disk_tells_the_learner_counts_nothing_and_turns_health_down(
    service: StudyService, store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    probe = database_probe(store)
    assert await probe()
    await service.next_question(ANA, "en")  # Ana is known before the disk fills
    await lock_the_writer(store)
    for _ in range(20):
        card = await service.next_question(ANA, "en")
        right = sorted(service.question(card.question_id).answer)
        with pytest.raises(StorageError) as failed:
            await service.answer(ANA, card.question_id, card.token, right, "en")
        assert failed.value.key == "error.storage"
    assert not await probe()  # /healthz: 503 while answers cannot be written
    warnings = [r for r in caplog.records if "committing answers failed" in r.getMessage()]
    assert len(warnings) == 1 and not warnings[0].exc_info  # one line per kind, not per answer
    await store.db.execute("PRAGMA query_only = OFF")  # writable again
    card = await service.next_question(ANA, "en")
    await service.answer(
        ANA, card.question_id, card.token, sorted(service.question(card.question_id).answer), "en"
    )
    assert await probe()


async def test_the_terminal_stops_with_exit_1_after_repeated_write_failures(
    content: Content, store: SqliteStore, clock: Clock
) -> None:
    services = Services.build(StudyService(content, store, clock=clock))
    await services.study.set_locale(UserRef("console", "local", "ana", "ana"), "en")
    await lock_the_writer(store)
    script = "".join("/quiz 2\nA\n" for _ in range(10))
    out = io.StringIO()
    face = ConsoleFace(services, "ana", "en", stdin=io.StringIO(script), stdout=out)
    assert await face.serve() == 1
    text = out.getvalue()
    assert text.count("Your answer could not be saved, so nothing was counted.") == 2
    assert "The database cannot be written (attempt to write a readonly database)" in text
    assert "Traceback" not in text


async def test_the_terminal_stops_with_one_line_when_not_even_the_learner_can_be_recorded(
    content: Content, store: SqliteStore, clock: Clock
) -> None:
    services = Services.build(StudyService(content, store, clock=clock))
    await lock_the_writer(store)
    out = io.StringIO()
    face = ConsoleFace(services, "bob", "fr", stdin=io.StringIO("/quiz\n"), stdout=out)
    assert await face.serve() == 1
    assert out.getvalue().strip().startswith("La base de données ne peut plus être écrite (")


def run_unprivileged(tmp: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """The terminal bot where file permissions apply to it. Root may write anything, so as
    root it runs in a user namespace of its own, where root's files are guarded by their
    owner bits and the process is uid 65534; as anyone else it runs as itself."""
    env = clean_env(STUDYBOT_DB=str(db), HOME=str(tmp))
    wrap = ["unshare", "--user"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*wrap, STUDYBOT, "console"], input="", capture_output=True, text=True, env=env,
        timeout=60,
    )  # fmt: skip


def test_what_cannot_be_written_is_named_precisely(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    done = run_unprivileged(tmp_path, locked / "studybot.db")
    assert done.returncode == 2
    assert f"locked is not writable by this user (uid {UID})" in done.stderr
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "studybot.db").write_bytes(b"")
    (shared / "studybot.db").chmod(0o444)  # a read-only file in a directory one may write in
    done = run_unprivileged(tmp_path, shared / "studybot.db")
    assert done.returncode == 2
    assert f"the file is read-only for this user (uid {UID})" in done.stderr
