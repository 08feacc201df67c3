"""The daily question in Slack: the real slack-bolt app over HTTP, signed clicks, the scheduler's
job coroutine called directly (no sleeping until a cron time), a loopback Slack Web API and a
real SQLite file."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app, web_app
from adapters.slack.daily import (
    DAILY_SUBMIT,
    SlackPublisher,
    question_blocks,
    reveal_blocks,
)
from adapters.slack.ids import PICK
from bot.config import Secret, Settings
from bot.content import Content
from bot.daily import DailyService, pick_daily
from bot.errors import ChannelUnavailable
from bot.service import StudyService
from bot.services import Services
from bot.store import SqliteStore, open_store
from bot.views import (
    DailyChannel,
    DailyPost,
    DailyReveal,
    OptionFeedback,
    QuestionCard,
    UserRef,
)
from scheduler.daily import DailyScheduler
from tests.conftest import Clock
from tests.fakes.slack_api import (
    TEAM,
    FakeSlack,
    block_action,
    fake_slack,
    form,
    payload_form,
    sign,
    slash_command,
)
from tests.test_slack_http import SECRET, Bot, db, elements, texts, ticked
from tests.test_slack_serve import Running, free_port

DAY = date(2026, 11, 27)


@dataclass
class Env:
    """One running bot: service, daily core, scheduler, the Slack publisher and the bolt app."""

    service: StudyService
    daily: DailyService
    scheduler: DailyScheduler
    bot: Bot
    waits: list[float] = field(default_factory=list)


@asynccontextmanager
async def running(
    path: Path, content: Content, clock: Clock, slack: FakeSlack
) -> AsyncIterator[Env]:
    """A bot on the SQLite file at `path`, acknowledging first and working after as in
    production; leaving it is a stop (the store is closed)."""
    store: SqliteStore = await open_store(path)
    try:
        service = StudyService(content, store, rng=random.Random(7), clock=clock)
        services = Services.build(service)
        daily = services.daily
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)  # Retry-After, recorded instead of waited for

        publisher = SlackPublisher(client, rate_per_second=1000.0, sleep=sleep)
        scheduler = DailyScheduler(daily, {"slack": publisher}, clock=clock)
        app = build_app(services, token="xoxb-test", signing_secret=SECRET, client=client)
        async with TestClient(TestServer(web_app(app, SECRET), host="127.0.0.1")) as http:
            yield Env(service, daily, scheduler, Bot(http, slack), waits)
    finally:
        await store.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        fake.add_user("U0BOB", "Bob", locale="fr-FR")
        fake.add_user("U0CID", "Cid")
        yield fake


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "daily.db"


@pytest.fixture
async def env(path: Path, content: Content, clock: Clock, slack: FakeSlack) -> AsyncIterator[Env]:
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    async with running(path, content, clock, slack) as started:
        yield started


def channel_for(content: Content, choose: int, taken: tuple[str, ...] = ()) -> str:
    """A channel id whose first daily question (on DAY) is a choose-`choose` question."""
    for n in range(100):
        channel = f"C0D{n:03d}"
        if (
            channel not in taken
            and pick_daily(content, f"slack:{channel}", DAY, []).choose == choose
        ):
            return channel
    raise AssertionError("no such channel in the fixture content")


async def configure(env: Env, channel: str, locale: str = "en") -> DailyChannel:
    return await env.service.configure_daily("slack", TEAM, channel, "09:00", "UTC", locale)


async def click(
    bot: Bot, action_id: str, value: str, *, user: str, channel: str, state: Any = None
) -> dict[str, Any]:
    """A signed block_actions click on the channel's (not ephemeral) daily post."""
    sent = len(bot.fake.responses)
    url = bot.fake.response_url(f"d{sent}")
    payload = block_action(action_id, value, user=user, response_url=url, state=state)
    payload["container"] = {
        "type": "message", "message_ts": "1700000001.000100", "channel_id": channel,
        "is_ephemeral": False,
    }  # fmt: skip
    payload["channel"] = {"id": channel, "name": "daily"}
    payload["actions"][0]["block_id"] = "sb.daily"
    resp = await bot.post(payload_form(payload))
    assert resp.status == 200
    return await bot.replied(sent)  # acknowledged first, answered after


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for e in elements(message) if e["type"] == "button"}


