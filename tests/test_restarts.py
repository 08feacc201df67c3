"""Restarts for real: a bot process is stopped (SIGTERM), and a new process on the same database
file answers the buttons the first one sent.

Nothing from the first process's memory can reach the second: each runs `studybot` (its
`main`) in a process of its own, against loopback fakes of Discord and Slack.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.content import load_content
from bot.service import StudyService
from bot.store import open_store
from tests.conftest import FIXTURE_CONTENT
from tests.fakes.discord_api import GUILD_ID, FakeDiscord, buttons
from tests.fakes.slack_api import FakeSlack, block_action, fake_slack, slash_command
from tests.ops_support import STUDYBOT, clean_env
from tests.test_slack_http import ticked

ROOT = Path(__file__).resolve().parent.parent
DAILY = 5000000000000077
DISCORD_TOKEN = "restart-bot.process-secret-part.xyz"
SLACK_TOKEN = "xoxb-restart-process-secret"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()  # not patched into this process: the bots run in others
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        yield fake


def env_for(db: Path, **settings: str) -> dict[str, str]:
    """A bot's environment: the database, a daily question due since 00:00 UTC still within its
    grace window, and no proxy between the bot and the loopback fakes."""
    env = clean_env(STUDYBOT_DB=str(db), STUDYBOT_DAILY_GRACE_HOURS="24", **settings)
    return {k: v for k, v in env.items() if "proxy" not in k.lower()}


async def configure_daily(db: Path, platform: str, community: str, channel: str) -> None:
    """Turn the daily question on in a channel, at 00:00 UTC, as an admin's command would."""
    store = await open_store(db)
    try:
        await StudyService(load_content(FIXTURE_CONTENT), store).configure_daily(
            platform, community, channel, "00:00", "UTC"
        )
    finally:
        await store.close()


