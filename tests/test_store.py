"""The SQLite store on a real file: migrations, once-only answers, aggregates and indexed reads."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.memory import CardState
from bot.store import MIGRATIONS, SEND_AT, AttemptRecord, SqliteStore, StoredUser, open_store
from bot.views import UserRef


def answer_record(
    user: StoredUser,
    qid: str,
    nonce: str,
    *,
    domain: int = 1,
    correct: bool = True,
    choice: str = "A",
    week: str = "2026-W48",
    answered_at: str = "2026-11-27T12:00:00Z",
    reviewer: Callable[[CardState | None], CardState] | None = None,
) -> AttemptRecord:
    """An answer as the service hands it to the store (the tests of the store build theirs here)."""
    return AttemptRecord(
        user_id=user.id,
        community=user.community,
        question_id=qid,
        domain=domain,
        choice=choice,
        correct=correct,
        source="quiz",
        nonce=nonce,
        week=week,
        answered_at=answered_at,
        reviewer=reviewer,
    )


def attempt(
    user: StoredUser, qid: str, domain: int, correct: bool, nonce: str, week: str = "2026-W48"
) -> AttemptRecord:
    return answer_record(user, qid, nonce, domain=domain, correct=correct, week=week)


async def test_schema_is_migrated_and_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    s = await open_store(path)
    await s.close()
    s = await open_store(path)
    async with s.db.execute("PRAGMA user_version") as cur:
        assert (await cur.fetchone())[0] >= 1
    async with s.db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    await s.close()


async def test_users_are_keyed_by_platform_community_and_user(store: SqliteStore) -> None:
    a = await store.user(UserRef("discord", "g1", "u1", "Ana"))
    b = await store.user(UserRef("discord", "g2", "u1", "Ana"))
    again = await store.user(UserRef("discord", "g1", "u1", "Ana B."))
    assert a.id != b.id and again.id == a.id and again.display_name == "Ana B."
    assert a.community == "discord:g1"


async def test_same_nonce_counts_once_and_aggregates_follow(store: SqliteStore) -> None:
    u = await store.user(UserRef("console", "local", "ana", "ana"))
    assert (await store.record(attempt(u, "d1.1-a", 1, True, "n1"))).counted
    assert not (await store.record(attempt(u, "d1.1-a", 1, True, "n1"))).counted
    last = await store.record(attempt(u, "d2.1-a", 2, False, "n2"))
    assert last.counted
    assert (last.score.domain, last.score.attempts, last.score.correct) == (2, 1, 0)
    scores = {s.domain: (s.attempts, s.correct) for s in await store.scores(u.id)}
    assert scores == {0: (2, 1), 1: (1, 1), 2: (1, 0)}
    week = {s.domain: (s.attempts, s.correct) for s in await store.scores(u.id, "2026-W48")}
    assert week == scores
    assert await store.seen(u.id) == {"d1.1-a": True, "d2.1-a": False}


async def test_aggregates_equal_a_recount_of_attempts(store: SqliteStore) -> None:
    users = [await store.user(UserRef("console", "local", f"u{i}", f"U{i}")) for i in range(5)]
    for n in range(200):
        u = users[n % 5]
        await store.record(attempt(u, f"d{n % 4 + 1}.1-q{n % 7}", n % 4 + 1, n % 3 == 0, f"n{n}"))
    recount = await store.db.execute_fetchall(
        "SELECT user_id, domain, count(*), sum(correct) FROM attempts GROUP BY user_id, domain"
    )
    assert len(recount) == 20
    for user_id, domain, count, correct in recount:
        scores = {s.domain: s for s in await store.scores(user_id)}
        assert (scores[domain].attempts, scores[domain].correct) == (count, correct)


async def test_leaderboard_ranks_with_ties_and_the_callers_rank(store: SqliteStore) -> None:
    names = ["ana", "bob", "cy", "dee"]
    users = [await store.user(UserRef("slack", "T1", n, n)) for n in names]
    for user, right in zip(users, (3, 5, 5, 1), strict=True):
        for k in range(right):
            await store.record(attempt(user, f"d1.1-q{k}", 1, True, f"{user.id}-{k}"))
    top, me = await store.leaderboard("console:local", users[0].id, "all", 0, 10)
    assert top == [] and me is None  # another community
    community = users[0].community
    top, me = await store.leaderboard(community, users[3].id, "all", 0, 2)
    assert [(r.rank, r.display_name) for r in top] == [(1, "bob"), (1, "cy")]
    assert me is not None and (me.rank, me.display_name, me.correct) == (4, "dee", 1)
    assert (await store.leaderboard(community, users[0].id, "2026-W01", 0, 10))[1] is None


async def test_leaderboard_and_progress_reads_use_indexes_not_attempts(store: SqliteStore) -> None:
    users = [await store.user(UserRef("slack", "T1", f"u{n}", f"U{n}")) for n in range(3)]
    for n, user in enumerate(users):
        await store.record(attempt(user, "d1.1-a", 1, n % 2 == 0, f"n{n}"))
    seen: list[str] = []
    await store.reader.set_trace_callback(seen.append)
    # The store's own read queries, as it runs them: progress, question choice, leaderboard.
    await store.scores(users[0].id)
    await store.seen(users[0].id)
    await store.leaderboard(users[0].community, users[1].id, "2026-W48", 1, 10)
    await store.reader.set_trace_callback(None)
    reads = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 4
    for sql in reads:
        plan = [r[3] for r in await store.db.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")]
        assert all(step.startswith("SEARCH") for step in plan), (sql, plan)
        assert not any("attempts" in step for step in plan), (sql, plan)


async def test_integrity_after_writes(tmp_path: Path) -> None:
    s = await open_store(tmp_path / "i.db")
    u = await s.user(UserRef("console", "local", "ana", "ana"))
    await s.record(attempt(u, "d1.1-a", 1, True, "n1"))
    await s.close()
    async with (
        aiosqlite.connect(tmp_path / "i.db") as db,
        db.execute("PRAGMA integrity_check") as cur,
    ):
        assert (await cur.fetchone())[0] == "ok"


async def test_concurrent_answers_are_committed_together_and_repeats_count_once(
    store: SqliteStore,
) -> None:
    users = [await store.user(UserRef("discord", "g", f"u{i}", f"U{i}")) for i in range(20)]
    jobs = [attempt(u, "d1.1-a", 1, True, f"n{k}") for u in users for k in range(3)]
    jobs += [attempt(users[0], "d1.1-a", 1, True, "n0")]  # a double click in the same batch
    results = await asyncio.gather(*(store.record(j) for j in jobs))
    assert sum(r.counted for r in results) == 60
    assert not results[-1].counted
    assert (results[0].score.domain, results[0].score.attempts) == (1, 3)
    count = await store.db.execute_fetchall("SELECT count(*) FROM attempts")
    assert next(iter(count))[0] == 60


async def test_a_bad_row_does_not_fail_the_answers_batched_with_it(store: SqliteStore) -> None:
    good = await store.user(UserRef("discord", "g", "ok", "OK"))
    ghost = StoredUser(9999, good.community, "ghost", None)  # violates the users foreign key
    results = await asyncio.gather(
        store.record(attempt(good, "d1.1-a", 1, True, "a")),
        store.record(attempt(ghost, "d1.1-a", 1, True, "b")),
        store.record(attempt(good, "d1.1-b", 1, False, "c")),
        return_exceptions=True,
    )
    assert [type(r).__name__ for r in results] == ["Recorded", "IntegrityError", "Recorded"]
    assert all(r.counted for r in results if not isinstance(r, Exception))


async def test_two_processes_starting_on_a_new_file_migrate_it_once(tmp_path: Path) -> None:
    for n in range(10):
        path = tmp_path / f"fresh{n}.db"
        stores = await asyncio.gather(open_store(path), open_store(path))
        versions = [await s.db.execute_fetchall("PRAGMA user_version") for s in stores]
        for s in stores:
            await s.close()
        assert {next(iter(v))[0] for v in versions} == {len(MIGRATIONS)}


async def test_a_file_that_is_not_a_database_fails_fast_and_leaves_no_thread(
    tmp_path: Path,
) -> None:
    import sqlite3
    import threading

    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n")
    before = {th for th in threading.enumerate() if th.is_alive()}
    with pytest.raises(sqlite3.DatabaseError):
        await open_store(bad)
    for _ in range(200):  # a closed connection's worker thread takes a moment to end
        left = {th for th in threading.enumerate() if th.is_alive()} - before
        if not left:
            break
        await asyncio.sleep(0.01)
    assert left == set()


async def test_a_repeat_batched_with_new_answers_keeps_the_first_choice(
    store: SqliteStore,
) -> None:
    u = await store.user(UserRef("discord", "g", "ana", "Ana"))
    await store.record(attempt(u, "d1.1-a", 1, True, "n1"))
    again = dataclasses.replace(attempt(u, "d1.1-a", 1, False, "n1"), choice="B")
    results = await asyncio.gather(
        store.record(attempt(u, "d1.1-b", 1, True, "n2")),
        store.record(again),
        store.record(attempt(u, "d1.1-c", 1, False, "n3")),
    )
    assert [(r.counted, r.choice) for r in results] == [(True, "A"), (False, "A"), (True, "A")]
    assert (results[2].score.attempts, results[2].score.correct) == (3, 2)


async def test_a_repeat_after_other_writes_still_counts_once(store: SqliteStore) -> None:
    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))
    for k in range(4):
        await store.record(attempt(ana, f"d1.1-{k}", 1, True, f"n{k}"))
    await store.user(UserRef("discord", "g", "bob", "Bob"))  # the writer's latest insert: id 2
    again = dataclasses.replace(attempt(ana, "d1.1-3", 1, False, "n3"), choice="C")
    recorded = await store.record(again)  # attempt id 4, above the latest insert's id
    assert (recorded.counted, recorded.choice, recorded.score.attempts) == (False, "A", 4)


async def test_an_answer_committed_but_not_read_back_fails_and_is_kept(
    store: SqliteStore,
) -> None:
    import sqlite3

    ana = await store.user(UserRef("discord", "g", "ana", "Ana"))

    def no_json(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        denied = action == sqlite3.SQLITE_FUNCTION and arg2 == "json_group_array"
        return sqlite3.SQLITE_DENY if denied else sqlite3.SQLITE_OK

    await store.db.set_authorizer(no_json)  # the read after the commit cannot be prepared
    jobs = [attempt(ana, "d1.1-a", 1, True, "n1"), attempt(ana, "d1.1-b", 1, False, "n2")]
    results = await asyncio.gather(*(store.record(j) for j in jobs), return_exceptions=True)
    assert all(isinstance(r, sqlite3.DatabaseError) for r in results)
    await store.db.set_authorizer(None)
    again = await store.record(jobs[0])
    assert not again.counted and again.score.attempts == 2  # both were committed, once


async def test_more_answers_than_one_batch_are_all_committed_once(store: SqliteStore) -> None:
    users = [await store.user(UserRef("discord", "g", f"u{i}", f"U{i}")) for i in range(50)]
    jobs = [attempt(u, "d1.1-a", 1, k % 2 == 0, f"n{k}") for u in users for k in range(7)]
    results = await asyncio.gather(*(store.record(j) for j in [*jobs, *jobs[:40]]))
    assert sum(r.counted for r in results) == len(jobs) > SEND_AT
    count = await store.db.execute_fetchall("SELECT count(*), sum(correct) FROM attempts")
    assert tuple(next(iter(count))) == (350, 200)


async def test_a_shown_leaderboard_follows_new_answers(store: SqliteStore) -> None:
    ana, bob = [await store.user(UserRef("slack", "T1", n, n)) for n in ("ana", "bob")]
    await store.record(attempt(ana, "d1.1-a", 1, True, "a1"))
    for period, domain in (("all", 0), ("2026-W48", 0), ("2026-W48", 2)):
        await store.leaderboard(ana.community, ana.id, period, domain, 10)  # loads the board
    for k in range(2):
        await store.record(attempt(bob, "d2.1-a", 2, True, f"b{k}"))
    for period, domain in (("all", 0), ("2026-W48", 0), ("2026-W48", 2)):
        top, me = await store.leaderboard(ana.community, ana.id, period, domain, 10)
        assert top[0].display_name == "bob" and top[0].correct == 2
        assert (me is None) == (domain == 2)  # ana has no domain 2 answer
    top, me = await store.leaderboard(ana.community, ana.id, "all", 0, 10)
    assert [(r.rank, r.display_name) for r in top] == [(1, "bob"), (2, "ana")]
    assert me is not None and me.rank == 2


async def test_answers_from_another_process_reach_a_board_at_its_refill(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    mine, other = await open_store(path), await open_store(path)
    try:
        ana = await mine.user(UserRef("console", "local", "ana", "ana"))
        await mine.record(attempt(ana, "d1.1-a", 1, True, "a1"))
        assert len((await mine.leaderboard(ana.community, ana.id, "all", 0, 10))[0]) == 1
        bob = await other.user(UserRef("console", "local", "bob", "bob"))
        await other.record(attempt(bob, "d1.1-a", 1, True, "b1"))
        await other.record(attempt(bob, "d1.1-b", 1, True, "b2"))
        mine.boards.refill_after = 0.0
        await mine.leaderboard(ana.community, ana.id, "all", 0, 10)  # starts the refill
        for _ in range(100):
            top, me = await mine.leaderboard(ana.community, ana.id, "all", 0, 10)
            if len(top) == 2:
                break
            await asyncio.sleep(0.01)
        assert [(r.display_name, r.correct) for r in top] == [("bob", 2), ("ana", 1)]
        assert me is not None and me.rank == 2
    finally:
        await mine.close()
        await other.close()


async def test_a_version_2_database_is_upgraded_with_its_scores(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "v2.db"
    con = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:2]:
        con.executescript(script)
    con.execute("PRAGMA user_version = 2")
    con.execute(
        "INSERT INTO users (id, platform, community, user) VALUES (1, 'console', 'local', 'ana')"
    )
    con.execute(
        "INSERT INTO attempts (user_id, community, question_id, domain, choice, correct, source, "
        "nonce, week, answered_at) VALUES (1, 'console:local', 'd1.1-a', 1, 'A', 1, 'quiz', 'n', "
        "'2026-W48', '2026-11-27T00:00:00Z')"
    )
    con.close()
    s = await open_store(path)
    try:
        indexes = {
            r[0]
            for r in await s.db.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            )
        }
        assert "scores_board" in indexes and "scores_rank" not in indexes
        top, me = await s.leaderboard("console:local", 1, "all", 0, 10)
        assert [(r.rank, r.correct) for r in top] == [(1, 1)] and me is not None
    finally:
        await s.close()