def attempts(path: Path) -> list[tuple[Any, ...]]:
    return db(
        path,
        "SELECT u.user, a.question_id, a.choice, a.correct, a.source FROM attempts a "
        "JOIN users u ON u.id = a.user_id ORDER BY a.id",
    )


def right_and_wrong(env: Env, path: Path, message: dict[str, Any]) -> tuple[str, str, str]:
    """A daily post's question id (the database's, found from its button), a right and a wrong
    letter (from the content, not from the bot)."""
    post_id = int(elements(message)[-1]["value"].split("|")[0])
    ((qid,),) = db(path, "SELECT question_id FROM daily_posts WHERE id = ?", post_id)
    question = env.service.question(qid)
    right = sorted(question.answer)[0]
    wrong = next(x for x in question.letters if x not in question.answer)
    return qid, right, wrong


async def test_the_cron_job_posts_the_question_with_buttons_once(
    env: Env, content: Content, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 1))
    await env.scheduler.fire(channel.id)
    await env.scheduler.fire(channel.id)  # the same day again: the database says it is done
    (message,) = env.bot.fake.messages(channel.channel)
    assert (
        message["unfurl_links"] is False
        and "Question of the day — 27 November 2026" in message["text"]
    )
    assert message["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Question of the day — 27 November 2026",
            "emoji": True,
        },
    }
    (post_id, qid, status, ref) = db(
        path, "SELECT id, question_id, status, message_ref FROM daily_posts"
    )[0]
    question = env.service.question(qid)
    shown = texts(message)
    assert question.stem.get("en") in shown and "Domain 1 ·" in shown
    assert all(f"*{o.letter})* {o.text.get('en')}" in shown for o in question.options)
    assert "only you see your result" in shown
    assert [(b["action_id"], b["value"]) for b in elements(message)] == [
        (f"sb.daily.{x}", f"{post_id}|{x}") for x in "ABCD"
    ]
    mrkdwn = [b["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(m["verbatim"] is True for m in mrkdwn)
    assert (status, ref) == ("posted", f"{channel.channel}:{message['ts']}")


async def test_a_click_counts_once_and_is_answered_privately(
    env: Env, content: Content, clock: Clock, slack: FakeSlack, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 1))
    await env.scheduler.fire(channel.id)
    (message,) = slack.messages(channel.channel)
    qid, right, wrong = right_and_wrong(env, path, message)
    by_letter = buttons(message)

    first = await click(
        env.bot,
        f"sb.daily.{right}",
        by_letter[right]["value"],
        user="U0ANA",
        channel=channel.channel,
    )
    assert first["response_type"] == "ephemeral" and first["replace_original"] is False
    assert "✅ Right!" in texts(first) and "keeps your daily streak going" in texts(first)
    again = await click(
        env.bot,
        f"sb.daily.{wrong}",
        by_letter[wrong]["value"],
        user="U0ANA",
        channel=channel.channel,
    )
    assert again["response_type"] == "ephemeral" and again["replace_original"] is False
    assert "it counted once" in texts(again) and "Not quite" not in texts(again)
    assert attempts(path) == [("U0ANA", qid, right, 1, "daily")]
    assert (await env.service.progress(UserRef("slack", TEAM, "U0ANA"), "en")).streak == 1
    assert len(slack.messages()) == 1  # feedback never goes to the channel


async def test_buttons_work_after_a_restart(
    content: Content, clock: Clock, slack: FakeSlack, path: Path
) -> None:
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    async with running(path, content, clock, slack) as before:
        channel = await configure(before, channel_for(content, 1))
        await before.scheduler.fire(channel.id)
        (message,) = slack.messages(channel.channel)
        qid, right, wrong = right_and_wrong(before, path, message)
        value = buttons(message)[wrong]["value"]
        await click(before.bot, f"sb.daily.{wrong}", value, user="U0ANA", channel=channel.channel)
    async with running(path, content, clock, slack) as after:  # a new process, the same file
        reply = await click(
            after.bot, f"sb.daily.{wrong}", value, user="U0BOB", channel=channel.channel
        )
        assert "Mauvaise réponse" in texts(reply) and f"Bonne réponse\u202f: {right}" in texts(
            reply
        )
        again = await click(
            after.bot, f"sb.daily.{wrong}", value, user="U0ANA", channel=channel.channel
        )
        assert "it counted once" in texts(again)
    assert attempts(path) == [("U0ANA", qid, wrong, 0, "daily"), ("U0BOB", qid, wrong, 0, "daily")]
    assert len(slack.messages()) == 1


async def test_choose_two_uses_checkboxes_and_submit(
    env: Env, content: Content, slack: FakeSlack, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 2))
    await env.scheduler.fire(channel.id)
    (message,) = slack.messages(channel.channel)
    boxes, submit = elements(message)
    post_id = db(path, "SELECT id FROM daily_posts")[0][0]
    assert boxes["type"] == "checkboxes" and boxes["action_id"] == PICK
    assert (submit["action_id"], submit["value"]) == (DAILY_SUBMIT, f"{post_id}|")
    assert "Pick 2 options, then Submit." in texts(message)
    question = env.service.question(db(path, "SELECT question_id FROM daily_posts")[0][0])
    right = sorted(question.answer)

    ticking = await env.bot.click(PICK, "", reply=False)
    assert ticking.status == 200 and slack.responses == []  # ticking a box: ack only
    refusal = await click(
        env.bot, DAILY_SUBMIT, submit["value"], user="U0ANA", channel=channel.channel,
        state=ticked(right[0]),
    )  # fmt: skip
    assert "needs exactly 2 different letters" in texts(refusal) and attempts(path) == []
    reply = await click(
        env.bot, DAILY_SUBMIT, submit["value"], user="U0ANA", channel=channel.channel,
        state=ticked(*right),
    )  # fmt: skip
    assert "✅ Right!" in texts(reply) and reply["replace_original"] is False
    assert attempts(path) == [("U0ANA", question.id, ",".join(right), 1, "daily")]


