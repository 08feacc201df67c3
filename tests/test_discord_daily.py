"""The daily question on Discord, through the real discord.py against a loopback fake of Discord.

The scheduler's job coroutine is called directly with a fixed clock: nothing sleeps until a cron time.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.app import DiscordFace, StudyBot, build_bot
from adapters.discord.daily import DiscordPublisher
from bot.config import Secret, Settings
from bot.content import Content
from bot.daily import DailyService, pick_daily
from bot.errors import ChannelUnavailable
from bot.i18n import format_date
from bot.service import StudyService
from bot.services import Services
from bot.store import open_store
from bot.views import DailyChannel, UserRef
from scheduler.daily import DailyScheduler
from studybot.runtime import Runtime
from tests.conftest import Clock, VirtualTime, most_in_one_second
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, Fault, buttons, feed
from tests.fakes.discord_fixtures import run_discord

pytest_plugins = ["tests.fakes.discord_fixtures"]

EPHEMERAL = 64
DAILY = 5000000000000077
GONE = 5000000000000078
LOCKED = 5000000000000079
GUILD = str(GUILD_ID)


def attempts(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT u.user, a.question_id, a.choice, a.correct, a.source "
            "FROM attempts a JOIN users u ON u.id = a.user_id ORDER BY a.id"
        ).fetchall()


def posts(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, local_date, status, message_ref FROM daily_posts ORDER BY id"
        ).fetchall()


def first_day(content: Content, channel: int, choose: int) -> date:
    """The first date from 27 Nov 2026 whose first daily pick in `channel` asks for `choose`."""
    for n in range(366):
        day = date(2026, 11, 27) + timedelta(days=n)
        if pick_daily(content, f"discord:{channel}", day, []).choose == choose:
            return day
    raise AssertionError(f"no choose-{choose} question is ever picked first in {channel}")


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), UTC)


async def setup_daily(
    service: StudyService, clock: Clock, bot: StudyBot, choose: int = 1
) -> tuple[DailyScheduler, DailyChannel, date]:
    day = first_day(service.content, DAILY, choose)
    clock.now = at_nine(day)
    channel = await service.configure_daily("discord", GUILD, str(DAILY), "09:00", "UTC", "en")
    publisher = DiscordPublisher(bot)
    return DailyScheduler(DailyService(service), {"discord": publisher}, clock=clock), channel, day


def questions(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.posted.get(channel, []) if m["components"]]


async def click(
    bot: StudyBot, fake: FakeDiscord, message: dict[str, Any], label: str, **kw: Any
) -> dict[str, Any]:
    button = next(b for b in buttons(message) if b.get("label") == label)
    return await feed(bot, fake, fake.click(message, button["custom_id"], **kw))


async def test_the_job_posts_the_question_in_the_channel_with_a_button_per_option(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    scheduler, channel, day = await setup_daily(service, clock, discord_bot)
    await scheduler.fire(channel.id)

    sent = await fake.request(lambda r: r.path == f"/channels/{DAILY}/messages")
    assert sent.method == "POST"
    assert sent.body["allowed_mentions"] == {"parse": []}
    assert not sent.body.get("flags", 0) & EPHEMERAL  # the whole channel sees it
    (message,) = fake.posted[DAILY]
    (embed,) = message["embeds"]
    assert embed["title"] == f"Question of the day — {format_date('en', day)}"
    assert embed["author"]["name"].startswith("Domain ")
    assert "**A)** Option A" in embed["description"]
    assert embed["footer"]["text"].startswith("Answer with the buttons: only you see your result.")
    (post_id, local_date, status, ref) = posts(tmp_path / "test.db")[0]
    assert (local_date, status, ref) == (day.isoformat(), "posted", message["id"])
    assert [(b["label"], b["custom_id"]) for b in buttons(message)] == [
        (x, f"sb:d:{post_id}:{x}") for x in "ABCD"
    ]
    # The job for the same day again (a second process, a restart) never posts twice.
    await scheduler.fire(channel.id)
    assert len(fake.posted[DAILY]) == 1


async def test_a_click_records_one_daily_attempt_with_private_feedback_and_counts_once(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    scheduler, channel, day = await setup_daily(service, clock, discord_bot)
    await scheduler.fire(channel.id)
    (message,) = fake.posted[DAILY]
    question = pick_daily(service.content, f"discord:{DAILY}", day, [])
    right = next(iter(question.answer))
    wrong = next(x for x in question.letters if x != right)

    body = await click(discord_bot, fake, message, right)
    assert body["type"] == 4
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["allowed_mentions"] == {"parse": []}
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "✅ Right!"
    assert f"Right answer: {right}" in embed["description"]
    assert sum(f["name"].startswith("❌") for f in embed["fields"]) == 3
    labels = {b["label"]: b for b in buttons(body["data"])}
    assert labels["AWS documentation"]["url"].startswith("https://docs.aws.amazon.com/")
    assert "Next question" in labels

    again = await click(discord_bot, fake, message, wrong)
    assert again["data"]["flags"] & EPHEMERAL
    assert again["data"]["content"].startswith(
        "You already answered this question; it counted once.\nRight answer:"
    )

    # Another member, whose Discord speaks French, gets the feedback in French.
    other = await click(discord_bot, fake, message, wrong, user_id=202, name="Bo", locale="fr")
    assert other["data"]["flags"] & EPHEMERAL
    assert other["data"]["embeds"][0]["title"] == "❌ Mauvaise réponse."
    assert attempts(tmp_path / "test.db") == [
        ("101", question.id, right, 1, "daily"),
        ("202", question.id, wrong, 0, "daily"),
    ]
    assert (await service.progress(UserRef("discord", GUILD, "101"), "en")).streak == 1


async def test_choose_two_is_one_menu_that_takes_exactly_two(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    scheduler, channel, day = await setup_daily(service, clock, discord_bot, choose=2)
    await scheduler.fire(channel.id)
    (message,) = fake.posted[DAILY]
    question = pick_daily(service.content, f"discord:{DAILY}", day, [])
    (post_id, *_) = posts(tmp_path / "test.db")[0]

    (menu,) = buttons(message)
    assert menu["type"] == 3
    assert menu["custom_id"] == f"sb:ds:{post_id}"
    assert (menu["min_values"], menu["max_values"]) == (2, 2)
    assert menu["placeholder"] == "Choose 2 options"
    assert [o["value"] for o in menu["options"]] == list(question.letters)
    assert menu["options"][0]["label"] == "A) Option A"
    assert message["embeds"][0]["footer"]["text"].startswith("Pick 2 options in the menu below")

    right = sorted(question.answer)
    body = await feed(discord_bot, fake, fake.select(message, menu["custom_id"], right[::-1]))
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["embeds"][0]["title"] == "✅ Right!"
    assert attempts(tmp_path / "test.db") == [("101", question.id, ",".join(right), 1, "daily")]


async def test_a_daily_button_works_after_a_restart(
    fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    day = first_day(service.content, DAILY, 1)
    await service.configure_daily("discord", GUILD, str(DAILY), "09:00", "UTC", "en")
    clock.now = at_nine(day) + timedelta(minutes=30)  # the bot was down at 09:00

    # The runtime starts the scheduler once the bot is logged in, and it catches up.
    settings = Settings(db_path=str(tmp_path / "test.db"), discord_token=Secret("a.b.c"))
    runtime = Runtime(settings, service.content, clock=clock, signals=False)
    running = asyncio.create_task(runtime.run(lambda s: DiscordFace(s, settings)))
    await fake.request(lambda r: r.path == f"/channels/{DAILY}/messages", timeout=15)
    assert runtime.scheduler is not None and runtime.scheduler.running
    (message,) = fake.posted[DAILY]
    runtime.stop()
    assert await asyncio.wait_for(running, 15) == 0
    assert not runtime.scheduler.running

    store = await open_store(tmp_path / "test.db")
    after = build_bot(Services.build(StudyService(service.content, store, clock=clock)), sync=False)
    try:
        await after.login("test-token")
        body = await click(after, fake, message, "A")
    finally:
        await after.close()
        await store.close()

    assert body["data"]["flags"] & EPHEMERAL
    question = pick_daily(service.content, f"discord:{DAILY}", day, [])
    title = "✅ Right!" if question.answer == {"A"} else "❌ Not quite."
    assert body["data"]["embeds"][0]["title"] == title
    assert attempts(tmp_path / "test.db") == [
        ("101", question.id, "A", int(question.answer == {"A"}), "daily")
    ]


async def test_a_channel_the_bot_can_no_longer_post_in_is_disabled_after_three_failures(
    discord_bot: StudyBot,
    fake: FakeDiscord,
    service: StudyService,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.channel_errors[GONE] = (404, 10003, "Unknown Channel")
    fake.channel_errors[LOCKED] = (403, 50001, "Missing Access")
    channels = [
        await service.configure_daily("discord", GUILD, str(c), "09:00", "UTC", "en")
        for c in (GONE, DAILY, LOCKED)
    ]
    scheduler = DailyScheduler(
        DailyService(service), {"discord": DiscordPublisher(discord_bot)}, clock=clock
    )
    with caplog.at_level(logging.WARNING):
        for n in range(3):
            clock.now = at_nine(date(2026, 11, 27) + timedelta(days=n))
            for channel in channels:
                await scheduler.fire(channel.id)

    enabled = {c.channel: c.enabled for c in await service.daily_channels("discord", GUILD)}
    assert enabled == {str(GONE): False, str(DAILY): True, str(LOCKED): False}
    assert len(questions(fake, DAILY)) == 3
    assert GONE not in fake.posted and LOCKED not in fake.posted
    refused = [r.getMessage() for r in caplog.records if "failed (" in r.getMessage()]
    assert len(refused) == 6 and all("404 10003" in m or "403 50001" in m for m in refused)
    assert not any(r.exc_info for r in caplog.records)  # refused, not crashed
    assert sum("disabled after 3 failures" in r.getMessage() for r in caplog.records) == 2


async def test_missing_permissions_means_the_channel_is_unavailable(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock
) -> None:
    fake.channel_errors[LOCKED] = (403, 50013, "Missing Permissions")
    scheduler, _, _ = await setup_daily(service, clock, discord_bot)
    locked = await service.configure_daily("discord", GUILD, str(LOCKED), "09:00", "UTC", "en")
    post = await scheduler.daily.prepare(locked, clock.now.date())
    assert post is not None

    with pytest.raises(ChannelUnavailable, match="403 50013: Missing Permissions"):
        await DiscordPublisher(discord_bot).post_question(
            locked, post, scheduler.daily.card(post, "en")
        )


async def test_the_reveal_shows_the_answer_and_how_many_members_picked_each_option(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    scheduler, channel, day = await setup_daily(service, clock, discord_bot)
    await scheduler.fire(channel.id)
    (message,) = fake.posted[DAILY]
    question = pick_daily(service.content, f"discord:{DAILY}", day, [])
    right = next(iter(question.answer))
    wrong = next(x for x in question.letters if x != right)
    await click(discord_bot, fake, message, right, user_id=301, name="A")
    await click(discord_bot, fake, message, right, user_id=302, name="B")
    await click(discord_bot, fake, message, wrong, user_id=303, name="C")

    clock.now += timedelta(days=1)  # the next question comes with yesterday's answer
    await scheduler.fire(channel.id)
    first, second, reveal = fake.posted[DAILY]
    assert second["components"] and not reveal["components"]
    assert not reveal["flags"] & EPHEMERAL
    (embed,) = reveal["embeds"]
    assert embed["title"] == f"Answer to the question of {format_date('en', day)}"
    assert f"Right answer: {right}" in embed["description"]
    assert "3 members answered." in embed["description"]
    fields = {f["name"][2:4]: f for f in embed["fields"] if f["name"] != "\u200b"}
    assert set(fields) == {f"{x})" for x in question.letters}
    assert fields[f"{right})"]["name"].startswith("✅")
    assert f"{right}: 2 (67%)" in fields[f"{right})"]["value"]
    assert f"{wrong}: 1 (33%)" in fields[f"{wrong})"]["value"]
    assert f"Why {wrong}." in fields[f"{wrong})"]["value"]
    idle = next(x for x in question.letters if x not in (right, wrong))
    assert f"{idle}: 0 (0%)" in fields[f"{idle})"]["value"]
    assert embed["fields"][-1]["value"].startswith("Learn more: https://docs.aws.amazon.com/")

    late = await click(discord_bot, fake, first, right, user_id=304, name="D")
    assert late["data"]["flags"] & EPHEMERAL
    assert late["data"]["content"] == (
        "This daily question is closed: its answer has been revealed."
    )
    assert len(attempts(tmp_path / "test.db")) == 3


async def test_a_click_on_an_unknown_post_gets_a_short_private_reply(
    discord_bot: StudyBot, fake: FakeDiscord, tmp_path: Path
) -> None:
    button = {"type": 2, "style": 1, "label": "A", "custom_id": "sb:d:999:A"}
    message = fake._message({"components": [{"type": 1, "components": [button]}]}, channel_id=DAILY)
    body = await feed(discord_bot, fake, fake.click(message, "sb:d:999:A"))

    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == (
        "This question is no longer available. Type /quiz for a new one."
    )
    assert attempts(tmp_path / "test.db") == []


async def test_run_discord_posts_a_missed_daily_question_at_start_up(
    fake: FakeDiscord, content: Content, tmp_path: Path
) -> None:
    # A fixed-offset zone where it is now about noon: the post is due and the date cannot flip.
    now = datetime.now(UTC)
    offset = (12 - now.hour + 12) % 24 - 12
    zone = f"Etc/GMT{-offset:+d}"
    local = now + timedelta(hours=offset)
    db = tmp_path / "run.db"
    store = await open_store(db)
    try:
        await StudyService(content, store).configure_daily(
            "discord", GUILD, str(DAILY), local.strftime("%H:%M"), zone, "fr"
        )
    finally:
        await store.close()
    settings = Settings(db_path=str(db), discord_token=Secret("gateway-token"))
    running = asyncio.create_task(asyncio.to_thread(run_discord, settings, content))

    try:
        sent = await fake.request(lambda r: r.path == f"/channels/{DAILY}/messages", timeout=15)
        title = sent.body["embeds"][0]["title"]
        assert title == f"Question du jour — {format_date('fr', local.date())}"
        await asyncio.wait_for(fake.identified.wait(), 15)  # commands are served meanwhile
    finally:
        fake.gateway_events.put_nowait(4004)  # the bot stops, whatever the test found
    assert await asyncio.wait_for(running, 15) == 2


def channel_posts(fake: FakeDiscord) -> list[float]:
    """When each channel message reached Discord, on the fake's clock."""
    return [r.at for r in fake.requests if r.method == "POST" and "/channels/" in r.path]


