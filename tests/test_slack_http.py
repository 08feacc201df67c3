"""The real slack-bolt app over HTTP (aiohttp test server), signed payloads, a loopback Slack."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.shared.health import PrometheusEvents
from adapters.slack import replies
from adapters.slack.app import build_app, web_app
from adapters.slack.http import signed
from adapters.slack.ids import PICK
from adapters.slack.members import MemberDirectory
from bot.content import Content
from bot.logs import RateLimitedLog
from bot.service import StudyService
from bot.services import Services
from bot.store import open_store
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
from tests.ops_support import counted_errors

Extension = Callable[[AsyncApp], None]
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Bot:
    """Sends what Slack would send, signed, and reads what the bot sent back.

    The app runs as in production (acknowledge first, work after) unless a test says otherwise:
    a command or a click returns once its reply has reached the fake's response_url.
    """

    http: TestClient[web.Request, web.Application]
    fake: FakeSlack

    async def post(
        self,
        body: str,
        *,
        content_type: str = FORM,
        timestamp: int | None = None,
        secret: str = SECRET,
    ) -> ClientResponse:
        headers = {"Content-Type": content_type, **sign(secret, body, timestamp)}
        return await self.http.post("/slack/events", data=body.encode(), headers=headers)

    async def replied(self, sent: int) -> dict[str, Any]:
        """The first reply after the `sent` ones, once the work after the ack has sent it."""
        await self.fake.wait_for(lambda: len(self.fake.responses) > sent)
        return self.fake.responses[sent]

    async def command(self, command: str, text: str = "", user: str = "U0ANA") -> dict[str, Any]:
        sent = len(self.fake.responses)
        url = self.fake.response_url(f"c{sent}")
        resp = await self.post(form(slash_command(command, text, user=user, response_url=url)))
        assert resp.status == 200, await resp.text()
        return await self.replied(sent)

    async def click(
        self,
        action_id: str,
        value: str,
        user: str = "U0ANA",
        state: dict[str, Any] | None = None,
        *,
        reply: bool = True,
    ) -> ClientResponse:
        """A button click; with `reply`, returns once the bot's reply has come (`reply()`)."""
        sent = len(self.fake.responses)
        url = self.fake.response_url(f"a{sent}")
        payload = block_action(action_id, value, user=user, response_url=url, state=state)
        resp = await self.post(payload_form(payload))
        if reply and resp.status == 200:
            await self.replied(sent)
        return resp

    async def event(self, event: dict[str, Any]) -> ClientResponse:
        body = {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "event": event,
            "type": "event_callback", "event_id": "Ev1", "event_time": int(time.time()),
        }  # fmt: skip
        return await self.post(json.dumps(body), content_type="application/json")

    def reply(self) -> dict[str, Any]:
        assert self.fake.responses, "the bot sent nothing to response_url"
        return self.fake.responses[-1]