async def test_the_reveal_shows_the_counts_and_closes_the_question(
    env: Env, content: Content, clock: Clock, slack: FakeSlack, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 1))
    await env.scheduler.fire(channel.id)
    (message,) = slack.messages(channel.channel)
    qid, right, wrong = right_and_wrong(env, path, message)
    by_letter = buttons(message)
    for user, letter in (("U0ANA", right), ("U0BOB", right), ("U0CID", wrong)):
        await click(
            env.bot,
            f"sb.daily.{letter}",
            by_letter[letter]["value"],
            user=user,
            channel=channel.channel,
        )

    clock.now += timedelta(days=1)
    await env.scheduler.fire(channel.id)  # the next question, then yesterday's answer
    question, reveal = slack.messages(channel.channel)[1:]
    assert "Question of the day — 28 November 2026" in question["text"]
    assert reveal["blocks"][0]["text"]["text"] == "Answer to the question of 27 November 2026"
    shown = texts(reveal)
    assert f"*Right answer: {right}*" in shown and "How the channel answered" in shown
    assert f"{right}: 2 (67%)" in shown and f"{wrong}: 1 (33%)" in shown
    others = [x for x in "ABCD" if x not in (right, wrong)]
    assert all(f"{x}: 0 (0%)" in shown for x in others)
    assert "3 members answered." in shown
    assert all(o.why.get("en") in shown for o in env.service.question(qid).options)
    assert "<https://docs.aws.amazon.com/" in shown and reveal["unfurl_links"] is False
    assert db(path, "SELECT count(*) FROM daily_posts WHERE revealed_at IS NOT NULL") == [(1,)]

    late = await click(
        env.bot,
        f"sb.daily.{right}",
        by_letter[right]["value"],
        user="U0ANA",
        channel=channel.channel,
    )
    assert texts(late) == "This daily question is closed: its answer has been revealed."
    assert len(attempts(path)) == 3