async def test_a_fan_out_posts_at_most_20_messages_a_second(
    discord_bot: StudyBot, fake: FakeDiscord, service: StudyService, clock: Clock
) -> None:
    time = VirtualTime()  # the limiter waits on it, and the fake stamps requests with it
    fake.clock = time.monotonic
    clock.now = at_nine(date(2026, 11, 27))
    for n in range(25):
        await service.configure_daily("discord", GUILD, str(DAILY + 100 + n), "09:00", "UTC", "en")
    scheduler = DailyScheduler(
        DailyService(service), {"discord": DiscordPublisher(discord_bot)}, clock=clock,
        monotonic=time.monotonic, sleep=time.sleep,
    )  # fmt: skip
    await scheduler.catch_up()  # 25 channels due at once
    moments = channel_posts(fake)
    assert len(moments) == 25
    assert most_in_one_second(moments) == 20


async def test_commands_are_served_while_a_daily_fan_out_is_stuck(
    fake: FakeDiscord, service: StudyService, clock: Clock, tmp_path: Path
) -> None:
    clock.now = at_nine(date(2026, 11, 27)) + timedelta(minutes=1)
    channels = [DAILY + 100, DAILY + 101]
    for channel in channels:
        await service.configure_daily("discord", GUILD, str(channel), "09:00", "UTC", "en")
    held = asyncio.Event()
    fake.faults.append(Fault(lambda r: "/channels/" in r.path, until=held, times=len(channels)))
    settings = Settings(db_path=str(tmp_path / "test.db"), discord_token=Secret("a.b.c"))
    runtime = Runtime(settings, service.content, clock=clock, signals=False)
    running = asyncio.create_task(runtime.run(lambda s: DiscordFace(s, settings)))
    try:
        await fake.request(lambda r: r.path == f"/channels/{channels[0]}/messages", timeout=15)
        await asyncio.wait_for(fake.identified.wait(), 15)
        payload = fake.slash("quiz")
        fake.gateway_events.put_nowait({"t": "INTERACTION_CREATE", "d": payload})
        body = await fake.callback(payload)  # answered while the first post hangs
        assert body["type"] == 4 and len(buttons(body["data"])) >= 4
        assert fake.posted == {}
    finally:
        held.set()
    await fake.request(lambda r: r.path == f"/channels/{channels[1]}/messages", timeout=15)
    runtime.stop()
    assert await asyncio.wait_for(running, 15) == 0
    assert [status for _, _, status, _ in posts(tmp_path / "test.db")] == ["posted", "posted"]
