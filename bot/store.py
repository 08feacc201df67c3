"""Persistence: the store port, the group commit both databases use, and the SQLite store.

Every answer is a row in `attempts`; triggers update the per-user, per-domain and weekly
aggregates in the same statement's transaction, so an acknowledged answer and its scores are
committed together. Leaderboards rank those aggregates in memory (`bot.ranking`): a board is
filled from an index of `scores` the first time it is asked for, then kept current by every
commit, and refilled in the background so answers another process records show up too.

Answers that arrive together are committed together (group commit, `GroupCommit`): one
multi-row INSERT is one atomic statement, and an answer is acknowledged only once its batch is
committed. The PostgreSQL store (bot.pg_store) runs the same engine with its own statements.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import aiosqlite

from bot.daily_store import DailyStore, SqlDailyStore
from bot.errors import NewerDatabase
from bot.learning_store import LearningStore, SqlLearningStore, card_from_columns
from bot.localtime import stamp
from bot.logs import RateLimitedLog
from bot.memory import CardState
from bot.ranking import Board, BoardKey, Boards, Totals
from bot.sql import SqliteSql
from bot.sqlite_writes import storage_error, writes
from bot.views import UserRef

__all__ = [
    "AttemptRecord",
    "DomainScore",
    "GroupCommit",
    "GroupScore",
    "QuestionTally",
    "RankRow",
    "Recorded",
    "SqliteStore",
    "Store",
    "StoredUser",
    "WeekScore",
    "open_store",
    "rank_rows",
]

log = logging.getLogger(__name__)

INSERT_COLUMNS = (
    "user_id, community, question_id, domain, choice, correct, source, nonce, week, answered_at, "
    "card_state, card_step, card_stability, card_difficulty, card_due"
)
# Fifteen parameters a row; SQLite allows 32,766 per statement.
MAX_BATCH = 500
# A batch this full is sent at once instead of waiting for the loop's next turn.
SEND_AT = 100
CHECKPOINT_EVERY = 1.0  # seconds
CACHE_KIB = 16384
# A card read or moved by this process is trusted this long (another process may move it too)
# and at most this many are held.
KNOWN_FOR = 300.0
MAX_KNOWN = 100_000  # page cache per connection; the hot aggregates of a large community fit

MIGRATIONS: tuple[str, ...] = (
    # 1: users, attempts, aggregates kept by triggers.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        community TEXT NOT NULL,
        user TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        locale TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        UNIQUE (platform, community, user)
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        community TEXT NOT NULL,
        question_id TEXT NOT NULL,
        domain INTEGER NOT NULL,
        choice TEXT NOT NULL,
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        source TEXT NOT NULL,
        nonce TEXT NOT NULL,
        week TEXT NOT NULL,
        answered_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX attempts_once ON attempts (user_id, nonce);
    CREATE TABLE scores (
        user_id INTEGER NOT NULL REFERENCES users(id),
        community TEXT NOT NULL,
        period TEXT NOT NULL,
        domain INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, period, domain)
    ) WITHOUT ROWID;
    CREATE INDEX scores_rank ON scores (community, period, domain, correct DESC, attempts);
    CREATE TABLE seen (
        user_id INTEGER NOT NULL REFERENCES users(id),
        question_id TEXT NOT NULL,
        times INTEGER NOT NULL,
        last_correct INTEGER NOT NULL,
        last_at TEXT NOT NULL,
        PRIMARY KEY (user_id, question_id)
    ) WITHOUT ROWID;
    CREATE TRIGGER attempts_aggregate AFTER INSERT ON attempts BEGIN
        INSERT INTO scores (user_id, community, period, domain, attempts, correct) VALUES
            (NEW.user_id, NEW.community, 'all', 0, 1, NEW.correct),
            (NEW.user_id, NEW.community, 'all', NEW.domain, 1, NEW.correct),
            (NEW.user_id, NEW.community, NEW.week, 0, 1, NEW.correct),
            (NEW.user_id, NEW.community, NEW.week, NEW.domain, 1, NEW.correct)
        ON CONFLICT (user_id, period, domain) DO UPDATE
            SET attempts = attempts + 1, correct = correct + excluded.correct;
        INSERT INTO seen (user_id, question_id, times, last_correct, last_at)
            VALUES (NEW.user_id, NEW.question_id, 1, NEW.correct, NEW.answered_at)
        ON CONFLICT (user_id, question_id) DO UPDATE
            SET times = times + 1, last_correct = excluded.last_correct, last_at = excluded.last_at;
    END;
    """,
    # 2: community settings, daily channels and posts, streaks.
    """
    CREATE TABLE community_settings (
        platform TEXT NOT NULL,
        community TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (platform, community, key)
    ) WITHOUT ROWID;
    CREATE TABLE daily_channels (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        community TEXT NOT NULL,
        channel TEXT NOT NULL,
        post_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        locale TEXT NOT NULL,
        reveal_after_minutes INTEGER,
        enabled INTEGER NOT NULL DEFAULT 1,
        failures INTEGER NOT NULL DEFAULT 0,
        UNIQUE (platform, community, channel)
    );
    CREATE TABLE daily_posts (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES daily_channels(id),
        local_date TEXT NOT NULL,
        question_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed')),
        message_ref TEXT,
        claimed_at TEXT NOT NULL,
        posted_at TEXT,
        revealed_at TEXT,
        UNIQUE (channel_id, local_date)
    );
    CREATE INDEX attempts_daily ON attempts (nonce) WHERE source = 'daily';
    ALTER TABLE users ADD COLUMN streak INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN streak_date TEXT;
    ALTER TABLE users ADD COLUMN streak_tz TEXT;
    """,
    # 3: leaderboards rank in memory; this index only finds a board's rows to fill it, and its
    # entries never move when a score changes.
    """
    DROP INDEX scores_rank;
    CREATE INDEX scores_board ON scores (community, period, domain);
    """,
    # 4: spaced review, mock exams, question reports, each question's first answer. A learner's
    # FSRS card for a question lives in its `seen` row, which every answer upserts anyway: the
    # answer's own statement writes the card, with no second B-tree to touch (an index on due
    # times would move an entry on a scattered page for every answer; a learner's rows sit
    # together under the primary key, so their due cards are a short range scan).
    """
    ALTER TABLE attempts ADD COLUMN card_state INTEGER;
    ALTER TABLE attempts ADD COLUMN card_step INTEGER;
    ALTER TABLE attempts ADD COLUMN card_stability REAL;
    ALTER TABLE attempts ADD COLUMN card_difficulty REAL;
    ALTER TABLE attempts ADD COLUMN card_due TEXT;
    ALTER TABLE seen ADD COLUMN first_correct INTEGER;
    ALTER TABLE seen ADD COLUMN card_state INTEGER;
    ALTER TABLE seen ADD COLUMN card_step INTEGER;
    ALTER TABLE seen ADD COLUMN stability REAL;
    ALTER TABLE seen ADD COLUMN difficulty REAL;
    ALTER TABLE seen ADD COLUMN due TEXT;
    ALTER TABLE seen ADD COLUMN reviewed_at TEXT;
    UPDATE seen SET first_correct = (
        SELECT a.correct FROM attempts a
        WHERE a.user_id = seen.user_id AND a.question_id = seen.question_id ORDER BY a.id LIMIT 1
    );
    DROP TRIGGER attempts_aggregate;
    CREATE TRIGGER attempts_aggregate AFTER INSERT ON attempts BEGIN
        INSERT INTO scores (user_id, community, period, domain, attempts, correct) VALUES
            (NEW.user_id, NEW.community, 'all', 0, 1, NEW.correct),
            (NEW.user_id, NEW.community, 'all', NEW.domain, 1, NEW.correct),
            (NEW.user_id, NEW.community, NEW.week, 0, 1, NEW.correct),
            (NEW.user_id, NEW.community, NEW.week, NEW.domain, 1, NEW.correct)
        ON CONFLICT (user_id, period, domain) DO UPDATE
            SET attempts = attempts + 1, correct = correct + excluded.correct;
        INSERT INTO seen (
            user_id, question_id, times, last_correct, last_at, first_correct,
            card_state, card_step, stability, difficulty, due, reviewed_at
        ) VALUES (
            NEW.user_id, NEW.question_id, 1, NEW.correct, NEW.answered_at, NEW.correct,
            NEW.card_state, NEW.card_step, NEW.card_stability, NEW.card_difficulty, NEW.card_due,
            CASE WHEN NEW.card_due IS NULL THEN NULL ELSE NEW.answered_at END
        )
        ON CONFLICT (user_id, question_id) DO UPDATE SET
            times = times + 1, last_correct = excluded.last_correct, last_at = excluded.last_at,
            card_state = CASE WHEN excluded.due IS NULL THEN card_state ELSE excluded.card_state END,
            card_step = CASE WHEN excluded.due IS NULL THEN card_step ELSE excluded.card_step END,
            stability = CASE WHEN excluded.due IS NULL THEN stability ELSE excluded.stability END,
            difficulty = CASE WHEN excluded.due IS NULL THEN difficulty ELSE excluded.difficulty END,
            reviewed_at = CASE WHEN excluded.due IS NULL THEN reviewed_at ELSE excluded.reviewed_at END,
            due = coalesce(excluded.due, due);
    END;
    CREATE TABLE exams (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        size INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        deadline TEXT NOT NULL,
        finished_at TEXT,
        correct INTEGER,
        score INTEGER,
        questions TEXT NOT NULL
    );
    CREATE UNIQUE INDEX exams_open ON exams (user_id) WHERE finished_at IS NULL;
    CREATE INDEX exams_user ON exams (user_id, id);
    CREATE TABLE exam_items (
        exam_id INTEGER NOT NULL REFERENCES exams(id),
        position INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        choice TEXT,
        answered_at TEXT,
        PRIMARY KEY (exam_id, position)
    ) WITHOUT ROWID;
    CREATE TRIGGER exams_items AFTER INSERT ON exams BEGIN
        INSERT INTO exam_items (exam_id, position, question_id, seq)
            SELECT NEW.id, key, value, key FROM json_each(NEW.questions);
    END;
    CREATE TABLE reports (
        user_id INTEGER NOT NULL REFERENCES users(id),
        question_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, question_id)
    ) WITHOUT ROWID;
    CREATE INDEX reports_question ON reports (question_id);
    """,
    # 5: what a community gets wrong, per question and ISO week, for its organisers: kept by a
    # trigger like the scores, so `/stats` reads a community's week, not its attempts.
    """
    CREATE TABLE question_stats (
        community TEXT NOT NULL,
        period TEXT NOT NULL,
        question_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        correct INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (community, period, question_id)
    ) WITHOUT ROWID;
    INSERT INTO question_stats (community, period, question_id, attempts, correct)
        SELECT community, week, question_id, count(*), sum(correct) FROM attempts
        GROUP BY community, week, question_id;
    CREATE TRIGGER attempts_question_stats AFTER INSERT ON attempts BEGIN
        INSERT INTO question_stats (community, period, question_id, attempts, correct)
            VALUES (NEW.community, NEW.week, NEW.question_id, 1, NEW.correct)
        ON CONFLICT (community, period, question_id) DO UPDATE
            SET attempts = attempts + 1, correct = correct + excluded.correct;
    END;
    """,
)