async def test_a_missing_channel_is_disabled_after_three_failures_and_others_go_on(
    env: Env, content: Content, clock: Clock, slack: FakeSlack, path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    good = await configure(env, channel_for(content, 1))
    gone = await configure(env, channel_for(content, 1, taken=(good.channel,)), locale="fr")
    slack.missing_channels.add(gone.channel)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            await env.scheduler.fire(gone.id)
            await env.scheduler.fire(good.id)
            clock.now += timedelta(days=1)
        await env.scheduler.fire(gone.id)  # disabled: not even tried
    tried = [c for c in slack.called("chat.postMessage") if c["channel"] == gone.channel]
    assert len(tried) == 3 and slack.messages(gone.channel) == []
    questions = [m for m in slack.messages(good.channel) if "Question of the day" in m["text"]]
    assert len(questions) == 3 and len(slack.messages(good.channel)) == 5  # and 2 reveals
    assert db(path, "SELECT channel, enabled, failures FROM daily_channels ORDER BY id") == [
        (good.channel, 1, 0),
        (gone.channel, 0, 3),
    ]
    assert "channel_not_found" in caplog.text and "disabled after 3 failures" in caplog.text
    assert "Traceback" not in caplog.text  # an expected refusal, not a crash
    post = DailyPost(99, gone.id, "2026-12-01", "x", "claimed", None, None, None)
    with pytest.raises(ChannelUnavailable, match="channel_not_found"):
        card = env.service.card(env.service.question("d2.1-sample-1"), "fr", post.token)
        await env.scheduler.publishers["slack"].post_question(gone, post, card)
    await env.scheduler.start()  # a restart schedules the channels still on
    try:
        jobs = {j.id for j in env.scheduler.scheduler.get_jobs()}  # type: ignore[union-attr]
        assert f"daily-{good.id}" in jobs and f"daily-{gone.id}" not in jobs
    finally:
        await env.scheduler.shutdown(timeout=5)


async def test_a_rate_limited_post_waits_for_retry_after_and_retries_once(
    env: Env, content: Content, clock: Clock, slack: FakeSlack, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 1))
    slack.rate_limited, slack.retry_after = 1, "3"
    await env.scheduler.fire(channel.id)
    assert env.waits == [3.0] and len(slack.messages(channel.channel)) == 1
    assert len(slack.called("chat.postMessage")) == 2

    clock.now += timedelta(days=1)
    slack.rate_limited = 2  # still limited after one wait: a passing failure, retried later
    await env.scheduler.fire(channel.id)
    assert env.waits == [3.0, 3.0] and len(slack.called("chat.postMessage")) == 4
    assert db(path, "SELECT status FROM daily_posts ORDER BY id") == [("posted",)]
    clock.now += timedelta(minutes=1)
    await env.scheduler.catch_up()  # the scheduler's minutely job
    assert len(slack.messages(channel.channel)) == 3  # today's question and yesterday's answer
    assert db(path, "SELECT enabled, failures FROM daily_channels") == [(1, 0)]
    assert SlackPublisher(AsyncWebClient()).rate_per_second == 1.0  # Slack: ~1 message/s


async def test_forged_or_unknown_daily_buttons_get_one_private_line(env: Env, path: Path) -> None:
    for value, expected in (
        ("999|A", "This question is no longer available."),
        ("garbage", "This button no longer works."),
        ("1|AB", "This button no longer works."),
    ):
        reply = await click(env.bot, "sb.daily.A", value, user="U0ANA", channel="C0GENERAL")
        assert texts(reply).startswith(expected) and reply["replace_original"] is False
        assert reply["response_type"] == "ephemeral"
    assert attempts(path) == []


