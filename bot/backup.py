"""Online backup and checked restore of the SQLite database.

A backup goes through SQLite's backup API in one step: it copies one consistent snapshot, and in
WAL mode it never blocks the running bot's writes. A restore checks the file first (integrity,
a studybot schema no newer than this version), keeps the current database aside, then copies
the backup in through the same API, so the WAL files next to the database stay coherent.

A running bot holds a shared lock on `<database>.lock`; a restore takes it exclusively, so it
refuses to replace a database under a running bot, and a bot does not start mid-restore.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.errors import NewerDatabase, StudyBotError
from bot.store import MIGRATIONS

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; the lock is then advisory only
    fcntl = None  # type: ignore[assignment]

__all__ = ["BackupError", "Copied", "backup", "hold_database", "restore"]

log = logging.getLogger(__name__)

SQLITE_NOTADB = 26


class BackupError(StudyBotError):
    """A backup or restore was refused; the message says why in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore wrote."""

    path: Path
    size: int
    answers: int
    previous: Path | None = None  # restore: where the replaced database was kept


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextlib.contextmanager
def _locked(db_path: Path, exclusive: bool, refusal: str) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(db_path), "a+b") as handle:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(refusal) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def hold_database(db_path: str | Path) -> Iterator[None]:
    """Mark the database as in use for as long as the bot runs (a shared lock: many bots may)."""
    path = Path(db_path)
    with _locked(path, False, f"a restore of {path} is in progress: start the bot when it is done"):
        yield


def _fsync(path: Path) -> None:
    flags = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if path.is_dir() else os.O_RDONLY
    with contextlib.suppress(OSError):  # some filesystems refuse to fsync a directory
        fd = os.open(path, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _answers(con: sqlite3.Connection) -> int:
    try:
        row = con.execute("SELECT count(*) FROM attempts").fetchone()
    except sqlite3.DatabaseError:
        return 0
    return int(row[0]) if row else 0


def _integrity(con: sqlite3.Connection, path: Path) -> None:
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        if getattr(e, "sqlite_errorcode", None) == SQLITE_NOTADB:
            raise BackupError(f"{path} is not a SQLite database") from None
        raise BackupError(f"{path} fails PRAGMA integrity_check: {e}") from None
    if rows != [("ok",)]:
        first = rows[0][0] if rows else "no answer"
        raise BackupError(f"{path} fails PRAGMA integrity_check: {first}")


def _schema(con: sqlite3.Connection, path: Path) -> None:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version < 1 or "attempts" not in tables:
        raise BackupError(f"{path} is not a studybot database (no studybot schema in it)")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"{path} was written by a newer studybot (schema {version}, this one knows "
            f"{len(MIGRATIONS)}): upgrade studybot first"
        )


def _finish_copy(tmp: Path, dest: Path) -> Copied:
    """Make the fresh copy one self-contained file, check it, then move it into place."""
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode = DELETE")
        _integrity(con, tmp)
        answers = _answers(con)
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, dest)
    _fsync(dest.parent)
    return Copied(dest, dest.stat().st_size, answers)


def _destination(db_path: Path, given: str | Path) -> Path:
    dest = Path(given)
    # A trailing slash names a directory, even one that does not exist yet.
    if dest.is_dir() or str(given).endswith(("/", os.sep)):
        dest = dest / f"{db_path.stem}-{_stamp()}.db"
    if dest.resolve() == db_path.resolve():
        raise BackupError(f"the backup must not overwrite the database itself ({db_path})")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


async def backup(db_path: str | Path, dest: str | Path) -> Copied:
    """Copy the live database to `dest` (a file, or a directory to put a dated file in).

    Safe while the bot runs: one consistent snapshot, taken without blocking its writes.
    """
    source = Path(db_path)
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (STUDYBOT_DB)")
    _not_newer(source)
    target = _destination(source, dest)
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        await _snapshot(source, tmp)
        copied = _finish_copy(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("backup of %s written to %s (%d answers)", source, target, copied.answers)
    return copied


def _not_newer(source: Path) -> None:
    """Refuse a database written by a newer studybot before copying anything of it."""
    con = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{source} cannot be backed up: {e}") from None
    finally:
        con.close()
    if version > len(MIGRATIONS):
        raise NewerDatabase(f"STUDYBOT_DB={source}", version, len(MIGRATIONS))


async def _snapshot(source: Path, tmp: Path) -> None:
    # The target is used from aiosqlite's worker thread, where the backup runs.
    out = sqlite3.connect(tmp, check_same_thread=False)
    try:
        async with aiosqlite.connect(source) as db:
            await db.execute("PRAGMA busy_timeout = 5000")
            # pages=0 copies every page in one step: one read transaction, one snapshot.
            await db.backup(out, pages=0)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{source} cannot be backed up: {e}") from None
    finally:
        out.close()


def _open_checked(path: Path) -> sqlite3.Connection:
    """Open a backup read-only and check it is a sound studybot database; one line if not."""
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise BackupError(f"{path} cannot be opened: {e}") from None
    try:
        _integrity(con, path)
        _schema(con, path)
    except BaseException:
        con.close()
        raise
    return con


async def restore(source: str | Path, db_path: str | Path) -> Copied:
    """Replace the database at `db_path` with the backup `source`, after checking the backup.

    Refuses (BackupError) if the backup is not a sound studybot database or if a bot is running
    on `db_path`; the database being replaced is first kept as `<database>.before-restore-<time>`.
    """
    src, target = Path(source), Path(db_path)
    if src.resolve() == target.resolve():
        raise BackupError(f"{src} is the database itself: restore from a backup file")
    try:
        con = _open_checked(src)
    except BackupError as e:
        raise BackupError(f"{e}; nothing was restored") from None
    try:
        refusal = (
            f"the database {target} is in use by a running studybot: stop the bot first, "
            "then restore"
        )
        with _locked(target, True, refusal):
            previous = await _keep_current(target)
            copied = _copy_in(con, src, target)
    finally:
        con.close()
    log.info("restored %s into %s (%d answers)", src, target, copied.answers)
    return Copied(copied.path, copied.size, copied.answers, previous)


async def _keep_current(target: Path) -> Path | None:
    if not target.is_file():
        return None
    kept = await backup(target, target.with_name(f"{target.name}.before-restore-{_stamp()}"))
    return kept.path


def _copy_in(con: sqlite3.Connection, src: Path, target: Path) -> Copied:
    target.parent.mkdir(parents=True, exist_ok=True)
    out = sqlite3.connect(target)
    try:
        out.execute("PRAGMA busy_timeout = 5000")
        con.backup(out)
        _integrity(out, target)
        answers = _answers(out)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"restoring {src} into {target} failed: {e}") from None
    finally:
        out.close()
    return Copied(target, target.stat().st_size, answers)