async def start(*command: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *command, env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def stop(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM, as `docker stop` sends; the exit code and everything the process logged."""
    proc.send_signal(signal.SIGTERM)
    try:
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, stderr.decode()


async def running(proc: asyncio.subprocess.Process, ready: Callable[[], Awaitable[object]]) -> None:
    """Wait for `ready`, or fail with what the process logged if it ended first."""
    waiting = asyncio.ensure_future(ready())
    ended = asyncio.ensure_future(proc.wait())
    await asyncio.wait({waiting, ended}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done():
        waiting.cancel()
        ended.cancel()
        if proc.returncode is None:
            proc.kill()
        _, stderr = await proc.communicate()
        raise AssertionError(f"the bot never got ready:\n{stderr.decode()}")
    ended.cancel()
    waiting.result()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- Discord --------------------------------------------------------------------------------


def discord_bot(fake: FakeDiscord, env: dict[str, str]) -> Awaitable[asyncio.subprocess.Process]:
    base = fake.base.removesuffix("/api/v10")
    return start(sys.executable, "-m", "tests.discord_process", base, env=env)


async def interact(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Send an interaction through the gateway, as Discord does; the bot's callback body."""
    fake.gateway_events.put_nowait({"t": "INTERACTION_CREATE", "d": payload})
    return await fake.callback(payload)


async def test_studybot_discord_stops_on_sigterm_with_exit_0_and_no_token_in_its_logs(
    discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "discord.db"
    await configure_daily(db, "discord", str(GUILD_ID), str(DAILY))
    # Discord's answer to the daily post quotes the token back: the log must not.
    discord_fake.channel_errors[DAILY] = (400, 0, f"Invalid header: Bot {DISCORD_TOKEN}")
    proc = await discord_bot(discord_fake, env_for(db, DISCORD_TOKEN=DISCORD_TOKEN))
    await running(proc, lambda: discord_fake.sessions_started(1, timeout=30))
    await discord_fake.request(lambda r: r.path == f"/channels/{DAILY}/messages", timeout=30)
    body = await interact(discord_fake, discord_fake.slash("lesson"))
    assert body["type"] == 4

    code, log = await stop(proc)

    assert code == 0, log
    assert "stopping on SIGTERM" in log
    assert "Invalid header: Bot [redacted]" in log  # the refusal was logged, the token not
    assert DISCORD_TOKEN not in log and "process-secret-part" not in log


async def test_quiz_and_daily_buttons_answer_in_a_new_discord_process_on_the_same_database(
    discord_fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "discord.db"
    await configure_daily(db, "discord", str(GUILD_ID), str(DAILY))
    env = env_for(db, DISCORD_TOKEN=DISCORD_TOKEN)
    first = await discord_bot(discord_fake, env)
    await running(first, lambda: discord_fake.sessions_started(1, timeout=30))
    quiz = discord_fake.slash("quiz", [{"name": "domain", "type": 4, "value": 2}])
    card = (await interact(discord_fake, quiz))["data"]
    await discord_fake.request(lambda r: r.path == f"/channels/{DAILY}/messages", timeout=30)
    code, log = await stop(first)
    assert code == 0, log

    second = await discord_bot(discord_fake, env)
    try:
        await running(second, lambda: discord_fake.sessions_started(2, timeout=30))
        message = discord_fake.sent(quiz)
        letter = buttons(card)[0]
        answered = await interact(discord_fake, discord_fake.click(message, letter["custom_id"]))
        assert answered["type"] == 7  # the question became its feedback
        assert answered["data"]["embeds"][0]["title"] in ("✅ Right!", "❌ Not quite.")
        (daily,) = discord_fake.posted[DAILY]
        (first_item, *_) = buttons(daily)  # an option button, or a choose-N menu
        if first_item["type"] == 3:
            letters = [o["value"] for o in first_item["options"]][: first_item["min_values"]]
            click = discord_fake.select(daily, first_item["custom_id"], letters, user_id=202)
        else:
            click = discord_fake.click(daily, first_item["custom_id"], user_id=202)
        reply = await interact(discord_fake, click)
        assert reply["data"]["flags"] & 64 and reply["data"].get("embeds"), reply
    finally:
        code, log = await stop(second)
    assert code == 0, log
    assert rows(db, "SELECT source FROM attempts ORDER BY id") == [("quiz",), ("daily",)]
    assert len(discord_fake.posted[DAILY]) == 1  # the new process did not post again


# -- Slack ----------------------------------------------------------------------------------


def slack_bot(slack: FakeSlack, db: Path) -> Awaitable[asyncio.subprocess.Process]:
    env = env_for(
        db, SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_APP_TOKEN="xapp-restart", SLACK_API_URL=slack.api_url
    )
    return start(STUDYBOT, "slack", env=env)


async def push(slack: FakeSlack, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Send an envelope over the Socket Mode websocket; the bot's reply to its response_url."""
    sent = len(slack.responses)
    envelope = f"e{len(slack.acks)}"
    await slack.push({"envelope_id": envelope, "type": kind, "payload": payload})
    await slack.wait_for(
        lambda: len(slack.responses) > sent and {"envelope_id": envelope} in slack.acks
    )
    return slack.responses[sent]


async def test_quiz_and_daily_buttons_answer_in_a_new_slack_process_on_the_same_database(
    slack: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "slack.db"
    await configure_daily(db, "slack", "T0TEAM", "C0DAILY")
    first = await slack_bot(slack, db)
    await running(first, lambda: slack.wait_for(lambda: slack.socket is not None, 30))
    url = slack.response_url
    card = await push(
        slack, "slash_commands", slash_command("/quiz", "2", user="U0ANA", response_url=url("q"))
    )
    await slack.wait_for(lambda: bool(slack.messages("C0DAILY")), 30)
    old_socket = slack.socket
    code, log = await stop(first)
    assert code == 0, log

    second = await slack_bot(slack, db)
    try:
        await running(second, lambda: slack.wait_for(lambda: slack.socket is not old_socket, 30))
        button = card["blocks"][-1]["elements"][0]
        answered = await push(
            slack, "interactive",
            block_action(button["action_id"], button["value"], user="U0ANA", response_url=url("a")),
        )  # fmt: skip
        assert answered["replace_original"] is True
        (daily,) = slack.messages("C0DAILY")
        # The last letter's button, or for a choose-TWO question Submit with two boxes ticked.
        daily_button = [
            e for b in daily["blocks"] if b["type"] == "actions" for e in b["elements"]
        ][-1]
        click = block_action(
            daily_button["action_id"], daily_button["value"], user="U0ANA", response_url=url("d"),
            state=ticked("A", "B"),
        )  # fmt: skip
        click["channel"] = {"id": "C0DAILY", "name": "daily"}
        click["container"] = {
            "type": "message", "message_ts": daily["ts"], "channel_id": "C0DAILY",
            "is_ephemeral": False,
        }  # fmt: skip
        click["actions"][0]["block_id"] = "sb.daily"
        reply = await push(slack, "interactive", click)
        assert reply["response_type"] == "ephemeral"
    finally:
        code, log = await stop(second)
    assert code == 0, log
    assert rows(db, "SELECT source FROM attempts ORDER BY id") == [("quiz",), ("daily",)]
    assert len(slack.messages("C0DAILY")) == 1