async def test_stopping_lets_a_post_in_flight_finish_so_a_restart_never_repeats_it(
    env: Env, content: Content, slack: FakeSlack, path: Path
) -> None:
    channel = await configure(env, channel_for(content, 1))  # due now: posted at start-up
    slack.held["chat.postMessage"] = asyncio.Event()
    starting = asyncio.create_task(env.scheduler.start())
    await slack.wait_for(lambda: bool(slack.called("chat.postMessage")))
    stopping = asyncio.create_task(env.scheduler.shutdown(timeout=5))
    await asyncio.sleep(0)  # one turn of the loop: the stop has begun
    assert not stopping.done()
    slack.held["chat.postMessage"].set()
    await asyncio.wait_for(stopping, 5)
    await asyncio.wait_for(starting, 5)
    await env.scheduler.shutdown(timeout=5)
    assert len(slack.messages(channel.channel)) == 1 and not env.scheduler.running
    assert db(path, "SELECT status FROM daily_posts") == [("posted",)]


def test_posts_and_reveals_escape_content_and_mention_nobody() -> None:
    nasty = "Ping <!here> & <@U0ANA> <https://evil.example|click>"
    card = QuestionCard(
        "q1", "p1", "en", 1, "Ingestion", "1.1", "Ingest", "easy", nasty,
        (("A", nasty), ("B", "fine")), 1,
    )  # fmt: skip
    post = DailyPost(1, 1, "2026-11-27", "q1", "posted", None, None, None)
    option = OptionFeedback("A", nasty, nasty, True, False)
    reveal = DailyReveal(1, "en", "2026-11-27", nasty, ("A",), (option,), (("A", 0),), 0, ())
    for blocks in (question_blocks(post, card), reveal_blocks(reveal)):
        sent = json.dumps(blocks)
        assert "<!here>" not in sent and "<@U0ANA>" not in sent and "<https://evil" not in sent
        assert "&lt;!here&gt; &amp; &lt;@U0ANA&gt;" in sent
    assert "0 (0%)" in json.dumps(reveal_blocks(reveal))  # no answers: no division by zero


@dataclass
class Served:
    """`serve()` in HTTP mode on a real port: the production path, ack first and work after."""

    slack: FakeSlack
    http: aiohttp.ClientSession
    url: str
    db_path: Path

    async def send(self, body: str) -> int:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        async with self.http.post(self.url, data=body, headers=headers) as resp:
            return resp.status

    async def click(self, action_id: str, value: str, state: Any = None) -> dict[str, Any]:
        sent = len(self.slack.responses)
        url = self.slack.response_url(f"s{sent}")
        payload = block_action(action_id, value, user="U0ANA", response_url=url, state=state)
        assert await self.send(payload_form(payload)) == 200
        await self.slack.wait_for(lambda: len(self.slack.responses) > sent)
        return self.slack.responses[sent]

    async def until_posted(self) -> None:
        # The message reaches Slack a moment before the bot records it as posted.
        for _ in range(500):
            if db(self.db_path, "SELECT status FROM daily_posts") == [("posted",)]:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the daily post was never marked posted")


@asynccontextmanager
async def served(
    tmp_path: Path, content: Content, slack: FakeSlack, health_port: int | None = None
) -> AsyncIterator[Served]:
    """A configured channel whose question is due (00:00 UTC today, within a 24-hour grace
    window whatever the time of day), and the bot serving it."""
    config = Settings(
        db_path=str(tmp_path / "serve.db"), slack_bot_token=Secret("xoxb-test"),
        slack_signing_secret=Secret(SECRET), slack_api_url=slack.api_url, daily_grace_hours=24,
        health_port=health_port,
    )  # fmt: skip
    store = await open_store(config.db_path)
    await StudyService(content, store).configure_daily("slack", TEAM, "C0DAILY", "00:00", "UTC")
    await store.close()
    port = free_port()
    serving = Running(settings=config, content=content, http=True, port=port, host="127.0.0.1")
    async with serving, aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/slack/events"
        yield Served(slack, http, url, Path(config.db_path))


