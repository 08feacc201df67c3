"""A second bot process for the PostgreSQL tests: `python -m tests.pg_worker <job> <url> ...`.

Each job opens its own PgStore on the URL (its own pool, as a bot process does), waits for the
file named by `--go` to exist so that several workers start together, does its work through
the real core (StudyService, DailyService, DailyScheduler) and prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot.content import load_content
from bot.daily import DailyService
from bot.pg_store import open_pg_store
from bot.service import StudyService
from bot.store import AttemptRecord
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard, UserRef
from scheduler.daily import DailyScheduler
from tests.conftest import FIXTURE_CONTENT

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class FilePublisher:
    """Posts by appending a line to a file shared by every worker."""

    platform = "slack"
    rate_per_second = 1000.0

    def __init__(self, path: Path) -> None:
        self.path = path

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        with self.path.open("a") as f:
            f.write(f"{channel.channel} {post.local_date} {card.question_id}\n")
        return f"msg-{post.id}"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        return None


async def wait_for(go: Path) -> None:
    while not go.exists():
        await asyncio.sleep(0.005)


async def answers(args: argparse.Namespace) -> dict[str, object]:
    """Record the same clicks as every other worker: each (learner, nonce) must count once."""
    store = await open_pg_store(args.url)
    try:
        users = [
            await store.user(UserRef("slack", "T1", f"U{n}", f"Learner {n}"))
            for n in range(args.learners)
        ]
        await wait_for(Path(args.go))
        counted = 0
        for n in range(args.clicks):
            user = users[n % len(users)]
            recorded = await store.record(
                AttemptRecord(
                    user.id,
                    user.community,
                    f"d1.1-sample-{1 + n % 2}",
                    1,
                    "A",
                    n % 3 == 0,
                    "quiz",
                    f"nonce-{n}",
                    "2026-W48",
                    "2026-11-27T09:00:00Z",
                )
            )
            counted += recorded.counted
        return {"counted": counted}
    finally:
        await store.close()


async def daily(args: argparse.Namespace) -> dict[str, object]:
    """Race the other workers' schedulers for one channel's post of one date."""
    store = await open_pg_store(args.url)
    try:
        service = StudyService(
            load_content(FIXTURE_CONTENT), store, rng=random.Random(), clock=lambda: NOW
        )
        channel = await service.configure_daily("slack", "T1", "C1", "09:00", "UTC", "en")
        scheduler = DailyScheduler(
            DailyService(service), {"slack": FilePublisher(Path(args.out))}, clock=lambda: NOW
        )
        await wait_for(Path(args.go))
        post = await scheduler.post(channel, date(2026, 11, 27))
        return {"posted": post is not None}
    finally:
        await store.close()


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("job", choices=("answers", "daily"))
    p.add_argument("url")
    p.add_argument("--go", required=True)
    p.add_argument("--learners", type=int, default=5)
    p.add_argument("--clicks", type=int, default=200)
    p.add_argument("--out", default="")
    args = p.parse_args()
    started = time.monotonic()
    result = await (answers(args) if args.job == "answers" else daily(args))
    print(json.dumps({**result, "seconds": round(time.monotonic() - started, 3)}))


if __name__ == "__main__":
    asyncio.run(main())