@dataclass(frozen=True, slots=True)
class StoredUser:
    id: int
    community: str
    display_name: str
    locale: str | None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    user_id: int
    community: str
    question_id: str
    domain: int
    choice: str
    correct: bool
    source: str
    nonce: str
    week: str
    answered_at: str
    card: CardState | None = None  # the learner's card after this answer, written with it
    # How the card moves with this answer, given the card as it stands: applied by the store
    # right before the INSERT, on the writer, so answers to one card never overwrite each other.
    reviewer: Callable[[CardState | None], CardState] | None = None

    def values(self) -> tuple[object, ...]:
        """The row's values, in the order of INSERT_COLUMNS."""
        card = self.card
        return (
            self.user_id, self.community, self.question_id, self.domain, self.choice,
            int(self.correct), self.source, self.nonce, self.week, self.answered_at,
            None if card is None else card.state,
            None if card is None else card.step,
            None if card is None else card.stability,
            None if card is None else card.difficulty,
            None if card is None else stamp(card.due),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DomainScore:
    domain: int
    attempts: int
    correct: int


@dataclass(frozen=True, slots=True)
class WeekScore:
    """A learner's totals over all domains in one ISO week (`period` such as 2026-W48)."""

    period: str
    attempts: int
    correct: int


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A community's totals in one domain (0: all) and period: how many learners, answers."""

    domain: int
    learners: int
    attempts: int
    correct: int


@dataclass(frozen=True, slots=True)
class QuestionTally:
    """How a community answered one question in one ISO week."""

    question_id: str
    attempts: int
    correct: int


# The most missed first: most wrong answers, then the lowest share right, then by id.
MOST_MISSED = (
    "SELECT question_id, attempts, correct FROM question_stats "
    "WHERE community = ? AND period = ? AND attempts > correct "
    "ORDER BY attempts - correct DESC, correct * 1.0 / attempts, question_id LIMIT ?"
)
GROUP_SCORES = (
    "SELECT domain, count(*), sum(attempts), sum(correct) FROM scores "
    "WHERE community = ? AND period = ? GROUP BY domain ORDER BY domain"
)


@dataclass(frozen=True, slots=True)
class Recorded:
    """The outcome of recording an answer: counted (not a repeat) and the user's score after.

    The score is read right after the commit, so it may already include the same learner's
    answers committed just after this one.
    """

    counted: bool
    score: DomainScore  # all-time, in the answer's domain
    choice: str  # what was recorded: this answer's, or the first one's for a repeat
    due: int = 0  # the learner's reviews due right after the commit


@dataclass(frozen=True, slots=True)
class RankRow:
    rank: int
    user_id: int
    display_name: str
    attempts: int
    correct: int


class Store(Protocol):
    """The persistence port the service needs: SqliteStore here, PgStore in bot.pg_store."""

    writable: bool  # False while answers cannot be written: /healthz turns 503

    @property
    def daily(self) -> DailyStore: ...

    @property
    def learning(self) -> LearningStore: ...

    async def user(self, ref: UserRef) -> StoredUser: ...
    async def set_locale(self, user: StoredUser, locale: str | None) -> StoredUser: ...
    async def record(self, attempt: AttemptRecord) -> Recorded: ...
    async def prefetch_card(self, user_id: int, question_id: str) -> None: ...
    async def scores(self, user_id: int, period: str = "all") -> list[DomainScore]: ...
    async def weekly(self, user_id: int, periods: Sequence[str]) -> list[WeekScore]: ...
    async def seen(self, user_id: int) -> dict[str, bool]: ...
    async def group_scores(self, community: str, period: str) -> list[GroupScore]: ...
    async def most_missed(self, community: str, period: str, limit: int) -> list[QuestionTally]: ...
    async def leaderboard(
        self, community: str, user_id: int, period: str, domain: int, limit: int
    ) -> tuple[list[RankRow], RankRow | None]: ...
    async def probe(self) -> bool: ...
    async def close(self) -> None: ...


async def rank_rows(
    board: Board,
    user_id: int,
    limit: int,
    names_of: Callable[[set[int]], Awaitable[dict[int, str]]],
) -> tuple[list[RankRow], RankRow | None]:
    """A board's first `limit` rows and the caller's own row (None if not ranked), named."""
    top, mine = board.top(limit), board.standing(user_id)
    names = await names_of({r.user_id for r in top} | {user_id})
    rows = [
        RankRow(r.rank, r.user_id, names.get(r.user_id, ""), r.attempts, r.correct) for r in top
    ]
    if mine is None:
        return rows, None
    return rows, RankRow(mine.rank, user_id, names.get(user_id, ""), mine.attempts, mine.correct)


def community_key(ref: UserRef) -> str:
    """Leaderboards are per community of one platform."""
    return f"{ref.platform}:{ref.community}"


Batch = list[tuple[AttemptRecord, "asyncio.Future[Recorded]"]]
Key = tuple[int, str]


class GroupCommit:
    """Answers that arrive together are committed together, on either database.

    One multi-row INSERT per batch is one atomic statement (no multi-statement transaction for
    concurrent tasks to interleave); an answer is acknowledged only once its batch is committed.
    Each answer's spaced-review card is computed right before the INSERT from the card as it
    stands; a card this process read when the question was shown, or moved with an answer not
    yet committed, is not read again. A subclass supplies the statements (the `_` hooks below).
    """

    def __init__(self, refresh: float = 60.0) -> None:
        self._users: dict[tuple[str, str, str], StoredUser] = {}
        self._queue: Batch = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sending = False
        self._commits: set[asyncio.Task[None]] = set()
        self.boards = Boards(self._totals, refill_after=refresh)
        # Cards this process knows to be current, with when it learnt them: read when the
        # question was shown, or moved by this process's answers (committed or not yet).
        self._known: dict[Key, tuple[CardState | None, float]] = {}
        self.clock: Callable[[], float] = time.monotonic  # how old a known card is
        # Whether the last answers could be written: /healthz turns 503 while they cannot.
        self.writable = True
        self._failures = RateLimitedLog(log)

    # -- what a database supplies ----------------------------------------------------------------

    async def _insert(self, batch: Batch) -> object:
        """Commit the batch's attempts, repeats ignored; what `_counted` needs to tell them."""
        raise NotImplementedError

    async def _counted(self, batch: Batch, inserted: object) -> tuple[set[Key], dict[Key, str]]:
        """The (user, nonce) keys this commit inserted, and the recorded choice of the others."""
        raise NotImplementedError

    async def _cards(self, keys: set[Key]) -> dict[Key, CardState | None]:
        raise NotImplementedError

    async def _score_rows(self, users: list[int], periods: list[str]) -> Iterable[Sequence[Any]]:
        """(user, period, domain, attempts, correct) rows, read right after a commit."""
        raise NotImplementedError

    async def _due_counts(self, users: list[int], now: str) -> dict[int, int]:
        raise NotImplementedError

    async def _totals(self, key: BoardKey) -> Totals:
        raise NotImplementedError

    async def _names(self, user_ids: set[int]) -> dict[int, str]:
        raise NotImplementedError

    def _storage_error(self, error: Exception) -> Exception:
        """A StorageError for a database that cannot write; a constraint or a bug as it is."""
        return error

    # -- the engine --------------------------------------------------------------------------------

    async def record(self, attempt: AttemptRecord) -> Recorded:
        """Commit one answer; `counted` is False if this (user, nonce) was already recorded."""
        # Looked up once: on Python 3.11 each lookup asks the kernel for the process id.
        loop = self._loop = self._loop or asyncio.get_running_loop()
        future: asyncio.Future[Recorded] = loop.create_future()
        self._queue.append((attempt, future))
        if len(self._queue) >= SEND_AT:
            self._send()
        elif not self._sending:
            # After the callbacks already due, so answers arriving together share a commit.
            self._sending = True
            loop.call_soon(self._send)
        return await future

    def _send(self) -> None:
        self._sending = False
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            task = asyncio.create_task(self._commit_batch(batch))
            self._commits.add(task)
            task.add_done_callback(self._commits.discard)

    async def _commit_batch(self, batch: Batch) -> None:
        # Batches in flight wait in the writer's queue: they commit in the order sent.
        try:
            batch = await self._review(batch)
            inserted = await self._insert(batch)
        except Exception as error:
            self.writable = False
            self._failures.warning(type(error).__name__, "committing answers failed: %s", error)
            self._forget(batch)
            await self._commit_each(batch, error)
            return
        self.writable = True
        try:
            await self._acknowledge(batch, inserted)
        except Exception as error:  # committed, but not read back: never insert it again
            log.warning("reading back %d committed answer(s) failed: %s", len(batch), error)
            for _, future in batch:
                _fail(future, error)

    async def _commit_each(self, batch: Batch, error: Exception) -> None:
        # One bad row must not fail the answers that were batched with it.
        if len(batch) == 1:
            _fail(batch[0][1], self._storage_error(error))
            return
        for item in batch:
            await self._commit_batch([item])

    async def _review(self, batch: Batch) -> Batch:
        """Each answer's card after it, from the cards as they stand.

        A card this process knows (read when its question was shown, or moved by a batch not
        yet committed: batches are pipelined) is not read again, so the writer only writes and
        two answers to one card in consecutive batches never overwrite each other.
        """
        keys = {(a.user_id, a.question_id) for a, _ in batch if a.reviewer is not None}
        if not keys:
            return batch
        await self._learn(keys)
        reviewed = []
        for attempt, future in batch:
            if attempt.reviewer is not None:
                key = (attempt.user_id, attempt.question_id)
                card = attempt.reviewer(self._known[key][0])
                self._known[key] = (card, self.clock())
                # The reviewer stays: if the batch fails, each answer is tried again alone and
                # reviewed again from its card as it then stands, so an answer that fails for
                # good leaves no move in the card of another answer to the same question.
                attempt = dataclasses.replace(attempt, card=card)
            reviewed.append((attempt, future))
        return reviewed

    async def prefetch_card(self, user_id: int, question_id: str) -> None:
        """Read a learner's card for a question about to be shown, so the answer waits for no
        read."""
        await self._learn({(user_id, question_id)})

    async def _learn(self, keys: set[Key]) -> None:
        now = self.clock()
        fresh = {k for k in keys if k in self._known and now - self._known[k][1] < KNOWN_FOR}
        missing = keys - fresh
        if not missing:
            return
        found = await self._cards(missing)
        if len(self._known) + len(missing) > MAX_KNOWN:
            self._known.clear()
        self._known.update({k: (found.get(k), now) for k in missing})

    def _forget(self, batch: Batch) -> None:
        """The batch failed: its cards were not written, so they are read again next time."""
        for attempt, _ in batch:
            key = (attempt.user_id, attempt.question_id)
            if attempt.card is not None and self._known.get(key, (None,))[0] is attempt.card:
                del self._known[key]

    async def _acknowledge(self, batch: Batch, inserted: object) -> None:
        fresh, first = await self._counted(batch, inserted)
        # The scores and the reviews due, read at the same time.
        scores, due = await asyncio.gather(self._scores_of(batch), self._due_of(batch))
        for attempt, future in batch:
            key = (attempt.user_id, attempt.nonce)
            counted = key in fresh
            fresh.discard(key)  # a repeat inside one batch counts once too
            choice = first.setdefault(key, attempt.choice)
            if not future.done():
                attempts, correct = scores.get((attempt.user_id, attempt.domain), (0, 0))
                score = DomainScore(attempt.domain, attempts, correct)
                future.set_result(Recorded(counted, score, choice, due.get(attempt.user_id, 0)))

    async def _due_of(self, batch: Batch) -> dict[int, int]:
        """Each learner's reviews due at the batch's latest answer, right after the commit."""
        users = sorted({a.user_id for a, _ in batch})
        return await self._due_counts(users, max(a.answered_at for a, _ in batch))

    async def _scores_of(self, batch: Batch) -> dict[tuple[int, int], tuple[int, int]]:
        """(user, domain) -> all-time (attempts, correct) after the commit; boards follow too."""
        community = {a.user_id: a.community for a, _ in batch}
        periods = ["all", *({a.week for a, _ in batch} & self.boards.periods())]
        found: dict[tuple[int, int], tuple[int, int]] = {}
        for uid, period, domain, attempts, correct in await self._score_rows(
            list(community), periods
        ):
            self.boards.put((community[uid], period, domain), uid, attempts, correct)
            if period == "all":
                found[uid, domain] = attempts, correct
        return found

    async def leaderboard(
        self, community: str, user_id: int, period: str, domain: int, limit: int
    ) -> tuple[list[RankRow], RankRow | None]:
        """The board's first `limit` learners and the caller's own row (None if not ranked)."""
        board = await self.boards.board((community, period, domain))
        return await rank_rows(board, user_id, limit, self._names)

    async def _drain(self) -> None:
        """Wait for queued answers to be committed; stop refreshing boards."""
        self._send()
        while self._commits:
            await asyncio.gather(*self._commits)
        self.boards.close()


class SqliteStore(GroupCommit):
    """The embedded default store: SQLite in WAL mode, one writer and one reader connection.

    Writes go through the writer connection; reads use a second one, so they never queue behind
    a write. A full batch is sent at once, so the writer thread commits it while the event loop
    prepares the next one.
    """

    def __init__(
        self,
        db: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        checkpointer: aiosqlite.Connection | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.reader = reader
        self.checkpointer = checkpointer
        self._checkpoints: asyncio.Task[None] | None = None
        sql = SqliteSql(db, reader)
        self.daily = SqlDailyStore(sql)
        self.learning = SqlLearningStore(sql)

    @writes
    async def user(self, ref: UserRef) -> StoredUser:
        """Find or create the user; refresh a changed display name."""
        key = (ref.platform, ref.community, ref.user)
        cached = self._users.get(key)
        if cached and (not ref.display_name or cached.display_name == ref.display_name):
            return cached
        async with self.db.execute(
            "INSERT INTO users (platform, community, user, display_name) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, community, user) DO UPDATE SET display_name = "
            "CASE WHEN excluded.display_name = '' THEN display_name ELSE excluded.display_name END "
            "RETURNING id, display_name, locale",
            (*key, ref.display_name),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        user = StoredUser(row[0], community_key(ref), row[1], row[2])
        self._users[key] = user
        return user

    @writes
    async def set_locale(self, user: StoredUser, locale: str | None) -> StoredUser:
        if user.locale == locale:  # no write: a terminal started with --lang sets it each time
            return user
        await self.db.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user.id))
        updated = StoredUser(user.id, user.community, user.display_name, locale)
        self._users = {k: (updated if v.id == user.id else v) for k, v in self._users.items()}
        return updated

    def _storage_error(self, error: Exception) -> Exception:
        return storage_error(error)

    async def _cards(self, keys: set[Key]) -> dict[Key, CardState | None]:
        """The stored cards for these (user, question) pairs, as one JSON row."""
        if not keys:
            return {}
        # OR of key equalities: SQLite searches the primary key for each (a row-value IN over
        # VALUES scans the table).
        marks = " OR ".join(["(user_id = ? AND question_id = ?)"] * len(keys))
        rows = await self.reader.execute_fetchall(
            "SELECT json_group_array(json_array(user_id, question_id, card_state, card_step, "
            f"stability, difficulty, due, reviewed_at)) FROM seen WHERE due IS NOT NULL AND ({marks})",
            [v for key in sorted(keys) for v in key],
        )
        return {
            (r[0], r[1]): card_from_columns(r[2:])
            for r in json.loads(next(iter(rows))[0])
            if (r[0], r[1]) in keys
        }

    async def _insert(self, batch: Batch) -> object:
        """Rows inserted, and the last one's id (one statement's new rows have consecutive ids)."""
        params = [value for a, _ in batch for value in a.values()]
        row = "(" + ", ".join("?" * len(INSERT_COLUMNS.split(","))) + ")"
        values = ", ".join([row] * len(batch))
        async with self.db.execute(
            f"INSERT OR IGNORE INTO attempts ({INSERT_COLUMNS}) VALUES {values}", params
        ) as cursor:
            return cursor.rowcount, cursor.lastrowid or 0

    async def _counted(self, batch: Batch, inserted: object) -> tuple[set[Key], dict[Key, str]]:
        count, last = cast(tuple[int, int], inserted)
        keys = [(a.user_id, a.nonce) for a, _ in batch]
        if count == len(batch):
            return set(keys), {}
        rows = await self._recorded(keys)
        # With no row inserted, lastrowid is an older statement's, maybe of another table.
        fresh = {(r[0], r[1]) for r in rows if count and r[3] > last - count}
        return fresh, {(r[0], r[1]): r[2] for r in rows}

    async def _recorded(self, keys: list[Key]) -> Iterable[sqlite3.Row]:
        """The rows recorded for these (user, nonce) pairs: user, nonce, choice, id."""
        marks = " OR ".join(["(user_id = ? AND nonce = ?)"] * len(keys))
        return await self.db.execute_fetchall(
            f"SELECT user_id, nonce, choice, id FROM attempts WHERE {marks}",
            [v for key in keys for v in key],
        )

    async def _due_counts(self, users: list[int], now: str) -> dict[int, int]:
        rows = await self.reader.execute_fetchall(
            "SELECT json_group_object(user_id, n) FROM (SELECT user_id, count(*) AS n FROM seen "
            f"WHERE user_id IN ({', '.join('?' * len(users))}) AND due <= ? GROUP BY user_id)",
            (*users, now),
        )
        # An aggregate over no row is still one row: `{}` for no learner with a review due.
        found: dict[str, int] = json.loads(next(iter(rows))[0])
        return {int(k): v for k, v in found.items()}

    async def _score_rows(self, users: list[int], periods: list[str]) -> Iterable[Sequence[Any]]:
        marks, kinds = ", ".join("?" * len(users)), ", ".join("?" * len(periods))
        # On the writer, right after the commit: no queueing behind leaderboard reads. One
        # row (JSON), so the writer thread takes the GIL back once rather than once per row.
        rows = await self.db.execute_fetchall(
            "SELECT json_group_array(json_array(user_id, period, domain, attempts, correct)) "
            f"FROM scores WHERE user_id IN ({marks}) AND period IN ({kinds})",
            (*users, *periods),
        )
        found: list[Sequence[Any]] = json.loads(next(iter(rows))[0])
        return found

    async def scores(self, user_id: int, period: str = "all") -> list[DomainScore]:
        rows = await self.reader.execute_fetchall(
            "SELECT domain, attempts, correct FROM scores WHERE user_id = ? AND period = ?",
            (user_id, period),
        )
        return [DomainScore(*r) for r in rows]

    async def weekly(self, user_id: int, periods: Sequence[str]) -> list[WeekScore]:
        """The learner's all-domain totals in these ISO weeks (weeks with no answer left out)."""
        if not periods:
            return []
        rows = await self.reader.execute_fetchall(
            "SELECT period, attempts, correct FROM scores WHERE user_id = ? AND domain = 0 "
            f"AND period IN ({', '.join('?' * len(periods))})",
            (user_id, *periods),
        )
        return [WeekScore(*r) for r in rows]

    async def group_scores(self, community: str, period: str) -> list[GroupScore]:
        """A community's learners and totals per domain (0: all) in a period, from `scores`."""
        rows = await self.reader.execute_fetchall(GROUP_SCORES, (community, period))
        return [GroupScore(*r) for r in rows]

    async def most_missed(self, community: str, period: str, limit: int) -> list[QuestionTally]:
        """The questions a community answered wrong most in an ISO week, from `question_stats`."""
        rows = await self.reader.execute_fetchall(MOST_MISSED, (community, period, limit))
        return [QuestionTally(*r) for r in rows]

    async def seen(self, user_id: int) -> dict[str, bool]:
        """Question id -> whether the learner's last answer to it was right."""
        rows = await self.reader.execute_fetchall(
            "SELECT question_id, last_correct FROM seen WHERE user_id = ?", (user_id,)
        )
        return {r[0]: bool(r[1]) for r in rows}

    async def probe(self) -> bool:
        """Both connections answer a query, and the last answers could be written."""
        if not self.writable:  # a full disk, a read-only file...
            return False
        for connection in (self.reader, self.db):  # a connection that cannot answer raises
            await connection.execute_fetchall("SELECT count(*) FROM sqlite_master")
        return True

    async def _totals(self, key: BoardKey) -> Totals:
        """A board's rows, as one JSON row: one GIL hand-back for the reader thread."""
        rows = await self.reader.execute_fetchall(
            "SELECT json_group_array(json_array(user_id, attempts, correct)) FROM scores "
            "WHERE community = ? AND period = ? AND domain = ?",
            key,
        )
        totals: Totals = json.loads(next(iter(rows))[0])
        return totals

    async def _names(self, user_ids: set[int]) -> dict[int, str]:
        marks = ", ".join("?" * len(user_ids))
        rows = await self.reader.execute_fetchall(
            f"SELECT id, display_name FROM users WHERE id IN ({marks})", tuple(user_ids)
        )
        return {r[0]: r[1] for r in rows}

    def start_checkpoints(self, every: float = CHECKPOINT_EVERY) -> None:
        """Copy the WAL into the database file in the background, off the writer's path.

        SQLite's automatic checkpoint runs inside a commit and stalls that writer for
        milliseconds; a PASSIVE checkpoint on its own connection never blocks a writer.
        """
        if self.checkpointer is not None and self._checkpoints is None:
            self._checkpoints = asyncio.create_task(self._checkpoint_loop(every))

    async def _checkpoint_loop(self, every: float) -> None:
        assert self.checkpointer is not None
        while True:
            await asyncio.sleep(every)
            try:
                await self.checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except aiosqlite.Error as error:  # busy now: the next round catches up
                log.debug("checkpoint skipped: %s", error)

    async def close(self) -> None:
        """Wait for queued answers to be committed, then close every connection."""
        await self._drain()
        if self._checkpoints is not None:
            self._checkpoints.cancel()
        for connection in (self.checkpointer, self.reader):
            if connection is not None:
                await connection.close()
        # Closing the last connection checkpoints and removes the WAL without waiting on
        # other processes' readers (an explicit checkpoint would wait out busy_timeout).
        await self.db.close()


def _fail(future: asyncio.Future[Recorded], error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (a trigger's body keeps its inner semicolons)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements  # the blank tail after the last statement is never complete


async def _version(db: aiosqlite.Connection) -> int:
    rows = await db.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    found = await _version(db)
    if found > len(MIGRATIONS):
        raise NewerDatabase(f"STUDYBOT_DB={path}", found, len(MIGRATIONS))
    for number, script in enumerate(MIGRATIONS, start=1):
        if await _version(db) >= number:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process starting on the same new file
            # (two bots on one fresh volume) may have just applied this step.
            if await _version(db) < number:
                for statement in _statements(script):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")
                log.info("database migrated to version %d", number)
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise


async def _connect(path: Path) -> aiosqlite.Connection:
    db = await aiosqlite.connect(path, isolation_level=None)
    # WAL + synchronous=NORMAL: a committed answer survives a killed process; only a power cut
    # can lose the last few transactions, which is the usual trade for a chat bot.
    # busy_timeout first: a second process opening the same new file waits for the first
    # one's switch to WAL and its migration instead of failing with "database is locked".
    try:
        await db.execute("PRAGMA busy_timeout = 5000")
        await _switch_to_wal(db)
        for pragma in (
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            f"PRAGMA cache_size = -{CACHE_KIB}",
        ):
            await db.execute(pragma)
    except BaseException:  # e.g. "file is not a database": free the worker thread
        await db.close()
        raise
    return db


async def _switch_to_wal(db: aiosqlite.Connection) -> None:
    # Two processes switching one new file to WAL at once can each hold the lock the other
    # needs; SQLite then fails one of them at once, without waiting out busy_timeout.
    for delay in (0.01, 0.05, 0.1, 0.25, 0.5, 1.0):
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            await asyncio.sleep(delay)
    await db.execute("PRAGMA journal_mode = WAL")


async def open_store(path: str | Path, background_checkpoints: bool = True) -> SqliteStore:
    """Open (creating if needed) the SQLite database at `path` and bring its schema up to date.

    With `background_checkpoints`, the writer never checkpoints inside a commit: a task on
    the running loop does it every second on a connection of its own.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opened: list[aiosqlite.Connection] = []
    try:
        opened.append(await _connect(path))
        db = opened[0]
        await _migrate(db, path)
        if background_checkpoints:
            await db.execute("PRAGMA wal_autocheckpoint = 0")
            opened.append(await _connect(path))
        opened.append(await _connect(path))
        # The reader never writes: a write sent to it by mistake fails at once instead of
        # bypassing the one writer (and its group commit and lock).
        await opened[-1].execute("PRAGMA query_only = ON")
    except BaseException:
        # An open connection's worker thread would keep a failed process alive for ever.
        for connection in opened:
            await connection.close()
        raise
    checkpointer = opened[1] if background_checkpoints else None
    store = SqliteStore(db, opened[-1], checkpointer)
    store.start_checkpoints()
    return store
