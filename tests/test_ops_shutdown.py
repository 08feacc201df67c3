"""Graceful shutdown: SIGTERM/SIGINT stop the real `studybot console` cleanly, losing nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from studybot.signals import install_shutdown
from tests.ops_support import STUDYBOT, clean_env, read_until

ACK = "Type /quiz or next"
QUEUED = 2000  # far more than the pipes buffer: the bot is mid-stream when the signal comes


def _console(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [STUDYBOT, "console", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )


def _consistent_count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        attempts = con.execute("SELECT count(*) FROM attempts").fetchone()[0]
        scored = con.execute(
            "SELECT coalesce(sum(attempts), 0) FROM scores WHERE period = 'all' AND domain = 0"
        ).fetchone()[0]
        assert scored == attempts
        return int(attempts)
    finally:
        con.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_with_answers_in_flight_exits_0_and_keeps_every_acknowledged_answer(
    tmp_path: Path, sig: signal.Signals
) -> None:
    db = tmp_path / "sig.db"
    proc = _console(db)
    assert proc.stdin is not None
    try:
        read_until(proc, "Welcome")
        # Single-answer domains only; the bot answers as fast as it reads.
        proc.stdin.write("".join(f"/quiz {2 + n % 3}\nB\n" for n in range(QUEUED)))
        proc.stdin.flush()
        acknowledged = sum(read_until(proc, ACK).count(ACK) for _ in range(10))
        started = time.monotonic()
        proc.send_signal(sig)
        rest, errors = proc.communicate(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        proc.kill()
    acknowledged += rest.count(ACK)
    assert proc.returncode == 0, errors
    assert elapsed < 5
    assert "Traceback" not in errors
    # Every answer the learner saw acknowledged is stored, and none that was not.
    assert _consistent_count(db) == acknowledged
    # It stopped reading: the queued input was not worked through.
    assert 10 <= acknowledged < QUEUED


def test_sigterm_while_waiting_for_input_exits_at_once(tmp_path: Path) -> None:
    db = tmp_path / "idle.db"
    proc = _console(db)
    assert proc.stdin is not None
    try:
        read_until(proc, "Welcome")
        proc.stdin.write("/quiz 2\nB\n")
        proc.stdin.flush()
        read_until(proc, ACK)
        # Nothing more is typed: the input stays open, and the read must not hold the exit.
        proc.send_signal(signal.SIGTERM)
        _, errors = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, errors
    assert _consistent_count(db) == 1


async def test_install_shutdown_calls_back_once_then_gives_the_signal_back() -> None:
    loop = asyncio.get_running_loop()
    closed: list[str] = []

    async def close() -> None:
        closed.append("closed")

    shutdown = install_shutdown(loop, close, signals=(signal.SIGUSR1,))
    assert shutdown.installed == [signal.SIGUSR1] and not shutdown.requested
    os.kill(os.getpid(), signal.SIGUSR1)
    await asyncio.wait_for(shutdown.wait(), 5)
    await asyncio.sleep(0)  # the callback's task runs on the next turn of the loop
    assert shutdown.signal is signal.SIGUSR1
    assert closed == ["closed"]
    assert shutdown.installed == []
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL
    shutdown.trigger()  # a second request changes nothing
    await asyncio.sleep(0)
    assert closed == ["closed"]


async def test_trigger_without_a_signal_and_a_plain_callback() -> None:
    stop = asyncio.Event()
    shutdown = install_shutdown(asyncio.get_running_loop(), stop.set, signals=())
    shutdown.trigger()
    assert stop.is_set() and shutdown.requested and shutdown.signal is None
