"""`make bench`: how fast the core answers on a realistically large SQLite database.

Seeds a throwaway database (10,000 learners in one community with 200 spaced-review cards each,
99 other communities, 1,000,000 attempts), then measures in one run: open-loop latency at a busy
rate (answers with their FSRS update, /progress with readiness, /leaderboard, /review), mock exam
starts, progress pictures (the PNG card), closed-loop saturation throughput, a raw aiosqlite
baseline on the same file and settings, content load time and peak RSS. Prints a table and one JSON line.

With `--postgres URL` (`make bench-pg`), the seeded file is copied into a new database on that
PostgreSQL server and every phase runs on the PostgreSQL store; the baseline is raw asyncpg.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from adapters.shared.picture import ProgressPictures
from bot.content import Content, load_content
from bot.daily import DailyService
from bot.db_copy import copy_database
from bot.exam import ExamService
from bot.localtime import local_date, stamp
from bot.pg_store import open_pg_store
from bot.service import StudyService, week_key
from bot.store import CACHE_KIB, Store, open_store
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard, UserRef
from scheduler.daily import DailyScheduler

MAIN = "bench-main"
TARGETS = {
    "answer_p99_ms": 5.0,
    "progress_p99_ms": 5.0,
    "leaderboard_p99_ms": 20.0,
    "content_load_s": 1.0,
    "rss_mb": 150.0,
    "fanout_answer_p99_ms": 5.0,
    "review_p99_ms": 5.0,
    "exam_start_p99_ms": 20.0,
    "progress_png_p99_ms": 150.0,
}
# The targets on PostgreSQL (a network round trip per statement, a server of its own).
PG_TARGETS = {
    "answer_p99_ms": 10.0,
    "leaderboard_p99_ms": 20.0,
    "answers_per_s": 3000.0,
    "progress_png_p99_ms": 150.0,  # the picture is drawn the same way whatever the database
}
AT_LEAST = {"answers_vs_baseline", "answers_per_s"}


def cards(
    users: list[tuple[int, str]], questions: list[str], per_user: int, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """`per_user` review cards for each learner, due from 20 days ago to 40 days ahead."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    for uid, _ in users:
        for qid in rng.sample(questions, min(per_user, len(questions))):
            due = now + timedelta(days=rng.uniform(-20, 40))
            last = due - timedelta(days=rng.uniform(1, 30))
            yield uid, qid, stamp(last), rng.uniform(1, 60), stamp(due), stamp(last)