async def test_serve_posts_a_missed_question_at_start_without_holding_up_commands(
    tmp_path: Path, content: Content, slack: FakeSlack
) -> None:
    slack.held["chat.postMessage"] = asyncio.Event()
    async with served(tmp_path, content, slack) as bot:
        await slack.wait_for(lambda: bool(slack.called("chat.postMessage")))  # fan-out stuck
        command = slash_command("/progress", "", user="U0ANA", response_url=slack.response_url())
        assert await bot.send(form(command)) == 200
        await slack.wait_for(lambda: bool(slack.responses))
        assert slack.responses[0]["text"] == "Progress of Ana" and slack.messages() == []

        slack.held["chat.postMessage"].set()
        await slack.wait_for(lambda: len(slack.messages("C0DAILY")) == 1)
        await bot.until_posted()
        (message,) = slack.messages("C0DAILY")
        button = elements(message)[-1]  # the last letter's button, or Submit with two ticks
        reply = await bot.click(button["action_id"], button["value"], state=ticked("A", "B"))
        assert reply["replace_original"] is False and reply["response_type"] == "ephemeral"
    with sqlite3.connect(bot.db_path) as conn:
        assert conn.execute("SELECT status FROM daily_posts").fetchall() == [("posted",)]
        assert conn.execute("SELECT source FROM attempts").fetchall() == [("daily",)]


async def test_a_refused_click_gets_one_line_and_a_prompt_ack_in_production_mode(
    tmp_path: Path, content: Content, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async with served(tmp_path, content, slack) as bot:
        await bot.until_posted()
        for value, expected in (
            ("999|A", "This question is no longer available."),
            ("garbage", "This button no longer works."),
        ):
            reply = await bot.click("sb.daily.A", value)
            assert texts(reply).startswith(expected)
        # Exactly one line per click: the click never falls through to the catch-all.
        assert len(slack.responses) == 2
    assert "didn't call ack" not in caplog.text and "no listener for action" not in caplog.text
    assert db(bot.db_path, "SELECT count(*) FROM attempts") == [(0,)]


async def test_a_tampered_quiz_button_gets_one_line_in_production_mode(
    tmp_path: Path, content: Content, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # An error raised within bolt's 10 ms ack poll used to read as "no ack": the click fell
    # through to the catch-all 3 s later, Slack got a 404 (click() asserts a 200) and the
    # member two error lines.
    async with served(tmp_path, content, slack) as bot:
        reply = await bot.click("sb.answer.A", "garbage")
        assert texts(reply).startswith("This button no longer works.")
    assert "didn't call ack" not in caplog.text and "no listener for action" not in caplog.text


async def test_serve_reports_health_and_metrics(
    tmp_path: Path, content: Content, slack: FakeSlack
) -> None:
    port = free_port()
    async with served(tmp_path, content, slack, health_port=port) as bot:
        command = slash_command("/progress", "", user="U0ANA", response_url=slack.response_url())
        assert await bot.send(form(command)) == 200
        await slack.wait_for(lambda: bool(slack.responses))
        await bot.until_posted()
        async with bot.http.get(f"http://127.0.0.1:{port}/healthz") as resp:
            health = await resp.json()
            assert resp.status == 200, health
        async with bot.http.get(f"http://127.0.0.1:{port}/metrics") as resp:
            metrics = await resp.text()
    assert health["checks"]["platform"] == "ok" and health["checks"]["scheduler"] == "ok"
    assert 'studybot_commands_total{command="/progress",platform="slack"} 1.0' in metrics
    assert 'studybot_daily_posts_total{outcome="ok",platform="slack"} 1.0' in metrics
