"""The daily question with fixed clocks: schedule, once per (channel, date), answers, streaks, reveal."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.content import Content
from bot.daily import CLEAR, DailyService, pick_daily
from bot.errors import ChannelUnavailable, StudyBotError
from bot.events import NullEvents
from bot.service import StudyService
from bot.store import Store
from bot.streaks import current_streak, next_streak
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard, UserRef
from scheduler.daily import DailyScheduler, RateLimiter, latest_slot, trigger_for
from tests.conftest import Clock, VirtualTime, most_in_one_second, reopen

pytestmark = pytest.mark.both_stores  # the tests with a store run on SQLite and PostgreSQL


class FakePublisher:
    """Stands in for a platform's channel API: records what would be sent."""

    platform = "discord"
    rate_per_second = 1000.0

    def __init__(self, broken: set[str] | None = None) -> None:
        self.questions: list[tuple[str, str]] = []
        self.reveals: list[DailyReveal] = []
        self.broken = broken or set()

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        if channel.channel in self.broken:
            raise ChannelUnavailable("Missing Access")
        self.questions.append((channel.channel, card.question_id))
        return f"msg-{post.id}"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        self.reveals.append(reveal)


def channel_of(tz: str, at: str = "09:00") -> DailyChannel:
    return DailyChannel(1, "discord", "g", "c", at, tz, "en", True, None, 0)


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        # Paris moves to summer time on 29 March 2026: 09:00 local is 08:00 UTC, then 07:00 UTC.
        (
            "Europe/Paris",
            datetime(2026, 3, 28, 8, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        ),
        # New York moves on 8 March 2026: 09:00 local is 14:00 UTC, then 13:00 UTC.
        (
            "America/New_York",
            datetime(2026, 3, 7, 14, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 13, 0, tzinfo=UTC),
        ),
    ],
)
def test_next_fire_times_follow_dst(tz: str, before: datetime, after: datetime) -> None:
    trigger = trigger_for(channel_of(tz))
    first = trigger.get_next_fire_time(None, before - timedelta(hours=1))
    second = trigger.get_next_fire_time(None, before + timedelta(minutes=1))
    assert first == before
    assert second == after


def test_the_same_channel_and_date_always_get_the_same_question(content: Content) -> None:
    day = date(2026, 11, 27)
    picks = {pick_daily(content, "discord:c1", day, []).id for _ in range(5)}
    assert len(picks) == 1
    others = {pick_daily(content, f"discord:c{n}", day, []).id for n in range(30)}
    assert len(others) > 1


def test_no_repeat_until_the_bank_is_used_up_and_weights_over_time(content: Content) -> None:
    history: list[str] = []
    start = date(2026, 1, 1)
    for n in range(len(content.questions)):
        history.append(pick_daily(content, "slack:C1", start + timedelta(days=n), history).id)
    assert sorted(history) == sorted(content.questions)
    nxt = pick_daily(content, "slack:C1", start + timedelta(days=len(history)), history)
    assert nxt.id in content.questions  # a new cycle starts
    # Domain 1 (34%) comes first in a fresh cycle, domain 4 (18%) no earlier than the others.
    first = [content.questions[q].domain for q in history[:4]]
    assert first[0] == 1 and sorted(first) == [1, 2, 3, 4]


def test_streaks_follow_the_channels_timezone() -> None:
    assert next_streak(0, None, date(2026, 11, 27)) == 1
    assert next_streak(4, "2026-11-26", date(2026, 11, 27)) == 5
    assert next_streak(5, "2026-11-27", date(2026, 11, 27)) == 5
    assert next_streak(5, "2026-11-25", date(2026, 11, 27)) == 1
    # 23:30 UTC on 27 Nov is already 28 Nov in Auckland: a streak last extended on the 26th
    # (Auckland) is alive in UTC terms but broken in the channel's own timezone.
    late = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert current_streak(3, "2026-11-26", "UTC", late) == 3
    assert current_streak(3, "2026-11-26", "Pacific/Auckland", late) == 0
    assert current_streak(3, "2026-11-27", "Pacific/Auckland", late) == 3


