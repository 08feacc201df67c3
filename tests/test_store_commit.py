"""The group commit on SQLite: what an answer's acknowledgement holds, how answers are batched,
and what a failed commit logs and does to /healthz."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3

import pytest

from bot.errors import StorageError
from bot.store import SEND_AT, AttemptRecord, SqliteStore, StoredUser
from bot.views import UserRef
from tests.test_store import answer_record

INSERT = "INSERT OR IGNORE INTO attempts"


def attempt(
    user: StoredUser, qid: str, domain: int, nonce: str, choice: str = "A"
) -> AttemptRecord:
    return answer_record(user, qid, nonce, domain=domain, choice=choice)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.store" and r.levelno == logging.WARNING
    ]


async def test_a_new_answer_is_acknowledged_with_its_choice_and_no_review_due(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))
    recorded = await store.record(attempt(ana, "d1.1-a", 1, "n1", choice="BD"))
    assert (recorded.counted, recorded.choice, recorded.due) == (True, "BD", 0)


async def test_a_repeat_in_a_domain_never_answered_scores_nothing_there(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))
    await store.record(attempt(ana, "d1.1-a", 1, "n1"))
    repeat = await store.record(attempt(ana, "d2.1-a", 2, "n1", choice="C"))
    assert (repeat.counted, repeat.choice) == (False, "A")
    assert (repeat.score.domain, repeat.score.attempts, repeat.score.correct) == (2, 0, 0)


async def test_a_full_batch_is_sent_at_once(store: SqliteStore) -> None:
    users = [await store.user(UserRef("discord", "g", f"u{i}", f"U{i}")) for i in range(3)]
    jobs = [attempt(users[k % 3], "d1.1-a", 1, f"n{k}") for k in range(SEND_AT + 1)]
    sent: list[str] = []
    await store.db.set_trace_callback(sent.append)
    results = await asyncio.gather(*(store.record(j) for j in jobs))
    await store.db.set_trace_callback(None)
    assert all(r.counted for r in results)
    # The hundredth answer sends its batch; the one after it waits for the next turn.
    # (Traced again for each trigger the statement fires: one entry per statement text.)
    inserts = dict.fromkeys(sql for sql in sent if sql.startswith(INSERT))
    assert [sql.count("), (") + 1 for sql in inserts] == [SEND_AT, 1]


async def test_each_kind_of_commit_failure_is_logged_with_its_cause(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))
    await store.db.execute("PRAGMA query_only = ON")  # the disk is full
    with pytest.raises(StorageError):
        await store.record(attempt(ana, "d1.1-a", 1, "n1"))
    assert not await store.probe()  # /healthz: down
    await store.db.execute("PRAGMA query_only = OFF")
    ghost = StoredUser(9999, ana.community, "ghost", None)  # violates the users foreign key
    with pytest.raises(sqlite3.IntegrityError):
        await store.record(attempt(ghost, "d1.1-a", 1, "n2"))
    assert warnings(caplog) == [
        "committing answers failed: attempt to write a readonly database",
        "committing answers failed: FOREIGN KEY constraint failed",
    ]
    assert (await store.record(attempt(ana, "d1.1-a", 1, "n3"))).counted
    assert await store.probe()  # written again: /healthz up


async def test_answers_committed_but_not_read_back_are_logged_with_their_number(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))

    def no_json(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        denied = action == sqlite3.SQLITE_FUNCTION and arg2 == "json_group_array"
        return sqlite3.SQLITE_DENY if denied else sqlite3.SQLITE_OK

    await store.db.set_authorizer(no_json)  # the read after the commit cannot be prepared
    jobs = [attempt(ana, "d1.1-a", 1, "n1"), attempt(ana, "d1.1-b", 1, "n2")]
    results = await asyncio.gather(*(store.record(j) for j in jobs), return_exceptions=True)
    await store.db.set_authorizer(None)
    assert all(isinstance(r, sqlite3.DatabaseError) for r in results)
    assert warnings(caplog) == [f"reading back 2 committed answer(s) failed: {results[0]}"]
    again = await store.record(dataclasses.replace(jobs[1], choice="B"))
    assert (again.counted, again.choice) == (False, "A")


async def test_answers_arriving_before_a_pending_send_join_its_batch(store: SqliteStore) -> None:
    users = [await store.user(UserRef("discord", "g", f"u{i}", f"U{i}")) for i in range(4)]

    async def answers(user: StoredUser, turns: int) -> bool:
        for _ in range(turns):  # arrives this many turns of the loop later
            await asyncio.sleep(0)
        return (await store.record(attempt(user, "d1.1-a", 1, "n"))).counted

    sent: list[str] = []
    await store.db.set_trace_callback(sent.append)
    # Two answers now, two a turn later: the second pair finds one send pending, not two.
    counted = await asyncio.gather(*(answers(u, k % 2) for k, u in enumerate(users)))
    await store.db.set_trace_callback(None)
    assert all(counted)
    batches = [sql for sql in dict.fromkeys(sent) if sql.startswith(INSERT)]
    assert [sql.count("), (") + 1 for sql in batches] == [2, 2]