def seed(
    path: Path, content: Content, users: int, communities: int, attempts: int, per_user: int
) -> None:
    """Fill the schema with plain sqlite3 (fast), through the same triggers the bot uses."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    rows = [("discord", MAIN, f"u{i}", f"Learner {i}") for i in range(users)]
    rows += [
        ("discord", f"c{c}", f"u{i}", f"Other {c}-{i}")
        for c in range(communities)
        for i in range(100)
    ]
    con.executemany(
        "INSERT INTO users (platform, community, user, display_name) VALUES (?, ?, ?, ?)", rows
    )
    ids = con.execute("SELECT id, 'discord:' || community FROM users").fetchall()
    questions = [(q.id, q.domain) for q in content.questions.values()]
    rng = random.Random(42)
    weeks = ["2026-W46", "2026-W47", week_key_now()]

    def gen():
        for n in range(attempts):
            uid, community = ids[rng.randrange(len(ids))]
            qid, domain = questions[rng.randrange(len(questions))]
            yield (
                uid,
                community,
                qid,
                domain,
                "A",
                rng.random() < 0.6,
                "quiz",
                f"s{n}",
                weeks[n % 3],
                "2026-11-01T00:00:00Z",
            )

    con.executemany(
        "INSERT INTO attempts (user_id, community, question_id, domain, choice, correct, source, nonce, week, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        gen(),
    )
    con.executemany(
        "INSERT INTO seen (user_id, question_id, times, last_correct, last_at, first_correct, "
        "card_state, stability, difficulty, due, reviewed_at) VALUES (?, ?, 3, 1, ?, 1, 2, ?, "
        "5.0, ?, ?) ON CONFLICT (user_id, question_id) DO UPDATE SET card_state = 2, "
        "stability = excluded.stability, difficulty = 5.0, due = excluded.due, "
        "reviewed_at = excluded.reviewed_at",
        cards(ids[:users], [q for q, _ in questions], per_user, rng),
    )
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("ANALYZE")
    con.close()


def week_key_now() -> str:
    from datetime import UTC, datetime

    return week_key(datetime.now(UTC))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Learner:
    """A learner answering, as fast as they can, questions they were already shown."""

    def __init__(self, service: StudyService, n: int) -> None:
        self.service = service
        self.ref = UserRef("discord", MAIN, f"u{n}", f"Learner {n}")
        self.cards: list[QuestionCard] = []

    async def prepare(self, count: int) -> None:
        self.cards = [await self.service.next_question(self.ref, "en") for _ in range(count)]

    async def answer(self) -> None:
        card = self.cards.pop()
        choice = list(card.letters[: card.choose])
        await self.service.answer(self.ref, card.question_id, card.token, choice, "en")


Sample = tuple[str, float, float]  # kind, scheduled start (s from the phase's start), latency ms


async def open_loop(service: StudyService, users: int, rate: float, seconds: float) -> list[Sample]:
    """Poisson arrivals at `rate` answers/s, with /progress and /leaderboard at a tenth of it.

    Each latency runs from the request's scheduled arrival, so a stall delays every request
    behind it and shows in the figures (no coordinated omission). Each answer's question was
    shown beforehand, as a learner reads it before clicking.
    """
    rng = random.Random(1)
    plan: list[tuple[float, str]] = []
    kinds = (("answer", rate), ("progress", rate / 10), ("leaderboard", rate / 10))
    for kind, r in (*kinds, ("review", rate / 10)):
        t = 0.0
        while (t := t + rng.expovariate(r)) < seconds:
            plan.append((t, kind))
    plan.sort()
    refs = [UserRef("discord", MAIN, f"u{rng.randrange(users)}", "") for _ in plan]
    cards = [
        await service.next_question(ref, "en") if kind == "answer" else None
        for ref, (_, kind) in zip(refs, plan, strict=True)
    ]
    loop = asyncio.get_running_loop()
    start = loop.time()
    samples: list[Sample] = []

    async def run(at: float, kind: str, ref: UserRef, card: QuestionCard | None) -> None:
        if card is not None:
            choice = list(card.letters[: card.choose])
            await service.answer(ref, card.question_id, card.token, choice, "en")
        elif kind == "progress":
            await service.progress(ref, "en")
        elif kind == "review":
            await service.next_review(ref, "en")
        else:
            await service.leaderboard(ref, "en")
        samples.append((kind, at, (loop.time() - start - at) * 1000))

    tasks = []
    for (at, kind), ref, card in zip(plan, refs, cards, strict=True):
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(run(at, kind, ref, card)))
    await asyncio.gather(*tasks)
    return samples


def latencies(
    samples: list[Sample], kind: str, window: tuple[float, float] | None = None
) -> list[float]:
    lo, hi = window or (float("-inf"), float("inf"))
    return [ms for k, at, ms in samples if k == kind and lo <= at <= hi]


class CountingPublisher:
    """A stand-in platform for the fan-out: accepts every post at once."""

    platform = "discord"
    rate_per_second = 1e9

    def __init__(self) -> None:
        self.posted = 0

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        self.posted += 1
        return f"m{post.id}"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        return None


async def fan_out(
    service: StudyService, users: int, channels: int, rate: float
) -> dict[str, float]:
    """Prepare and hand `channels` daily posts to a publisher while learners keep answering."""
    configured = [
        await service.configure_daily("discord", f"g{n}", f"c{n}", "09:00", "UTC", "en")
        for n in range(channels)
    ]
    publisher = CountingPublisher()
    scheduler = DailyScheduler(DailyService(service), {"discord": publisher}, clock=service.clock)
    day = local_date(service.clock(), "UTC")
    loop = asyncio.get_running_loop()
    answering = asyncio.create_task(open_loop(service, users, rate, 4.0))
    await asyncio.sleep(0.5)
    began = loop.time()
    await asyncio.gather(*(scheduler.post(c, day) for c in configured))
    took = loop.time() - began
    samples = await answering
    during = latencies(samples, "answer", (0.5, 0.5 + took))
    assert publisher.posted == channels
    return {
        "fanout_channels": float(channels),
        "fanout_s": took,
        "fanout_answer_p99_ms": pct(during, 0.99),
        "fanout_answers_during": float(len(during)),
    }


async def exam_starts(service: StudyService, users: int, count: int) -> list[float]:
    """How long starting a 65-question mock exam takes, for `count` learners one after another."""
    exams = ExamService(service)
    took = []
    for n in range(count):
        ref = UserRef("discord", MAIN, f"u{(n * 7919) % users}", "")
        began = time.perf_counter()
        await exams.start(ref, "en")
        took.append((time.perf_counter() - began) * 1000)
    return took


async def progress_pictures(service: StudyService, users: int, count: int) -> list[float]:
    """How long a /progress card takes (drawn on a worker thread, PNG encoded), for `count`
    learners one after another (none cached), in English and French, dark and light."""
    pictures = ProgressPictures()
    took = []
    for n in range(count):
        ref = UserRef("discord", MAIN, f"u{(n * 7907) % users}", "")
        report = await service.progress(ref, "fr" if n % 2 else "en")
        began = time.perf_counter()
        await pictures.png(report, "light" if n % 4 > 1 else "dark")
        took.append((time.perf_counter() - began) * 1000)
    assert pictures.drawn == count
    return took


async def closed_loop(
    workers: int, seconds: float, work: Callable[[int], Awaitable[None]], limit: int = 10**9
) -> float:
    """`workers` concurrent clients doing `work` back to back; returns operations per second."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal done
        for _ in range(limit):
            if time.perf_counter() >= deadline:
                return
            await work(n)
            done += 1

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(workers)))
    return done / (time.perf_counter() - began)