def texts(message: dict[str, Any]) -> str:
    """Every text in a message's blocks, one per line."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(found)


def elements(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def db(path: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        fake.add_user("U0BOB", "Bob <@U0ANA> & <!here>", locale="fr-FR")
        fake.add_user("U0ADA", "Ada", is_admin=True)
        yield fake


@asynccontextmanager
async def running_bot(
    service: StudyService,
    slack: FakeSlack,
    extensions: tuple[Extension, ...] = (),
) -> AsyncIterator[Bot]:
    """The bolt app over HTTP, in production mode: ack first, work after."""
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    app = build_app(
        Services.build(service),
        token="xoxb-test",
        signing_secret=SECRET,
        client=client,
        extensions=extensions,
    )
    async with TestClient(TestServer(web_app(app, SECRET), host="127.0.0.1")) as http:
        yield Bot(http, slack)


@pytest.fixture
async def bot(service: StudyService, slack: FakeSlack) -> AsyncIterator[Bot]:
    async with running_bot(service, slack) as running:
        yield running


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"  # the conftest store's file


def right_letters(service: StudyService, message: dict[str, Any]) -> tuple[str, str]:
    """The question id on a card, and its right letters (from the content, not the bot)."""
    value = elements(message)[-1]["value"]
    qid = value.split("|")[0]
    return qid, ",".join(sorted(service.question(qid).answer))


async def test_quiz_buttons_answer_replaces_the_question_and_counts_once(
    bot: Bot, service: StudyService, db_path: Path
) -> None:
    card = await bot.command("/quiz", "2")
    assert card["response_type"] == "ephemeral" and card["replace_original"] is False
    assert "Domain 2 · Data Store Management" in texts(card)
    buttons = elements(card)
    assert [b["action_id"] for b in buttons] == [f"sb.answer.{x}" for x in "ABCD"]
    qid, right = right_letters(service, card)
    assert qid.startswith("d2.") and all(
        b["value"].endswith(f"|{b['text']['text']}|2") for b in buttons
    )
    lookup = bot.fake.called("users.info")[0]
    assert (lookup["user"], lookup["include_locale"]) == ("U0ANA", "1")

    button = next(b for b in buttons if b["text"]["text"] == right)
    assert (await bot.click(button["action_id"], button["value"])).status == 200
    answer = bot.reply()
    assert answer["replace_original"] is True and answer["response_type"] == "ephemeral"
    shown = texts(answer)
    assert "✅ Right!" in shown and f"Right answer: {right}" in shown
    assert "Domain 2: 100% right over 1 answer." in shown  # the singular, through mrkdwn
    assert all(f"Why {x}." in shown for x in "ABCD")
    assert "Learn more: <https://docs.aws.amazon.com/" in shown
    assert [(e["action_id"], e["value"]) for e in elements(answer)] == [
        ("sb.next", "2"),
        ("sb.report", qid),
    ]

    await bot.click(button["action_id"], button["value"])  # a double click
    assert "it counted once" in texts(bot.reply())
    rows = db(db_path, "SELECT question_id, choice, correct, source FROM attempts")
    assert rows == [(qid, right, 1, "quiz")]
    users = db(db_path, "SELECT platform, community, user, display_name FROM users")
    assert users == [("slack", TEAM, "U0ANA", "Ana")]


async def test_next_question_keeps_the_domain_and_posts_a_new_message(bot: Bot) -> None:
    await bot.command("/quiz", "3")
    assert (await bot.click("sb.next", "3")).status == 200
    card = bot.reply()
    assert card["replace_original"] is False and "Domain 3 ·" in texts(card)


async def answer_right(bot: Bot, service: StudyService, card: dict[str, Any], user: str) -> None:
    _, right = right_letters(service, card)
    button = next(b for b in elements(card) if b["text"]["text"] == right)
    assert (await bot.click(button["action_id"], button["value"], user=user)).status == 200


async def choose_two_card(bot: Bot, service: StudyService) -> dict[str, Any]:
    # Domain 1 has one single and one choose-TWO question; unseen questions come first.
    card = await bot.command("/quiz", "1")
    if elements(card)[0]["type"] == "checkboxes":
        return card
    await answer_right(bot, service, card, "U0ANA")
    return await bot.command("/quiz", "1")


def ticked(*letters: str) -> dict[str, Any]:
    chosen = [{"text": {"type": "plain_text", "text": x}, "value": x} for x in letters]
    return {"values": {"sb.card": {PICK: {"type": "checkboxes", "selected_options": chosen}}}}


async def test_choose_two_uses_checkboxes_and_submit(
    bot: Bot, service: StudyService, db_path: Path
) -> None:
    card = await choose_two_card(bot, service)
    boxes, submit = elements(card)
    assert boxes["type"] == "checkboxes" and [o["value"] for o in boxes["options"]] == list("ABCDE")
    assert submit["action_id"] == "sb.submit" and submit["text"]["text"] == "Submit"
    assert "Pick 2 options, then Submit." in texts(card)
    qid, right = right_letters(service, card)
    sent = len(bot.fake.responses)

    ticking = await bot.click(PICK, "", state=ticked("A"), reply=False)
    assert ticking.status == 200  # ticking a box: ack only
    assert len(bot.fake.responses) == sent

    await bot.click("sb.submit", submit["value"], state=ticked(right[0]))
    refusal = bot.reply()
    assert refusal["replace_original"] is False
    assert "needs exactly 2 different letters" in texts(refusal)
    before = db(db_path, "SELECT count(*) FROM attempts WHERE question_id = ?", qid)

    await bot.click("sb.submit", submit["value"], state=ticked(*right.split(",")))
    assert "✅ Right!" in texts(bot.reply()) and bot.reply()["replace_original"] is True
    after = db(db_path, "SELECT choice, correct FROM attempts WHERE question_id = ?", qid)
    assert before == [(0,)] and after == [(right, 1)]


async def test_language_follows_slack_locale_then_the_members_choice(
    bot: Bot, db_path: Path
) -> None:
    card = await bot.command("/quiz", "", user="U0BOB")
    assert "Domaine" in texts(card)
    assert "Language set to English." in texts(await bot.command("/lang", "en", user="U0BOB"))
    assert "Progress of" in texts(await bot.command("/progress", user="U0BOB"))
    assert "Usage: /lang en or /lang fr" in texts(await bot.command("/lang", "de", user="U0BOB"))
    assert db(db_path, "SELECT locale FROM users WHERE user = 'U0BOB'") == [("en",)]


async def test_progress_and_leaderboard_escape_names_and_mention_nobody(
    bot: Bot, service: StudyService
) -> None:
    card = await bot.command("/quiz", "4", user="U0BOB")
    await answer_right(bot, service, card, "U0BOB")

    progress = await bot.command("/progress", user="U0BOB")
    assert progress["blocks"][0]["text"]["text"] == "Progression de Bob <@U0ANA> & <!here>"
    assert "`█" in texts(progress) and "D4 Sécurité" in texts(progress)

    board = await bot.command("/leaderboard", "4 week", user="U0ANA")
    shown = texts(board)
    assert "1. Bob &lt;@U0ANA&gt; &amp; &lt;!here&gt; — 1 right / 1" in shown
    assert "You have no answers here yet" in shown
    mrkdwn = [x for x in _text_objects(board) if x["type"] == "mrkdwn"]
    assert mrkdwn and all(x["verbatim"] is True for x in mrkdwn)
    assert "<@" not in json.dumps([x["text"] for x in mrkdwn]) and "<!" not in shown


def _text_objects(message: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


async def test_lessons_list_open_and_quiz_on_it(bot: Bot) -> None:
    listing = texts(await bot.command("/lesson"))
    assert "`intro-exam`" in listing and "/lesson &lt;id or words&gt;" in listing
    lesson = await bot.command("/lesson", "task-1.1")
    assert lesson["blocks"][0]["text"]["text"] == "Perform data ingestion"
    assert "<https://docs.aws.amazon.com/streams/latest/dev/introduction.html>" in texts(lesson)
    (quiz,) = elements(lesson)
    assert (quiz["action_id"], quiz["value"]) == ("sb.next", "1.1")
    await bot.click(quiz["action_id"], quiz["value"])
    assert "Domain 1 ·" in texts(bot.reply())
    assert "No lesson matches quantum" in texts(await bot.command("/lesson", "quantum"))


async def test_app_home_shows_progress_and_the_workspace_leaderboard(bot: Bot) -> None:
    assert (
        await bot.event({"type": "app_home_opened", "user": "U0ANA", "tab": "messages"})
    ).status == 200
    assert bot.fake.called("views.publish") == []
    resp = await bot.event(
        {"type": "app_home_opened", "user": "U0ANA", "tab": "home", "channel": "D1"}
    )
    assert resp.status == 200
    await bot.fake.wait_for(lambda: bool(bot.fake.called("views.publish")))
    (published,) = bot.fake.called("views.publish")
    assert published["user_id"] == "U0ANA" and published["view"]["type"] == "home"
    shown = texts(published["view"])
    assert "Progress of Ana" in shown and "Leaderboard — all domains, all time" in shown
    assert "No answers yet. Be the first: /quiz." in shown


async def test_bad_input_gets_a_short_ephemeral_line_and_counts_nothing(
    bot: Bot, clock: Clock, db_path: Path
) -> None:
    cases = [
        (await bot.command("/leaderboard", "7"), "Domain must be 1, 2, 3 or 4."),
        (await bot.command("/quiz", "banana"), "banana is neither a domain (1 to 4) nor a task"),
        (await bot.command("/bogus"), "Unknown command /bogus."),
    ]
    for reply, expected in cases:
        assert texts(reply).startswith(expected) and reply["response_type"] == "ephemeral"

    card = await bot.command("/quiz", "2")
    value = elements(card)[0]["value"]
    clicks = [
        ("sb.unknown", "x", "This button no longer works."),
        ("sb.answer.A", "garbage", "This button no longer works."),
        ("sb.answer.A", "d9.9-gone|6a0b2c00abcd|A|", "This question is no longer available."),
        ("sb.next", "9", "This button no longer works."),
    ]
    for action_id, forged, expected in clicks:
        assert (await bot.click(action_id, forged)).status == 200
        assert texts(bot.reply()).startswith(expected)
        assert bot.reply()["replace_original"] is False
    clock.now += timedelta(hours=25)
    await bot.click("sb.answer.A", value)
    assert texts(bot.reply()) == "This question has expired. Type /quiz for a new one."
    assert db(db_path, "SELECT count(*) FROM attempts") == [(0,)]


@pytest.mark.parametrize(
    ("body", "timestamp", "secret"),
    [
        ("command=%2Fquiz&text=&user_id=U0ANA&team_id=T0TEAM", None, "wrong-secret"),
        ("command=%2Fquiz&text=&user_id=U0ANA&team_id=T0TEAM", int(time.time()) - 600, SECRET),
        ("payload=%7Bnot+json", None, "wrong-secret"),
    ],
    ids=["bad-signature", "stale-timestamp", "unsigned-garbage"],
)
async def test_bad_or_stale_signatures_get_401_and_no_work(
    bot: Bot, db_path: Path, body: str, timestamp: int | None, secret: str
) -> None:
    resp = await bot.post(body, timestamp=timestamp, secret=secret)
    assert resp.status == 401 and await resp.json() == {"error": "invalid request"}
    assert bot.fake.calls == [] and bot.fake.responses == []
    assert db(db_path, "SELECT count(*) FROM users") == [(0,)]


def test_a_signature_is_good_for_five_minutes_either_way_and_not_a_second_more() -> None:
    body, stamp = "command=%2Fquiz&text=", 1_800_000_000
    signature = sign(SECRET, body, stamp)["X-Slack-Signature"]
    for skew, accepted in ((0, True), (300, True), (301, False), (-300, True), (-301, False)):
        assert signed(SECRET.encode(), str(stamp), signature, body.encode(), stamp + skew) is (
            accepted
        ), skew


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("payload=%7Bnot+json", FORM), ("[1, 2]", "application/json"), ("{oops", "application/json")],
)
async def test_signed_malformed_bodies_are_refused_with_a_warning(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    resp = await bot.post(body, content_type=content_type)
    assert resp.status == 400
    assert "not a Slack payload" in caplog.text and "Traceback" not in caplog.text
    assert bot.fake.calls == []


async def test_url_verification_is_answered_by_bolt(bot: Bot) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    resp = await bot.post(body, content_type="application/json")
    assert resp.status == 200 and await resp.json() == {"challenge": "c-123"}


async def test_a_block_action_without_a_user_gets_a_polite_line(bot: Bot) -> None:
    payload = block_action("sb.next", "", user="U0ANA", response_url=bot.fake.response_url())
    del payload["user"]
    resp = await bot.post(payload_form(payload))
    assert resp.status == 200
    assert texts(bot.reply()) == "Slack sent something studybot could not read; please try again."


async def test_an_expired_response_url_and_a_failing_api_are_logged_not_raised(
    bot: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The line is rate-limited per process (one a minute): start from a fresh process's limiter,
    # whatever other tests in this process logged.
    monkeypatch.setattr(replies, "_unsent", RateLimitedLog(replies.log))
    bot.fake.expired_urls = True
    await bot.command("/progress")  # returns once the fake has the reply it answers 404 to
    bot.fake.expired_urls = False
    # users.info fails for a member never seen: still served, in English, and asked again
    assert "Progress of u0zed" in texts(await bot.command("/progress", user="U0ZED"))
    assert "users.info failed for U0ZED" in caplog.text
    # The bot read the 404 while this second command made its round trips.
    assert "response_url answered 404" in caplog.text
    bot.fake.add_user("U0ZED", "Zed", locale="fr-FR")
    assert "Progression de Zed" in texts(await bot.command("/progress", user="U0ZED"))


async def test_a_members_profile_is_looked_up_once_per_few_minutes(bot: Bot) -> None:
    for _ in range(3):
        await bot.command("/progress")
    assert len(bot.fake.called("users.info")) == 1
    bot.fake.add_user("U0BOB", "Bob")
    await bot.command("/progress", user="U0BOB")
    assert [c["user"] for c in bot.fake.called("users.info")] == ["U0ANA", "U0BOB"]


async def test_unexpected_failures_go_to_the_one_error_handler(
    tmp_path: Path, content: Content, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    store = await open_store(tmp_path / "closing.db")
    async with running_bot(StudyService(content, store), slack) as bot:
        slack.failing.add("views.publish")
        resp = await bot.event({"type": "app_home_opened", "user": "U0ANA", "tab": "home"})
        assert resp.status == 200  # an event is acknowledged at once; its failure is ours
        await slack.wait_for(lambda: bool(slack.called("views.publish")))

        await store.close()  # the database is gone: the member still gets one polite line
        reply = await bot.command("/progress")
        assert texts(reply) == "Something went wrong on our side; please try again."
        assert "/progress failed" in caplog.text
    assert "event_callback failed" in caplog.text and "fatal_error" in caplog.text


async def test_a_real_failure_counts_once_in_studybot_errors_total(
    tmp_path: Path, content: Content, slack: FakeSlack
) -> None:
    store = await open_store(tmp_path / "closing.db")
    events = PrometheusEvents()
    async with running_bot(StudyService(content, store, events=events), slack) as bot:
        await store.close()  # the database goes away under the bot
        reply = await bot.command("/progress")
        assert texts(reply) == "Something went wrong on our side; please try again."
    ((platform, _), count), *others = counted_errors(events).items()
    assert (platform, count, others) == ("slack", 1.0, [])


async def test_every_command_in_the_manifest_is_handled(bot: Bot) -> None:
    from tests.test_slack_manifest import manifest_commands

    for name in manifest_commands():
        reply = await bot.command(name, user="U0ADA")
        assert "Unknown command" not in texts(reply), name
        assert reply["response_type"] == "ephemeral"


async def test_extensions_run_before_the_catch_alls(
    service: StudyService, slack: FakeSlack
) -> None:
    async def daily_click(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(text="daily listener ran")

    def daily(app: AsyncApp) -> None:
        app.action("daily.answer")(daily_click)

    async with running_bot(service, slack, (daily,)) as bot:
        await bot.click("daily.answer", "x")
        assert bot.reply()["text"] == "daily listener ran"
        await bot.click("daily.other", "x")
        assert texts(bot.reply()).startswith("This button no longer works.")


async def test_a_remembered_profile_is_asked_again_after_its_time(slack: FakeSlack) -> None:
    now = [0.0]
    directory = MemberDirectory(ttl=300, clock=lambda: now[0])
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    assert (await directory.info(client, "T1", "U0ANA"))["real_name"] == "Ana"
    slack.add_user("U0ANA", "Ana B.")  # renamed in Slack
    now[0] = 299
    assert (await directory.info(client, "T1", "U0ANA"))["real_name"] == "Ana"
    now[0] = 301
    assert (await directory.info(client, "T1", "U0ANA"))["real_name"] == "Ana B."
    assert len(slack.called("users.info")) == 2