async def make_daily(service: StudyService, clock: Clock) -> tuple[DailyService, DailyChannel]:
    channel = await service.configure_daily("discord", "g", "c", "09:00", "Europe/Paris", "en")
    return DailyService(service), channel


async def test_answers_count_once_per_member_and_the_reveal_counts(
    service: StudyService, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Paris
    daily, channel = await make_daily(service, clock)
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    post = await scheduler.post(channel, date(2026, 11, 27))
    assert post is not None and publisher.questions == [("c", post.question_id)]
    question = service.question(post.question_id)
    right = sorted(question.answer)
    wrong = [x for x in question.letters if x not in question.answer][: question.choose]
    members = [UserRef("discord", "g", f"m{n}", f"M{n}") for n in range(3)]
    first = await daily.answer(members[0], post.id, right, "en")
    again = await daily.answer(members[0], post.id, wrong, "en")
    assert first.counted and not again.counted
    await daily.answer(members[1], post.id, right, "en")
    await daily.answer(members[2], post.id, wrong, "fr")
    # The next day's post reveals yesterday's question first.
    clock.now += timedelta(days=1)
    await scheduler.post(channel, date(2026, 11, 28))
    (reveal,) = publisher.reveals
    counts = dict(reveal.counts)
    assert reveal.answers == 3 and reveal.right == tuple(right)
    assert all(counts[x] == 2 for x in right) and all(counts[x] == 1 for x in wrong)
    with pytest.raises(StudyBotError) as closed:
        await daily.answer(members[1], post.id, right, "en")
    assert closed.value.key == "daily.closed"
    report = await service.progress(members[0], "en")
    assert report.streak == 1 and report.attempts == 1


async def test_a_delayed_reveal_comes_after_its_delay(service: StudyService, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    channel = await service.configure_daily("discord", "g", "c", "09:00", "Europe/Paris", "en", 90)
    daily = DailyService(service)
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    await scheduler.post(channel, date(2026, 11, 27))
    clock.now += timedelta(minutes=89, seconds=59)
    await scheduler.reveal_due()
    assert publisher.reveals == []
    clock.now += timedelta(seconds=1)  # 90 minutes exactly
    await scheduler.reveal_due()
    await scheduler.reveal_due()
    (reveal,) = publisher.reveals
    assert reveal.locale == channel.locale


async def test_streak_grows_day_by_day_and_breaks_after_a_missed_day(
    service: StudyService, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    daily, channel = await make_daily(service, clock)
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    ana = UserRef("discord", "g", "ana", "Ana")
    for day in (20, 21, 22):
        clock.now = datetime(2026, 11, day, 8, 0, tzinfo=UTC)
        post = await scheduler.post(channel, date(2026, 11, day))
        assert post is not None
        await daily.answer(ana, post.id, sorted(service.question(post.question_id).answer), "en")
    assert (await service.progress(ana, "en")).streak == 3
    clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # the 23rd was missed
    assert (await service.progress(ana, "en")).streak == 0
    post = await scheduler.post(channel, date(2026, 11, 24))
    assert post is not None
    await daily.answer(ana, post.id, sorted(service.question(post.question_id).answer), "en")
    assert (await service.progress(ana, "en")).streak == 1


@pytest.mark.parametrize(
    ("late", "posted"),
    [
        (timedelta(hours=5), True),
        (timedelta(hours=6), True),  # the grace window's last second still counts
        (timedelta(hours=6, seconds=1), False),
        (timedelta(hours=7), False),
    ],
)
async def test_restart_posts_a_missed_question_only_within_the_grace_window(
    service: StudyService,
    clock: Clock,
    late: timedelta,
    posted: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    daily, _ = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC) + late  # due at 08:00 UTC
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock, grace=timedelta(hours=6))
    with caplog.at_level(logging.WARNING):
        await scheduler.catch_up()
        await scheduler.catch_up()  # a second restart never posts again
    assert len(publisher.questions) == (1 if posted else 0)
    assert ("skipped" in caplog.text) is (not posted)


async def test_two_schedulers_racing_for_the_same_post_make_one(
    content: Content, tmp_path: Path, clock: Clock, store: Store
) -> None:
    stores = [store, await reopen(store, tmp_path)]  # two processes on one database
    try:
        services = [
            StudyService(content, s, rng=random.Random(n), clock=clock)
            for n, s in enumerate(stores)
        ]
        channel = await services[0].configure_daily("slack", "T1", "C1", "09:00", "UTC", "en")
        publishers = [FakePublisher(), FakePublisher()]
        for p in publishers:
            p.platform = "slack"
        schedulers = [
            DailyScheduler(DailyService(s), {"slack": p}, clock=clock)
            for s, p in zip(services, publishers, strict=True)
        ]
        results = await asyncio.gather(*(s.post(channel, date(2026, 11, 27)) for s in schedulers))
        assert sum(r is not None for r in results) == 1
        assert sum(len(p.questions) for p in publishers) == 1
    finally:
        await stores[1].close()


async def test_a_broken_channel_is_disabled_after_repeated_failures_and_others_go_on(
    service: StudyService, clock: Clock
) -> None:
    daily = DailyService(service)
    good = await service.configure_daily("discord", "g", "good", "09:00", "UTC", "en")
    bad = await service.configure_daily("discord", "g", "gone", "09:00", "UTC", "fr")
    publisher = FakePublisher(broken={"gone"})
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    for n in range(3):
        day = date(2026, 11, 27) + timedelta(days=n)
        clock.now = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
        assert await scheduler.post(good, day) is not None
        assert await scheduler.post(bad, day) is None
    channels = {c.channel: c for c in await service.daily_channels("discord", "g")}
    assert channels["gone"].enabled is False and channels["good"].enabled is True
    assert [c for c, _ in publisher.questions] == ["good"] * 3


async def test_settings_are_validated_with_clear_errors(service: StudyService) -> None:
    for kwargs, key in (
        ({"post_time": "25:00"}, "daily.bad_time"),
        ({"timezone": "Mars/Olympus"}, "daily.bad_timezone"),
        ({"reveal_after_minutes": 0}, "daily.bad_delay"),
    ):
        with pytest.raises(StudyBotError) as err:
            await service.configure_daily("discord", "g", "c", **kwargs)
        assert err.value.key == key
    channel = await service.configure_daily("discord", "g", "c", "7:05", "Asia/Tokyo", "fr")
    assert (channel.post_time, channel.timezone, channel.locale) == ("07:05", "Asia/Tokyo", "fr")
    assert await service.disable_daily("discord", "g") == 1
    assert await service.disable_daily("discord", "g") == 0


async def test_scheduler_jobs_follow_the_settings(service: StudyService, clock: Clock) -> None:
    daily = DailyService(service)
    await service.configure_daily("discord", "g", "a", "09:00", "UTC", "en")
    await service.configure_daily("discord", "g", "b", "18:30", "Europe/Paris", "en")
    await service.configure_daily(
        "slack", "T", "x", "09:00", "UTC", "en"
    )  # no slack publisher here
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    await scheduler.start()
    try:
        jobs = {j.id for j in scheduler.scheduler.get_jobs()} - {"refresh", "catch-up"}
        assert len(jobs) == 2
        await service.disable_daily("discord", "g", "a")
        await scheduler.refresh()
        jobs = {j.id: j for j in scheduler.scheduler.get_jobs()}
        (left,) = set(jobs) - {"refresh", "catch-up"}
        fire = jobs[left].trigger.get_next_fire_time(None, datetime(2026, 7, 1, tzinfo=UTC))
        assert fire == datetime(2026, 7, 1, 16, 30, tzinfo=UTC)
    finally:
        await scheduler.shutdown(timeout=5)


def test_pick_spreads_domains_like_the_exam(content: Content) -> None:
    history: list[str] = []
    for n in range(8):
        history.append(pick_daily(content, "c", date(2026, 1, 1) + timedelta(days=n), history).id)
    assert Counter(content.questions[q].domain for q in history) == Counter(
        {1: 2, 2: 2, 3: 2, 4: 2}
    )


class FlakyPublisher(FakePublisher):
    """Fails once with a passing error (a network blip), then works."""

    def __init__(self) -> None:
        super().__init__()
        self.failures_left = 1

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        if self.failures_left:
            self.failures_left -= 1
            raise OSError("connection reset")
        return await super().post_question(channel, post, card)


async def test_a_passing_failure_is_retried_and_does_not_count_towards_disabling(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    publisher = FlakyPublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    assert await scheduler.post(channel, date(2026, 11, 27)) is None
    clock.now += timedelta(minutes=1)
    await scheduler.catch_up()  # the minutely catch-up retries within the grace window
    assert [c for c, _ in publisher.questions] == ["c"]
    (again,) = await service.daily_channels("discord", "g")
    assert again.enabled and again.failures == 0


async def test_shutdown_lets_a_post_in_flight_finish_and_starts_no_new_one(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    gate = asyncio.Event()

    class SlowPublisher(FakePublisher):
        async def post_question(
            self, channel: DailyChannel, post: DailyPost, card: QuestionCard
        ) -> str:
            await gate.wait()
            return await super().post_question(channel, post, card)

    publisher = SlowPublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    posting = asyncio.create_task(scheduler.post(channel, date(2026, 11, 27)))
    await asyncio.sleep(0.01)
    stopping = asyncio.create_task(scheduler.shutdown(timeout=5))
    await asyncio.sleep(0.01)
    assert not stopping.done()
    gate.set()
    post = await posting
    await stopping
    assert post is not None
    stored = await daily.store.post(post.id)
    assert stored is not None and stored.status == "posted"
    assert await scheduler.post(channel, date(2026, 11, 28)) is None


async def test_a_reveal_that_could_not_be_posted_is_retried(
    service: StudyService, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    channel = await service.configure_daily("discord", "g", "c", "09:00", "Europe/Paris", "en", 30)
    daily = DailyService(service)

    class RevealFailsOnce(FakePublisher):
        failed = False

        async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
            if not self.failed:
                self.failed = True
                raise OSError("connection reset")
            await super().post_reveal(channel, reveal)

    publisher = RevealFailsOnce()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    post = await scheduler.post(channel, date(2026, 11, 27))
    assert post is not None
    clock.now += timedelta(minutes=31)
    await scheduler.reveal_due()
    assert publisher.reveals == []
    await scheduler.reveal_due()
    (reveal,) = publisher.reveals
    assert reveal.message_ref == f"msg-{post.id}"


async def test_rate_limits_are_per_bot_or_per_community(
    service: StudyService, clock: Clock
) -> None:
    per_bot, per_workspace = FakePublisher(), FakePublisher()
    per_workspace.platform = "slack"
    per_workspace.per_community = True  # type: ignore[attr-defined]
    scheduler = DailyScheduler(
        DailyService(service), {"discord": per_bot, "slack": per_workspace}, clock=clock
    )
    channels = [
        DailyChannel(n, platform, community, f"c{n}", "09:00", "UTC", "en", True, None, 0)
        for n, (platform, community) in enumerate(
            [
                ("discord", "g1"),
                ("discord", "g2"),
                ("slack", "T1"),
                ("slack", "T2"),
                ("slack", "T1"),
            ]
        )
    ]
    buckets = [scheduler._limiter(c) for c in channels]
    assert buckets[0] is buckets[1]
    assert buckets[2] is buckets[4] and buckets[2] is not buckets[3]


async def test_a_post_missed_just_before_local_midnight_is_made_after_it_under_its_own_date(
    service: StudyService, clock: Clock
) -> None:
    channel = await service.configure_daily("discord", "g", "c", "22:30", "Europe/Paris", "en")
    # 22:30 in Paris on 27 Nov is 21:30 UTC; the bot comes back at 00:30 Paris time, 28 Nov.
    clock.now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    publisher = FakePublisher()
    scheduler = DailyScheduler(DailyService(service), {"discord": publisher}, clock=clock)
    await scheduler.catch_up()
    assert len(publisher.questions) == 1
    assert await DailyService(service).store.post_for(channel.id, "2026-11-27") is not None
    assert latest_slot(channel, clock.now) == (
        date(2026, 11, 27),
        datetime(2026, 11, 27, 21, 30, tzinfo=UTC),
    )
    await scheduler.fire(channel.id)  # a cron run delayed past midnight keeps its date too
    assert len(publisher.questions) == 1


async def test_a_streak_never_goes_back_to_an_earlier_date_in_a_channel_further_west(
    service: StudyService, clock: Clock
) -> None:
    tokyo = await service.configure_daily("discord", "g", "tokyo", "09:00", "Asia/Tokyo", "en")
    new_york = await service.configure_daily(
        "discord", "g", "ny", "09:00", "America/New_York", "en"
    )
    daily = DailyService(service)
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    ana = UserRef("discord", "g", "ana", "Ana")
    clock.now = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # 09:30 on the 26th in New York
    west = await scheduler.post(new_york, date(2026, 11, 26))
    clock.now = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 09:30 on the 27th in Tokyo
    east = await scheduler.post(tokyo, date(2026, 11, 27))
    assert east is not None and west is not None
    await daily.answer(ana, east.id, sorted(service.question(east.question_id).answer), "en")
    # Still the 26th in New York: answering its post on its day must not set the streak back.
    await daily.answer(ana, west.id, sorted(service.question(west.question_id).answer), "en")
    user = await service.store.user(ana)
    assert await daily.store.streak(user.id) == (1, "2026-11-27", "Asia/Tokyo")


async def test_a_double_click_in_one_batch_shows_the_answer_that_counted(
    service: StudyService,
) -> None:
    card = await service.next_question(UserRef("discord", "g", "bo", "Bo"), "en", domain=2)
    q = service.question(card.question_id)
    wrong = next(x for x in q.letters if x not in q.answer)
    bo = UserRef("discord", "g", "bo", "Bo")
    first, second = await asyncio.gather(
        service.answer(bo, card.question_id, card.token, wrong, "en"),
        service.answer(bo, card.question_id, card.token, sorted(q.answer), "en"),
    )
    assert first.counted and not second.counted
    assert second.chosen == (wrong,) and not second.correct


async def test_configure_changes_only_what_is_given_and_clear_resets_the_reveal_delay(
    service: StudyService,
) -> None:
    daily = DailyService(service)
    new = await daily.configure("slack", "T1", "C1", default_locale="fr")
    assert (new.post_time, new.timezone, new.locale, new.reveal_after_minutes) == (
        "09:00", "UTC", "fr", None,
    )  # fmt: skip
    await daily.configure("slack", "T1", "C1", timezone="Europe/Paris", reveal_after=90)
    # Another admin, who reads English, changes the time: the rest stays, the language too.
    changed = await daily.configure("slack", "T1", "C1", post_time="7:30", default_locale="en")
    assert (changed.post_time, changed.timezone, changed.locale) == ("07:30", "Europe/Paris", "fr")
    assert changed.reveal_after_minutes == 90
    assert (await daily.configure("slack", "T1", "C1", locale="en")).locale == "en"
    cleared = await daily.configure("slack", "T1", "C1", reveal_after=CLEAR)
    assert cleared.reveal_after_minutes is None and cleared.post_time == "07:30"
    with pytest.raises(StudyBotError):
        await daily.configure("slack", "T1", "C1", reveal_after=0)


async def test_the_rate_limiter_lets_at_most_its_rate_through_in_any_second_and_waits() -> None:
    time = VirtualTime()
    limiter = RateLimiter(20.0, time.monotonic, time.sleep)
    moments: list[float] = []

    async def post() -> None:
        await limiter.acquire()
        moments.append(time.now)

    await asyncio.gather(*(post() for _ in range(50)))  # a fan-out: everyone asks at once
    assert most_in_one_second(moments) == 20
    assert time.slept >= 49 / 20 - 1e-6  # it waited: 50 posts span 2.45 s, not 1.5 s


async def test_a_posted_question_is_never_taken_over_as_a_stale_claim(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    assert await scheduler.post(channel, date(2026, 11, 27)) is not None
    clock.now += timedelta(minutes=10)  # long past the 5 minutes after which a claim is stale
    assert await daily.prepare(channel, date(2026, 11, 27)) is None
    await scheduler.catch_up()
    assert len(publisher.questions) == 1


async def test_a_claim_left_by_a_process_that_died_is_taken_over_once_stale(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    died = await daily.prepare(channel, date(2026, 11, 27))  # claimed, never posted
    assert died is not None
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    clock.now += timedelta(minutes=4)  # the claimer may still be posting: leave it alone
    assert await scheduler.post(channel, date(2026, 11, 27)) is None
    clock.now += timedelta(minutes=2)
    taken = await scheduler.post(channel, date(2026, 11, 27))
    assert taken is not None and taken.id == died.id and taken.question_id == died.question_id
    assert await scheduler.post(channel, date(2026, 11, 27)) is None
    assert len(publisher.questions) == 1


async def test_a_successful_post_resets_the_count_of_failed_days_in_a_row(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    for n, works in enumerate((False, True, False, False)):  # fail, ok, fail, fail
        day = date(2026, 11, 27) + timedelta(days=n)
        clock.now = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8)
        publisher.broken = set() if works else {"c"}
        await scheduler.fire(channel.id)  # the cron job, which reads the channel afresh
    (after,) = await service.daily_channels("discord", "g")
    assert after.enabled and after.failures == 2
    clock.now += timedelta(days=1)
    await scheduler.fire(channel.id)  # the third failed day in a row
    (off,) = await service.daily_channels("discord", "g")
    assert not off.enabled


async def test_failed_says_whether_the_channel_was_turned_off(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    for n, off in enumerate((False, False, True)):
        post = await daily.prepare(channel, date(2026, 11, 27) + timedelta(days=n))
        assert post is not None
        assert await daily.failed(post, channel, "Missing Access") is off


async def test_settings_of_one_channel_never_come_from_a_namesake_elsewhere(
    service: StudyService,
) -> None:
    daily = DailyService(service)
    await daily.configure("slack", "T1", "C1", timezone="Europe/Paris", locale="fr")
    await daily.configure("discord", "T2", "C1", timezone="Asia/Tokyo", locale="fr")
    other_team = await daily.configure("slack", "T2", "C1", post_time="7:00")
    assert (other_team.timezone, other_team.locale) == ("UTC", "en")


async def test_only_an_answer_on_the_posts_own_day_keeps_the_streak(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    post = await scheduler.post(channel, date(2026, 11, 27))
    assert post is not None
    clock.now += timedelta(days=1, hours=-1)  # the next morning, before the next post
    ana = UserRef("discord", "g", "ana", "Ana")
    feedback = await daily.answer(
        ana, post.id, sorted(service.question(post.question_id).answer), "en"
    )
    assert feedback.counted
    assert (await service.progress(ana, "en")).streak == 0


async def test_a_reveal_counts_every_letter_of_each_choice_in_the_channels_language(
    service: StudyService, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    channel = await service.configure_daily("discord", "g", "c", "09:00", "Europe/Paris", "fr")
    daily = DailyService(service)
    post = await daily.prepare(channel, date(2026, 11, 27))
    assert post is not None
    await daily.posted(post, "msg")
    post = await daily.store.post(post.id)
    assert post is not None
    question = service.question(post.question_id)
    letters = question.letters[: question.choose]
    others = [x for x in question.letters if x not in letters][: question.choose - 1]
    for n, choice in enumerate([letters, [letters[0], *others]]):
        await daily.answer(UserRef("discord", "g", f"m{n}", f"M{n}"), post.id, choice, "en")
    reveal = await daily.reveal(post, "fr")
    assert reveal is not None and (reveal.post_id, reveal.locale) == (post.id, "fr")
    assert reveal.stem == question.stem.get("fr") != question.stem.get("en")
    assert reveal.options[0].text == question.options[0].text.get("fr")
    assert dict(reveal.counts)[letters[0]] == 2 and reveal.answers == 2


async def test_a_question_posted_in_time_is_never_reported_skipped_later(
    service: StudyService, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    scheduler = DailyScheduler(daily, {"discord": FakePublisher()}, clock=clock)
    assert await scheduler.post(channel, date(2026, 11, 27)) is not None
    clock.now += timedelta(hours=7)  # past the grace window: the minutely catch-up runs on
    with caplog.at_level(logging.WARNING):
        await scheduler.catch_up()
    assert "skipped" not in caplog.text


async def test_posts_day_after_day_never_repeat_a_question_before_the_bank_is_used_up(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)
    publisher = FakePublisher()
    scheduler = DailyScheduler(daily, {"discord": publisher}, clock=clock)
    for n in range(len(service.content.questions)):
        clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC) + timedelta(days=n)
        await scheduler.post(channel, date(2026, 11, 27) + timedelta(days=n))
    posted = [question for _, question in publisher.questions]
    assert sorted(posted) == sorted(service.content.questions)


async def test_the_pulled_daily_question_is_made_once_and_then_read(
    service: StudyService, clock: Clock
) -> None:
    daily, channel = await make_daily(service, clock)  # the terminal pulls it: no publisher
    clock.now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already the 28th in Paris
    first = await daily.today(channel)
    again = await daily.today(channel)
    assert first == again
    assert (first.channel_id, first.local_date, first.status) == (
        channel.id,
        "2026-11-28",
        "posted",
    )
    assert first.message_ref == "pulled"


async def test_failed_posts_are_counted_for_the_metrics(
    service: StudyService, clock: Clock
) -> None:
    counted: list[tuple[str, bool]] = []

    class Events(NullEvents):
        def daily_posted(self, platform: str, ok: bool) -> None:
            counted.append((platform, ok))

    service.events = Events()
    daily, channel = await make_daily(service, clock)
    clock.now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    await DailyScheduler(daily, {"discord": FakePublisher({"c"})}, clock=clock).post(
        channel, date(2026, 11, 27)
    )  # refused for good
    clock.now += timedelta(days=1)
    scheduler = DailyScheduler(daily, {"discord": FlakyPublisher()}, clock=clock)
    await scheduler.post(channel, date(2026, 11, 28))  # a passing failure
    await scheduler.post(channel, date(2026, 11, 28))  # then posted
    assert counted == [("discord", False), ("discord", False), ("discord", True)]


async def test_cron_jobs_carry_their_channel_coalesce_and_run_late_within_the_grace(
    service: StudyService, clock: Clock
) -> None:
    daily = DailyService(service)
    first = await service.configure_daily("discord", "g", "a", "09:00", "UTC", "en")
    second = await service.configure_daily("discord", "g", "b", "09:00", "UTC", "en")
    scheduler = DailyScheduler(
        daily, {"discord": FakePublisher()}, clock=clock, grace=timedelta(hours=2)
    )
    await scheduler.start()
    try:
        assert scheduler.scheduler is not None
        jobs = {j.id: j for j in scheduler.scheduler.get_jobs()}
        for every in ("refresh", "catch-up"):
            assert jobs[every].trigger.interval == timedelta(minutes=1)
        job = jobs[f"daily-{second.id}"]
        assert (job.args, job.coalesce, job.misfire_grace_time) == ((second.id,), True, 7200)
        await service.configure_daily("discord", "g", "b", "18:30", "UTC", "en")
        await scheduler.refresh()  # the first channel is unchanged, the second moved
        moved = scheduler.scheduler.get_job(f"daily-{second.id}")
        fire = moved.trigger.get_next_fire_time(None, datetime(2026, 7, 1, tzinfo=UTC))
        assert fire == datetime(2026, 7, 1, 18, 30, tzinfo=UTC)
        assert scheduler.scheduler.get_job(f"daily-{first.id}") is not None
    finally:
        await scheduler.shutdown(timeout=5)
