"""Discord that fails or misbehaves, through the real discord.py against the loopback fake:
rate limits, server errors and stalls on interaction answers, a slow store, buttons nobody made,
half-formed interactions, and a gateway that drops or stops answering heartbeats."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.discord.app import StudyBot
from bot.service import StudyService
from bot.store import SqliteStore
from tests.fakes.discord_api import (
    APP_ID,
    FakeDiscord,
    Fault,
    buttons,
    feed,
    press,
)
from tests.faults.test_slack_faults import calm

pytest_plugins = ["tests.fakes.discord_fixtures"]

EPHEMERAL = 64


def callback_of(payload: dict[str, Any]) -> Any:
    path = f"/interactions/{payload['id']}/{payload['token']}/callback"
    return lambda r: r.path == path


def answered(payload: dict[str, Any]) -> Any:
    """Any answer to the interaction: its callback, a follow-up, or an edit of the original."""
    token = payload["token"]
    return lambda r: r.path.startswith(
        (f"/interactions/{payload['id']}/{token}/", f"/webhooks/{APP_ID}/{token}")
    )


async def stall(store: SqliteStore, seconds: float) -> asyncio.Future[Any]:
    """Hold both database connections busy for `seconds`, as a slow disk would."""
    for connection in (store.db, store.reader):
        await connection.create_function("stall", 1, time.sleep)
    return asyncio.gather(
        *(c.execute_fetchall("SELECT stall(?)", (seconds,)) for c in (store.db, store.reader))
    )


async def test_a_rate_limited_answer_is_sent_after_retry_after(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    payload = fake.slash("progress")
    limited = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}
    fake.faults.append(Fault(callback_of(payload), 429, limited, {"Retry-After": "0.2"}))
    body = await feed(discord_bot, fake, payload)  # the retry
    assert body["data"]["embeds"][0]["title"]
    calm(caplog)


async def test_a_server_error_on_the_answer_is_retried(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.answer_within = 3.0
    payload = fake.slash("progress")
    fake.faults.append(Fault(callback_of(payload), 503, {"message": "unavailable", "code": 0}))
    discord_bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await fake.request(callback_of(payload))  # the 503
    body = (await fake.request(callback_of(payload))).body  # the retry, in time
    assert body["data"]["embeds"][0]["title"]
    calm(caplog)


async def test_a_discord_that_keeps_failing_costs_a_warning_not_a_traceback(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    payload = fake.slash("progress")
    fake.faults.append(
        Fault(answered(payload), 404, {"message": "Unknown interaction", "code": 10062}, times=9)
    )
    discord_bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await fake.request(callback_of(payload))
    await asyncio.sleep(0.3)
    calm(caplog)
    assert any(
        "10062" in r.getMessage() or "Unknown interaction" in r.getMessage() for r in caplog.records
    )


async def test_a_hanging_answer_does_not_hold_up_other_members(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    slow = fake.slash("progress", user_id=301)
    fake.faults.append(Fault(callback_of(slow), delay=5.0))
    discord_bot._connection.parse_interaction_create(slow)  # type: ignore[arg-type]
    quick = fake.slash("progress", user_id=302)
    started = time.monotonic()
    body = await feed(discord_bot, fake, quick)
    assert body["data"]["embeds"][0]["title"]
    assert time.monotonic() - started < 2


async def test_a_slow_store_defers_the_command_then_answers(
    discord_bot: StudyBot, fake: FakeDiscord, store: SqliteStore
) -> None:
    fake.answer_within = 3.0
    payload = fake.slash("progress")
    stalled = await stall(store, 4.0)
    body = await feed(discord_bot, fake, payload)
    assert body["type"] == 5 and body["data"]["flags"] & EPHEMERAL  # "thinking…", in time
    await stalled
    found = await fake.request(
        lambda r: r.path.startswith(f"/webhooks/{APP_ID}/{payload['token']}"), timeout=5
    )
    assert found.body["embeds"][0]["title"]


async def test_a_slow_store_defers_a_click_then_edits_the_question(
    discord_bot: StudyBot, fake: FakeDiscord, store: SqliteStore, service: StudyService
) -> None:
    fake.answer_within = 3.0
    payload = fake.slash("quiz")
    data = (await feed(discord_bot, fake, payload))["data"]
    qid = buttons(data)[0]["custom_id"].split(":")[3]
    right = sorted(service.question(qid).answer)[0]
    stalled = await stall(store, 4.0)
    click, body = await press(discord_bot, fake, payload, right)
    assert body["type"] == 6, body  # deferred update: the buttons stop spinning
    await stalled
    edit = await fake.request(
        lambda r: r.method == "PATCH" and r.path.startswith(f"/webhooks/{APP_ID}/{click['token']}"),
        timeout=5,
    )
    assert "Right" in edit.body["embeds"][0]["title"]


async def test_an_answer_on_its_way_when_the_deferral_is_due_is_not_answered_twice(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    discord_bot.defer_after = 0.3
    payload = fake.slash("progress")
    fake.faults.append(Fault(callback_of(payload), delay=0.6))  # the answer takes its time
    body = await feed(discord_bot, fake, payload)
    assert body["type"] == 4
    await asyncio.sleep(1.2)  # the answer's 0.6 s, then any deferral queued behind it
    callbacks = [r for r in fake.requests if r.path.endswith(f"{payload['token']}/callback")]
    assert len(callbacks) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "custom_id",
    [
        "not-ours",
        "sb:a:9:zzz",  # looks like an answer, but is not one
        "sb:a:1:d1.1-x:tok:Q:" + "z" * 200,
        "sb:xa:abc:d1.1-x:A",
        "",
    ],
)
async def test_a_button_nobody_made_gets_a_polite_reply(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture, custom_id: str
) -> None:
    source = fake.slash("quiz")
    await feed(discord_bot, fake, source)
    message = fake.sent(source)
    message = {**message, "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "A", "custom_id": custom_id or "x"}
    ]}]}  # fmt: skip
    click = fake.click(message, custom_id)
    body = await feed(discord_bot, fake, click)
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    assert "no longer" in body["data"]["content"]
    calm(caplog)


async def test_a_click_on_a_button_that_is_not_on_the_message_gets_a_polite_reply(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    source = fake.slash("quiz")
    data = (await feed(discord_bot, fake, source))["data"]
    forged = buttons(data)[0]["custom_id"].replace(":A:", ":Z:")  # not a button of the message
    click = fake.click(fake.sent(source), forged)
    body = await feed(discord_bot, fake, click)
    assert body["type"] == 4 and "no longer" in body["data"]["content"]
    calm(caplog)


@pytest.mark.parametrize(
    "strip",
    ["member", "guild", "channel", "locale"],
)
async def test_an_interaction_missing_a_field_is_answered_or_dropped_quietly(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture, strip: str
) -> None:
    payload = fake.slash("progress")
    del payload[strip]
    discord_bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await asyncio.sleep(0.5)
    calm(caplog)


async def test_an_unknown_guild_is_served(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    payload = fake.slash("progress")
    payload["guild_id"] = "1"
    payload["guild"] = {"id": "1", "locale": "en-US", "features": []}
    body = await feed(discord_bot, fake, payload)
    assert body["data"]["embeds"][0]["title"]
    calm(caplog)


async def test_an_unknown_command_gets_a_polite_reply(
    discord_bot: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    body = await feed(discord_bot, fake, fake.slash("nonexistent"))
    assert body["type"] == 4 and body["data"]["flags"] & EPHEMERAL
    calm(caplog)


@pytest.fixture
async def connected(discord_bot: StudyBot, fake: FakeDiscord) -> AsyncIterator[StudyBot]:
    """The bot on the fake gateway, as `studybot discord` runs it."""
    running = asyncio.create_task(discord_bot.connect(reconnect=True))
    await asyncio.wait_for(fake.identified.wait(), 10)
    yield discord_bot
    await discord_bot.close()
    await asyncio.wait_for(running, 10)


async def served_through_the_gateway(fake: FakeDiscord) -> None:
    payload = fake.slash("progress")
    fake.gateway_events.put_nowait({"t": "INTERACTION_CREATE", "d": payload})
    body = await fake.callback(payload)
    assert body["data"]["embeds"][0]["title"]


async def sessions(fake: FakeDiscord, count: int) -> list[str]:
    async with asyncio.timeout(15):
        while len(fake.sessions) < count:
            fake.session_changed.clear()
            await fake.session_changed.wait()
    return fake.sessions


async def test_a_gateway_that_closes_is_resumed_and_commands_still_work(
    connected: StudyBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await served_through_the_gateway(fake)
    fake.gateway_events.put_nowait(4000)  # Discord: unknown error, reconnect
    assert await sessions(fake, 2) == ["identify", "resume"]
    await served_through_the_gateway(fake)
    assert not connected.is_closed()
    calm(caplog)


async def test_a_gateway_that_stops_answering_heartbeats_is_left_for_a_new_connection(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    fake.heartbeat_interval = 100  # ms
    fake.ack_heartbeats = False
    # discord.py's silence limit (60 s by default): short, so the test need not wait a minute.
    discord_bot._connection.heartbeat_timeout = 1.0
    running = asyncio.create_task(discord_bot.connect(reconnect=True))
    try:
        found = await sessions(fake, 2)
        assert found[0] == "identify" and len(found) >= 2
        fake.ack_heartbeats = True
        await served_through_the_gateway(fake)
    finally:
        await discord_bot.close()
        await asyncio.wait_for(running, 10)
