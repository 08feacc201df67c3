"""Discord sharding: two processes' bots, each with half the shards, on one PostgreSQL database.

Each guild's daily question is posted by the bot that holds the guild's shard, once.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord.app import ShardedStudyBot, StudyBot, build_bot
from adapters.discord.daily import DiscordPublisher
from bot.config import ConfigError, load_settings
from bot.content import Content
from bot.daily import DailyService
from bot.service import StudyService
from bot.services import Services
from bot.store import Store
from bot.views import DailyChannel
from scheduler.daily import DailyScheduler
from tests.conftest import Clock, reopen
from tests.fakes.discord_api import FakeDiscord

pytest_plugins = ["tests.fakes.discord_fixtures"]

# Discord's rule: a server's shard is (id >> 22) % shard count. Guilds on shards 1 and 2 of 4:
ON_SHARD_1 = (1 << 22) * 1001  # 1001 % 4 == 1
ON_SHARD_2 = (1 << 22) * 1002  # 1002 % 4 == 2


def test_shard_settings_are_checked_together() -> None:
    settings = load_settings({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "2, 3"})
    assert (settings.discord_shard_count, settings.discord_shard_ids) == (4, (2, 3))
    for env, expected in (
        ({"DISCORD_SHARD_IDS": "0,1"}, "without DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,2"}, "below DISCORD_SHARD_COUNT=2"),
        ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT='0' is not valid"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "a"}, "DISCORD_SHARD_IDS='a'"),
    ):
        with pytest.raises(ConfigError) as bad:
            load_settings(env)
        assert expected in str(bad.value)


def sharded(service: StudyService, ids: tuple[int, ...]) -> StudyBot:
    return build_bot(Services.build(service), sync=False, shard_count=4, shard_ids=ids)


@pytest.mark.both_stores
async def test_each_guilds_daily_question_is_posted_by_the_process_holding_its_shard(
    fake: FakeDiscord, content: Content, clock: Clock, store: Store, tmp_path: Path
) -> None:
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    other = await reopen(store, tmp_path)
    services = [StudyService(content, s, rng=random.Random(n), clock=clock) for n, s in
                enumerate((store, other))]  # fmt: skip
    bots = [sharded(services[0], (0, 1)), sharded(services[1], (2, 3))]
    try:
        assert all(isinstance(b, ShardedStudyBot) for b in bots)
        for bot in bots:
            await bot.login("test-token")
        first = await services[0].configure_daily(
            "discord", str(ON_SHARD_1), "11", "09:00", "UTC", "en"
        )
        second = await services[0].configure_daily(
            "discord", str(ON_SHARD_2), "22", "09:00", "UTC", "en"
        )
        publishers = [DiscordPublisher(b) for b in bots]
        assert [p.owns(first) for p in publishers] == [True, False]
        assert [p.owns(second) for p in publishers] == [False, True]
        schedulers = [
            DailyScheduler(DailyService(s), {"discord": p}, clock=clock)
            for s, p in zip(services, publishers, strict=True)
        ]
        # Each process's start-up catch-up looks at every channel; it posts only in its own.
        for scheduler in schedulers:
            await scheduler.catch_up()
        assert [len(fake.posted.get(c, [])) for c in (11, 22)] == [1, 1]
        assert [c.channel for c in await schedulers[0].channels()] == ["11"]
        assert [c.channel for c in await schedulers[1].channels()] == ["22"]
    finally:
        for bot in bots:
            await bot.close()
        await other.close()


def test_an_unsharded_bot_posts_everywhere(service: StudyService) -> None:
    bot = build_bot(Services.build(service), sync=False)
    assert not isinstance(bot, ShardedStudyBot)
    anywhere = DailyChannel(
        1, "discord", str(ON_SHARD_2), "22", "09:00", "UTC", "en", True, None, 0
    )
    assert DiscordPublisher(bot).owns(anywhere)