async def baseline(path: Path, workers: int, seconds: float) -> float:
    """Raw aiosqlite on the same file and settings: one INSERT per committed transaction."""
    import aiosqlite

    db = await aiosqlite.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = WAL",
        "synchronous = NORMAL",
        "busy_timeout = 5000",
        "foreign_keys = ON",
        f"cache_size = -{CACHE_KIB}",
    ):
        await db.execute(f"PRAGMA {pragma}")
    await db.execute(
        "CREATE TABLE IF NOT EXISTS baseline (id INTEGER PRIMARY KEY, user TEXT, question TEXT, correct INTEGER, at TEXT)"
    )

    async def insert(n: int) -> None:
        await db.execute(
            "INSERT INTO baseline (user, question, correct, at) VALUES (?, ?, ?, ?)",
            (f"u{n}", "d1.1-x", 1, "2026-11-27T00:00:00Z"),
        )

    try:
        return await closed_loop(workers, seconds, insert)
    finally:
        await db.close()


async def worker(args: argparse.Namespace) -> None:
    """One bot process of the two-process measure: closed-loop answers on PostgreSQL."""
    store = await open_pg_store(args.worker)
    try:
        service = StudyService(load_content(), store, rng=random.Random(os.getpid()))
        rng = random.Random(os.getpid())
        learners = [Learner(service, rng.randrange(args.users)) for _ in range(args.workers)]
        for learner in learners:
            await learner.prepare(args.cards)
        print("ready", flush=True)
        sys.stdin.readline()  # every process starts together
        rate = await closed_loop(
            args.workers, args.seconds, lambda n: learners[n].answer(), limit=args.cards
        )
        print(json.dumps({"answers_per_s": rate}), flush=True)
    finally:
        await store.close()


