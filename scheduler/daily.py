"""Posts each configured channel's daily question at its local time, and reveals the answers.

APScheduler keeps only in-memory cron jobs; what was posted lives in our database (one row per
channel and local date, unique), so restarts and racing processes never post twice, and a post
missed while the bot was down is made once at start-up if it is still within the grace window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.daily import DailyService, scheduled_at
from bot.errors import ChannelUnavailable, NotFound
from bot.localtime import local_date
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard

__all__ = ["DailyScheduler", "Publisher", "RateLimiter", "latest_slot", "trigger_for"]

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """What a platform adapter provides to post in its channels.

    A publisher may also define `owns(channel) -> bool`: False for a channel another process
    posts in (a sharded Discord bot posts only in its own shards' servers).
    """

    platform: str
    rate_per_second: float  # per bot, or per community when the publisher sets per_community

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        """Post the question with answer buttons; return a reference to the message."""
        ...

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None: ...


class RateLimiter:
    """At most `rate` acquisitions in any one second: each is granted 1/`rate` seconds after the
    previous one (those that come later than that go at once).

    No burst: a bucket that starts full with `rate` tokens lets twice the rate through in its
    first second (the full bucket, then its refill), 39 posts instead of 20 as a fan-out starts.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self.next_at = -math.inf  # when the next acquisition may be granted
        self.lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self.lock:  # one waiter at a time, in order of arrival
            now = self.clock()
            at = max(now, self.next_at)
            self.next_at = at + 1 / self.rate
            if at > now:
                await self.sleep(at - now)


def trigger_for(channel: DailyChannel) -> CronTrigger:
    hour, minute = (int(x) for x in channel.post_time.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(channel.timezone))


class DailyScheduler:
    """One cron job per enabled channel of the platforms it has publishers for."""

    def __init__(
        self,
        daily: DailyService,
        publishers: Mapping[str, Publisher],
        *,
        grace: timedelta = timedelta(hours=6),
        clock: Callable[[], datetime] | None = None,
        concurrency: int = 4,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.daily = daily
        self.events = daily.study.events
        self.publishers = dict(publishers)
        self.grace = grace
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limiters: dict[tuple[str, str], RateLimiter] = {}
        self.monotonic = monotonic  # the rate limiters' clock and sleep
        self.sleep = sleep
        # Bounds how many posts are in flight, so a fan-out never crowds out interactive answers.
        self.slots = asyncio.Semaphore(concurrency)
        self.scheduler: AsyncIOScheduler | None = None
        self._jobs: dict[int, tuple[str, str]] = {}
        self._skipped: set[tuple[int, date]] = set()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    async def start(self) -> None:
        """Schedule every channel and run; then catch up on missed posts and due reveals."""
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        await self.refresh()
        self.scheduler.add_job(self.refresh, IntervalTrigger(seconds=60), id="refresh")
        # Every minute: retry posts that failed for a passing reason and make due reveals.
        self.scheduler.add_job(self.catch_up, IntervalTrigger(seconds=60), id="catch-up")
        self.scheduler.start()
        log.info("daily scheduler started with %d channel(s)", len(self._jobs))
        try:
            await self.catch_up()
        except Exception:  # the cron jobs run anyway; the next minute's catch-up retries
            log.exception("daily catch-up at start-up failed")

    async def shutdown(self, timeout: float) -> None:
        """Start no new post, let posts in flight finish (so none is left half-made), stop."""
        self._stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("daily posts still in flight at shutdown")
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def channels(self) -> list[DailyChannel]:
        """The enabled channels this process posts in: its platforms', and, on a sharded bot,
        only the servers of its shards (another process posts in the others)."""
        every = await self.daily.store.channels(enabled_only=True)
        return [c for c in every if c.platform in self.publishers and self._owns(c)]

    def _owns(self, channel: DailyChannel) -> bool:
        owns = getattr(self.publishers[channel.platform], "owns", None)
        return owns is None or bool(owns(channel))

    async def refresh(self) -> None:
        """Bring the cron jobs in line with the channels' settings in the database."""
        assert self.scheduler is not None
        wanted = {c.id: c for c in await self.channels()}
        for channel_id in set(self._jobs) - set(wanted):
            self.scheduler.remove_job(f"daily-{channel_id}")
            del self._jobs[channel_id]
        for channel in wanted.values():
            key = (channel.post_time, channel.timezone)
            if self._jobs.get(channel.id) == key:
                continue
            self._jobs[channel.id] = key  # a setting that cannot be scheduled is told once
            try:
                trigger = trigger_for(channel)
            except (ValueError, KeyError) as error:  # e.g. a zone the system's tzdata dropped
                log.warning(
                    "no daily question in %s:%s: its time %r in zone %r cannot be scheduled (%s)",
                    channel.platform,
                    channel.channel,
                    channel.post_time,
                    channel.timezone,
                    error,
                )
                if self.scheduler.get_job(f"daily-{channel.id}") is not None:
                    self.scheduler.remove_job(f"daily-{channel.id}")
                continue
            self.scheduler.add_job(
                self.fire,
                trigger,
                args=[channel.id],
                id=f"daily-{channel.id}",
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=int(self.grace.total_seconds()) or 1,
            )

    async def fire(self, channel_id: int) -> None:
        """The cron job: post the question of the slot that just came due in one channel."""
        channel = await self.daily.store.channel(channel_id)
        if channel is None or not channel.enabled:
            return
        day, _ = latest_slot(channel, self.clock())  # a run delayed past midnight keeps its date
        await self.post(channel, day)

    async def catch_up(self) -> None:
        """Make missing due posts that are still within the grace window, once each."""
        now = self.clock()
        for channel in await self.channels():
            try:
                await self._catch_up(channel, now)
            except Exception:  # one channel's trouble must not hold up the others
                log.exception("catch-up for %s:%s failed", channel.platform, channel.channel)
        await self.reveal_due()

    async def _catch_up(self, channel: DailyChannel, now: datetime) -> None:
        day, due = latest_slot(channel, now)
        if await self.daily.store.post_for(channel.id, day.isoformat()):
            return
        if now - due <= self.grace:
            await self.post(channel, day)
        elif (channel.id, day) not in self._skipped:
            self._skipped.add((channel.id, day))
            log.warning(
                "daily post for %s:%s on %s skipped: %s late, past the %s grace window",
                channel.platform, channel.channel, day, now - due, self.grace,
            )  # fmt: skip

    @contextlib.asynccontextmanager
    async def _busy(self) -> AsyncIterator[None]:
        """Counts work that shutdown waits for (posts and reveals)."""
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def post(self, channel: DailyChannel, day: date) -> DailyPost | None:
        """Claim, publish, then reveal what is due; returns the post if this process made it."""
        if self._stopping:
            return None
        async with self._busy(), self.slots:
            if self._stopping:  # asked to stop while this post waited for a slot
                return None
            return await self._post(channel, day)

    async def _post(self, channel: DailyChannel, day: date) -> DailyPost | None:
        post = await self.daily.prepare(channel, day)
        if post is None:
            return None
        publisher = self.publishers[channel.platform]
        card = self.daily.card(post, channel.locale)
        try:
            await self._limiter(channel).acquire()
            message_ref = await publisher.post_question(channel, post, card)
        except ChannelUnavailable as error:
            # Counts towards disabling the channel; fire() skips a disabled channel and the
            # next refresh removes its job.
            self.events.daily_posted(channel.platform, False)
            await self.daily.failed(post, channel, str(error))
            return None
        except Exception:
            log.exception("daily post to %s:%s failed; retrying", channel.platform, channel.channel)
            self.events.daily_posted(channel.platform, False)
            await self.daily.retry_later(post)
            return None
        self.events.daily_posted(channel.platform, True)
        await self.daily.posted(post, message_ref, channel)
        await self._reveal(channel)  # by default, yesterday's answer follows today's question
        return post

    def _limiter(self, channel: DailyChannel) -> RateLimiter:
        """One bucket per platform (Discord: per bot), or per community (Slack: per workspace)."""
        publisher = self.publishers[channel.platform]
        scope = channel.community if getattr(publisher, "per_community", False) else ""
        key = (channel.platform, scope)
        if key not in self.limiters:
            rate = publisher.rate_per_second
            self.limiters[key] = RateLimiter(rate, self.monotonic, self.sleep)
        return self.limiters[key]

    async def reveal_due(self) -> None:
        for channel in await self.channels():
            await self._reveal(channel)

    async def _reveal(self, channel: DailyChannel) -> None:
        for post in await self.daily.due_reveals(channel, self.clock()):
            if self._stopping:
                return
            async with self._busy():
                await self._reveal_one(channel, post)

    async def _reveal_one(self, channel: DailyChannel, post: DailyPost) -> None:
        where = f"{channel.platform}:{channel.channel}"
        try:
            reveal = await self.daily.reveal(post, channel.locale)
            if reveal is None:
                return
            await self._limiter(channel).acquire()
            await self.publishers[channel.platform].post_reveal(channel, reveal)
        except (ChannelUnavailable, NotFound) as error:  # for good: retrying cannot help
            log.warning("reveal of post %d in %s given up: %s", post.id, where, error)
        except Exception:
            log.exception("reveal of post %d in %s failed; retrying", post.id, where)
            await self.daily.reveal_failed(post)


def latest_slot(channel: DailyChannel, now: datetime) -> tuple[date, datetime]:
    """The local date and UTC time of the channel's latest post time at or before `now`.

    Yesterday's slot when today's has not come yet: a post due at 22:30 and missed until
    00:30 is two hours late, not a day early.
    """
    today = local_date(now, channel.timezone)
    for day in (today, today - timedelta(days=1)):
        due = scheduled_at(channel, day)
        if due <= now:
            return day, due
    day = today - timedelta(days=2)  # a DST jump can push yesterday's wall time forward
    return day, scheduled_at(channel, day)
