"""`studybot db backup` under concurrent writes, and `studybot db restore` with its refusals."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.backup import BackupError, _locked, backup, restore
from bot.store import MIGRATIONS, open_store
from bot.views import UserRef
from tests.ops_support import STUDYBOT, clean_env, read_until, studybot

# A second process that records answers through the real store as fast as it can, printing a
# progress line every 20 rounds, until its input is closed; then it prints how many it wrote.
WRITER = """
import asyncio, sys, threading
from bot.store import AttemptRecord, open_store
from bot.views import UserRef

async def main(path):
    store = await open_store(path)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    users = [await store.user(UserRef("console", "local", f"u{i}", f"u{i}")) for i in range(8)]
    rounds = 0
    while not stop.is_set():
        await asyncio.gather(*(
            store.record(AttemptRecord(
                u.id, u.community, f"q{rounds % 50}", 1 + rounds % 4, "A", rounds % 3 == 0,
                "quiz", f"n{rounds}", "2026-W48", "2026-11-27T12:00:00Z"))
            for u in users
        ))
        rounds += 1
        if rounds % 20 == 0:
            print("progress", rounds * len(users), flush=True)
    await store.close()
    print("total", rounds * len(users), flush=True)

asyncio.run(main(sys.argv[1]))
"""


def _consistent(path: Path) -> int:
    """Check a copy is sound and its aggregates agree with its rows; return the answer count."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        attempts = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
        all_time = con.execute(
            "SELECT coalesce(sum(attempts), 0) FROM scores WHERE period = 'all' AND domain = 0"
        ).fetchone()[0]
        by_domain = con.execute(
            "SELECT coalesce(sum(attempts), 0) FROM scores WHERE period = 'all' AND domain > 0"
        ).fetchone()[0]
        seen = con.execute("SELECT coalesce(sum(times), 0) FROM seen").fetchone()[0]
        assert attempts == all_time == by_domain == seen
        per_user = con.execute(
            "SELECT a.user_id, count(*), s.attempts FROM attempts a JOIN scores s "
            "ON s.user_id = a.user_id AND s.period = 'all' AND s.domain = 0 GROUP BY a.user_id"
        ).fetchall()
        assert all(rows == scored for _, rows, scored in per_user)
        return int(attempts)
    finally:
        con.close()