async def processes(url: str, count: int, args: argparse.Namespace) -> float:
    """Answers a second of `count` bot processes on one PostgreSQL database, together."""
    command = [
        sys.executable, __file__, "--worker", url, "--seconds", str(args.seconds),
        "--workers", str(args.workers // count), "--users", str(args.users),
        "--cards", str(args.cards),
    ]  # fmt: skip
    procs = [
        await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(count)
    ]
    for proc in procs:
        assert proc.stdout is not None
        await proc.stdout.readline()  # "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    total = 0.0
    for proc in procs:
        out, _ = await proc.communicate()
        total += json.loads(out.decode().strip().splitlines()[-1])["answers_per_s"]
    return total


async def pg_baseline(url: str, workers: int, seconds: float) -> float:
    """Raw asyncpg on the same server: one INSERT per committed transaction, a pool as big."""
    import asyncpg

    pool = await asyncpg.create_pool(url, min_size=1, max_size=10)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS baseline (id BIGSERIAL PRIMARY KEY, u TEXT, question TEXT, "
        "correct INTEGER, at TEXT)"
    )

    async def insert(n: int) -> None:
        await pool.execute(
            "INSERT INTO baseline (u, question, correct, at) VALUES ($1, $2, $3, $4)",
            f"u{n}", "d1.1-x", 1, "2026-11-27T00:00:00Z",
        )  # fmt: skip

    try:
        return await closed_loop(workers, seconds, insert)
    finally:
        await pool.close()


@contextlib.asynccontextmanager
async def postgres_copy(server: str, seeded: Path) -> AsyncIterator[str]:
    """A new database on `server` holding a copy of the seeded SQLite file; dropped after."""
    import asyncpg

    name = f"studybot_bench_{os.getpid()}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        t0 = time.perf_counter()
        source, target = await open_store(seeded), await open_pg_store(url)
        try:
            await copy_database(source, target)
        finally:
            await source.close()
            await target.close()
        print(f"copied to PostgreSQL in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        # A bot in steady state, not one racing autovacuum through a bulk load just made.
        fresh = await asyncpg.connect(url)
        await fresh.execute("VACUUM (ANALYZE)")
        await fresh.close()
        yield url
    finally:
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
        await admin.close()


async def main(args: argparse.Namespace) -> dict[str, float]:
    began = time.perf_counter()
    content = load_content()
    content_load_s = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = await open_store(path)  # creates the schema
        await store.close()
        t0 = time.perf_counter()
        seed(path, content, args.users, args.communities, args.attempts, args.review_cards)
        print(
            f"seeded {args.attempts:,} attempts and {args.users * args.review_cards:,} review "
            f"cards in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
        if args.postgres:
            async with postgres_copy(args.postgres, path) as url:
                result = await phases(args, content, content_load_s, await open_pg_store(url), url)
                one, two = await processes(url, 1, args), await processes(url, 2, args)
                return result | {
                    "one_process_answers_per_s": one,
                    "two_processes_answers_per_s": two,
                }
        return await phases(args, content, content_load_s, await open_store(path), path)


async def phases(
    args: argparse.Namespace, content: Content, content_load_s: float, store: Store, where: Any
) -> dict[str, float]:
    """Every measured phase on one store (SQLite or PostgreSQL), then the raw baseline."""
    service = StudyService(content, store, rng=random.Random(3))
    t0 = time.perf_counter()  # the first /leaderboard reads the whole board once
    await service.leaderboard(UserRef("discord", MAIN, "u0", ""), "en")
    leaderboard_first_ms = (time.perf_counter() - t0) * 1000
    await open_loop(service, args.users, args.rate, 1.0)  # warm-up, not reported
    samples = await open_loop(service, args.users, args.rate, args.seconds)
    starts = await exam_starts(service, args.users, args.exams)
    drawn = await progress_pictures(service, args.users, args.pictures)
    rng = random.Random(5)
    learners = [Learner(service, rng.randrange(args.users)) for _ in range(args.workers)]
    for learner in learners:
        await learner.prepare(args.cards)
    answers_per_s = await closed_loop(
        args.workers, args.seconds, lambda n: learners[n].answer(), limit=args.cards
    )
    fan = await fan_out(service, args.users, args.channels, args.rate)
    await store.close()
    if isinstance(where, Path):
        base = await baseline(where, args.workers, args.seconds)
    else:
        base = await pg_baseline(where, args.workers, args.seconds)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        **{
            f"{kind}_p{q}_ms": pct(latencies(samples, kind), q / 100)
            for kind in ("answer", "progress", "leaderboard", "review")
            for q in (50, 99)
        },
        "exam_start_p50_ms": pct(starts, 0.5),
        "exam_start_p99_ms": pct(starts, 0.99),
        "progress_png_p50_ms": pct(drawn, 0.5),
        "progress_png_p99_ms": pct(drawn, 0.99),
        "leaderboard_first_ms": leaderboard_first_ms,
        "answers_per_s": answers_per_s,
        "baseline_inserts_per_s": base,
        "answers_vs_baseline": answers_per_s / base,
        "content_load_s": content_load_s,
        "rss_mb": rss_mb,
        "open_loop_requests": float(len(samples)),
        **fan,
    }
    return result


def report(result: dict[str, float], postgres: bool) -> None:
    print(f"{'metric':<28}{'value':>12}  target")
    targets = PG_TARGETS if postgres else TARGETS | {"answers_vs_baseline": 0.5}
    for key, value in result.items():
        target = targets.get(key)
        verdict = ""
        if target is not None:
            floor = key in AT_LEAST
            ok = value >= target if floor else value <= target
            verdict = f"{'≥' if floor else '≤'} {target:g}  {'ok' if ok else 'MISSED'}"
        print(f"{key:<28}{value:>12.2f}  {verdict}")
    print(json.dumps({k: round(v, 3) for k, v in result.items()}, sort_keys=True))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=10_000)
    p.add_argument("--communities", type=int, default=99)
    p.add_argument("--attempts", type=int, default=1_000_000)
    p.add_argument("--rate", type=float, default=200.0, help="open-loop answers per second")
    p.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    p.add_argument("--workers", type=int, default=200, help="closed-loop concurrent learners")
    p.add_argument("--channels", type=int, default=1000, help="daily channels in the fan-out")
    p.add_argument(
        "--cards", type=int, default=150, help="questions each closed-loop learner is shown first"
    )
    p.add_argument("--review-cards", type=int, default=200, help="review cards per learner")
    p.add_argument("--exams", type=int, default=300, help="mock exams started, one per learner")
    p.add_argument(
        "--pictures", type=int, default=300, help="progress cards drawn, one per learner"
    )
    p.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("STUDYBOT_DATABASE_URL"),
        help="run on PostgreSQL (default: STUDYBOT_DATABASE_URL): a database is made on this "
        "server for the run, seeded, and dropped after",
    )
    p.add_argument("--worker", metavar="URL", help=argparse.SUPPRESS)
    parsed = p.parse_args()
    if parsed.worker:
        asyncio.run(worker(parsed))
    else:
        report(asyncio.run(main(parsed)), postgres=bool(parsed.postgres))
