"""The spaced-review cards the SQLite store writes with each answer, and the cards it keeps in
memory between answers: read back in a new process, forgotten when their answer failed, not read
again while known, and bounded in number."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.learning_store import card_from_columns
from bot.localtime import parse_stamp, stamp
from bot.memory import CardState, Memory
from bot.store import AttemptRecord, Recorded, SqliteStore, StoredUser, open_store
from bot.views import UserRef
from tests.test_store import answer_record

MEMORY = Memory(fuzz=False)
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CARD_READ = "FROM seen WHERE due IS NOT NULL"


def answer(
    user: StoredUser, qid: str, correct: bool, nonce: str, at: datetime = NOON
) -> AttemptRecord:
    """An answer whose card the store moves, as the service sends it."""
    reviewer = functools.partial(MEMORY.review, correct=correct, now=at)
    return answer_record(
        user, qid, nonce, correct=correct, answered_at=stamp(at), reviewer=reviewer
    )


async def stored(store: SqliteStore, user: StoredUser, qid: str) -> CardState:
    rows = await store.reader.execute_fetchall(
        "SELECT card_state, card_step, stability, difficulty, due, reviewed_at FROM seen "
        "WHERE user_id = ? AND question_id = ?",
        (user.id, qid),
    )
    return card_from_columns(next(iter(rows)))


def columns(card: CardState) -> tuple[object, ...]:
    """A card's columns, its real numbers to 9 places (a card read back passes through JSON,
    which keeps 15 significant digits)."""
    return (
        card.state,
        card.step,
        None if card.stability is None else round(card.stability, 9),
        None if card.difficulty is None else round(card.difficulty, 9),
        stamp(card.due),
    )


async def test_every_field_of_the_card_is_written_with_the_answer(store: SqliteStore) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    await store.record(answer(ana, "d1.1-a", False, "n1"))  # learning: a step, no graduation
    await store.record(answer(ana, "d1.1-b", True, "n2"))  # graduated: stability, difficulty
    for qid, correct in (("d1.1-a", False), ("d1.1-b", True)):
        expected = MEMORY.review(None, correct, NOON)
        attempts = await store.reader.execute_fetchall(
            "SELECT card_state, card_step, card_stability, card_difficulty, card_due "
            "FROM attempts WHERE question_id = ?",
            (qid,),
        )
        state, step, stability, difficulty, due = next(iter(attempts))
        assert columns(CardState(state, step, stability, difficulty, parse_stamp(due), None)) == (
            columns(expected)
        )
        assert columns(await stored(store, ana, qid)) == columns(expected)


async def test_cards_moved_in_an_earlier_run_are_read_back_and_moved_on(tmp_path: Path) -> None:
    path = tmp_path / "cards.db"
    first = await open_store(path)
    ana = await first.user(UserRef("console", "local", "ana", "Ana"))
    bob = await first.user(UserRef("console", "local", "bob", "Bob"))
    await first.record(answer(ana, "d1.1-a", False, "a1"))
    await first.record(answer(bob, "d1.1-b", True, "b1"))
    before = {(ana.id, "d1.1-a"): await stored(first, ana, "d1.1-a")}
    before[bob.id, "d1.1-b"] = await stored(first, bob, "d1.1-b")
    await first.close()

    later = NOON + timedelta(days=3)
    second = await open_store(path)  # a restart: nothing known, every card read from the file
    try:
        reads: list[str] = []
        await second.reader.set_trace_callback(reads.append)
        # One batch, three cards: two stored, one the learner never had; one read for all.
        await asyncio.gather(
            second.record(answer(ana, "d1.1-a", True, "a2", later)),
            second.record(answer(bob, "d1.1-b", True, "b2", later)),
            second.record(answer(ana, "d1.1-c", True, "a3", later)),
        )
        await second.reader.set_trace_callback(None)
        assert len([sql for sql in reads if CARD_READ in sql]) == 1
        for user, qid in ((ana, "d1.1-a"), (bob, "d1.1-b")):
            expected = MEMORY.review(before[user.id, qid], True, later)
            assert columns(await stored(second, user, qid)) == columns(expected)
        fresh = MEMORY.review(None, True, later)
        assert columns(await stored(second, ana, "d1.1-c")) == columns(fresh)
    finally:
        await second.close()


async def test_a_card_whose_answer_failed_is_read_again_not_kept(store: SqliteStore) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    await store.record(answer(ana, "d1.1-a", False, "n1"))
    written = await stored(store, ana, "d1.1-a")
    await store.db.execute("PRAGMA query_only = ON")  # the disk is full
    with pytest.raises(StorageError):
        await store.record(answer(ana, "d1.1-a", True, "n2", NOON + timedelta(minutes=1)))
    await store.db.execute("PRAGMA query_only = OFF")
    later = NOON + timedelta(minutes=20)
    await store.record(answer(ana, "d1.1-a", True, "n3", later))
    # Moved from the card on file, not from the one the failed answer computed.
    assert columns(await stored(store, ana, "d1.1-a")) == columns(
        MEMORY.review(written, True, later)
    )


async def test_an_answer_with_its_card_given_fails_cleanly_on_a_full_disk(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    given = MEMORY.review(None, True, NOON)
    record = AttemptRecord(
        ana.id, ana.community, "d1.1-a", 1, "A", True, "quiz", "n1", "2026-W48", stamp(NOON),
        card=given,
    )  # fmt: skip
    await store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(StorageError):
        await asyncio.wait_for(store.record(record), 5)
    await store.db.execute("PRAGMA query_only = OFF")
    assert (await store.record(record)).counted
    assert columns(await stored(store, ana, "d1.1-a")) == columns(given)


async def test_a_card_read_when_its_question_was_shown_is_not_read_again(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    await store.record(answer(ana, "d1.1-a", False, "n1"))
    reads: list[str] = []
    await store.reader.set_trace_callback(reads.append)
    await store.prefetch_card(ana.id, "d1.1-b")  # shown: its card is read now
    await store.record(answer(ana, "d1.1-b", True, "n2"))  # answered: no read
    await store.record(answer(ana, "d1.1-a", True, "n3"))  # moved by this process: no read
    await store.reader.set_trace_callback(None)
    assert len([sql for sql in reads if CARD_READ in sql]) == 1


async def test_the_cards_kept_in_memory_are_bounded(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.store.MAX_KNOWN", 3)
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    reads: list[str] = []
    await store.reader.set_trace_callback(reads.append)

    async def shown(*qids: str) -> int:
        reads.clear()
        for qid in qids:
            await store.prefetch_card(ana.id, qid)
        return len([sql for sql in reads if CARD_READ in sql])

    assert await shown("q1", "q2", "q3") == 3
    assert await shown("q1") == 0  # three fit
    assert await shown("q4") == 1  # a fourth does not: the others are dropped
    assert await shown("q4") == 0
    assert await shown("q1") == 1
    await store.reader.set_trace_callback(None)


async def test_a_known_card_is_read_again_once_it_is_five_minutes_old(store: SqliteStore) -> None:
    seconds = [1000.0]
    store.clock = lambda: seconds[0]
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    reads: list[str] = []
    await store.reader.set_trace_callback(reads.append)
    await store.prefetch_card(ana.id, "d1.1-a")
    seconds[0] += 299.5
    await store.prefetch_card(ana.id, "d1.1-a")  # still trusted
    assert len([sql for sql in reads if CARD_READ in sql]) == 1
    seconds[0] = 1000.0 + 300.0  # five minutes: another process may have moved it
    await store.prefetch_card(ana.id, "d1.1-a")
    await store.reader.set_trace_callback(None)
    assert len([sql for sql in reads if CARD_READ in sql]) == 2


async def test_an_answer_that_failed_moves_no_card_even_batched_with_one_that_did_not(
    store: SqliteStore,
) -> None:
    ana = await store.user(UserRef("console", "local", "ana", "Ana"))
    await store.record(answer(ana, "d1.1-a", False, "n1"))
    before = await stored(store, ana, "d1.1-a")
    await store.db.execute(  # a row the database refuses (as a constraint would)
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON attempts WHEN NEW.nonce = 'refused' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    right = NOON + timedelta(minutes=20)
    results = await asyncio.gather(
        store.record(answer(ana, "d1.1-a", True, "refused", NOON + timedelta(minutes=15))),
        store.record(answer(ana, "d1.1-a", True, "n2", right)),
        return_exceptions=True,
    )
    assert isinstance(results[0], sqlite3.IntegrityError)
    assert isinstance(results[1], Recorded) and results[1].counted
    # Moved by the answer that was counted only, from the card as it was before both.
    assert columns(await stored(store, ana, "d1.1-a")) == columns(
        MEMORY.review(before, True, right)
    )