def test_backups_taken_under_concurrent_writes_are_consistent_and_restore(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.db"
    env = clean_env(STUDYBOT_DB=str(live))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert writer.stdin is not None
    counts = []
    try:
        for n in range(3):
            read_until(writer, "progress")  # the writer is writing right now
            out = studybot("db", "backup", str(tmp_path / f"b{n}.db"), env=env)
            assert out.returncode == 0, out.stderr
            assert out.stdout.startswith(f"backup written: {tmp_path / f'b{n}.db'} (")
            counts.append(_consistent(tmp_path / f"b{n}.db"))
        read_until(writer, "progress")  # and it went on writing after the last backup
        writer.stdin.close()
        total = int(read_until(writer, "total").split()[-1])
        assert writer.wait(timeout=10) == 0
    finally:
        writer.kill()
    assert _consistent(live) == total
    assert 0 < counts[0] <= counts[1] <= counts[2] < total
    # A backup is one self-contained file, not a WAL database that needs its -wal beside it.
    assert sqlite3.connect(tmp_path / "b2.db").execute("PRAGMA journal_mode").fetchone() == (
        "delete",
    )

    out = studybot("db", "restore", str(tmp_path / "b1.db"), env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"restored {tmp_path / 'b1.db'} into {live} ({counts[1]} answer")
    kept = next(tmp_path.glob("live.db.before-restore-*"))
    assert f"the database it replaced is kept as {kept}" in out.stdout
    assert _consistent(live) == counts[1]
    assert _consistent(kept) == total


def test_a_restored_database_works_for_the_bot(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    env = clean_env(STUDYBOT_DB=str(db))
    assert studybot("console", env=env, input="/quiz 2\nB\n/quiz 3\nB\n").returncode == 0
    assert studybot("db", "backup", f"{tmp_path / 'saved'}/", env=env).returncode == 0
    saved = next((tmp_path / "saved").glob("bot-*.db"))
    assert studybot("console", env=env, input="/quiz 4\nB\n").returncode == 0
    assert _consistent(db) == 3
    assert studybot("db", "restore", str(saved), env=env).returncode == 0
    out = studybot("console", env=env, input="/progress\n")
    assert out.returncode == 0
    assert "right out of 2." in out.stdout  # the answer given after the backup is gone
    assert "Data Security and Governance (18%)\n  ░░░░░░░░░░  no answers yet" in out.stdout
    assert _consistent(db) == 2
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _studybot_db(path: Path, answers: int = 0) -> None:
    async def make() -> None:
        store = await open_store(path)
        await store.user(UserRef("console", "local", "ana", "ana"))
        await store.close()

    asyncio.run(make())
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = DELETE")
    con.executemany(
        "INSERT INTO attempts (user_id, community, question_id, domain, choice, correct, source, "
        "nonce, week, answered_at) VALUES (1, 'console:local', ?, 1, 'A', 1, 'quiz', ?, "
        "'2026-W48', '2026-11-27T12:00:00Z')",
        [(f"q{i}", f"n{i}") for i in range(answers)],
    )
    con.commit()
    con.close()


def _garbage(path: Path) -> str:
    path.write_bytes(b"not a database at all " * 500)
    return f"{path} is not a SQLite database; nothing was restored"


def _corrupt(path: Path) -> str:
    _studybot_db(path, answers=3000)
    pages = path.stat().st_size // 4096
    with path.open("r+b") as f:
        f.seek(4096 * (pages // 2))
        f.write(b"\0" * 4096)
    return f"{path} fails PRAGMA integrity_check: "


def _foreign(path: Path) -> str:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    return f"{path} is not a studybot database (no studybot schema in it); nothing was restored"


def _newer(path: Path) -> str:
    _studybot_db(path)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.commit()
    con.close()
    return f"{path} was written by a newer studybot (schema {len(MIGRATIONS) + 1}"


def _missing(path: Path) -> str:
    return f"there is no backup file at {path}; nothing was restored"


@pytest.mark.parametrize("make", [_garbage, _corrupt, _foreign, _newer, _missing])
def test_restore_refuses_a_bad_backup_and_leaves_the_database_alone(
    tmp_path: Path, make: Callable[[Path], str]
) -> None:
    db = tmp_path / "live.db"
    _studybot_db(db, answers=5)
    before = db.read_bytes()
    bad = tmp_path / "bad.db"
    expected = make(bad)
    out = studybot("db", "restore", str(bad), env=clean_env(STUDYBOT_DB=str(db)))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"studybot: {expected}")
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_refuses_while_a_bot_runs_on_the_database(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    env = clean_env(STUDYBOT_DB=str(db))
    assert studybot("console", env=env, input="/quiz 2\nB\n").returncode == 0
    assert studybot("db", "backup", str(tmp_path / "b.db"), env=env).returncode == 0
    bot = subprocess.Popen(
        [STUDYBOT, "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert bot.stdin is not None
    try:
        read_until(bot, "Welcome")
        out = studybot("db", "restore", str(tmp_path / "b.db"), env=env)
        assert out.returncode == 1
        assert out.stderr == (
            f"studybot: the database {db} is in use by a running studybot: stop the bot first, "
            "then restore\n"
        )
        # A backup of the running bot's database is fine, though.
        assert studybot("db", "backup", str(tmp_path / "c.db"), env=env).returncode == 0
        bot.stdin.close()
        assert bot.wait(timeout=10) == 0
    finally:
        bot.kill()
    assert studybot("db", "restore", str(tmp_path / "b.db"), env=env).returncode == 0


@pytest.mark.parametrize("command", ["console", "discord", "slack"])
def test_no_bot_starts_while_a_restore_runs(tmp_path: Path, command: str) -> None:
    db = tmp_path / "live.db"
    env = clean_env(
        STUDYBOT_DB=str(db), DISCORD_TOKEN="a.b.c", SLACK_BOT_TOKEN="xoxb-1",
        SLACK_APP_TOKEN="xapp-1", SLACK_API_URL="http://127.0.0.1:9/api/",
    )  # fmt: skip
    with _locked(db, True, "restore"):  # the lock `db restore` holds while it copies
        out = studybot(command, env=env, input="/quiz\n")
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr.endswith(
        f"studybot: a restore of {db} is in progress: start the bot when it is done\n"
    )
    assert not db.exists()  # refused before the database was opened


def test_backup_refusals(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"^there is no database at .*nope\.db \(STUDYBOT_DB\)$"):
        asyncio.run(backup(tmp_path / "nope.db", tmp_path / "b.db"))
    db = tmp_path / "live.db"
    _studybot_db(db)
    with pytest.raises(BackupError, match="must not overwrite the database itself"):
        asyncio.run(backup(db, db))
    with pytest.raises(BackupError, match="is the database itself"):
        asyncio.run(restore(db, db))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"x" * 8192)
    with pytest.raises(
        BackupError, match=r"garbage\.db cannot be backed up: file is not a database"
    ):
        asyncio.run(backup(garbage, tmp_path / "g.db"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.db", "live.db"]
