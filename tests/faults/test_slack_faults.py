"""Hostile or broken input to Slack HTTP mode, and a Slack API that fails: a clear answer for each,
one warning line, no traceback, nothing counted."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app, web_app
from adapters.slack.auth import check_token
from bot.errors import ConfigError
from bot.service import StudyService
from bot.services import Services
from tests.fakes.slack_api import (
    TEAM,
    FakeSlack,
    fake_slack,
    form,
    payload_form,
    sign,
    slash_command,
)
from tests.test_slack_http import SECRET, Bot, db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        yield fake


def app_for(service: StudyService, slack: FakeSlack, **kw: Any) -> AsyncApp:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
    return build_app(
        Services.build(service), token="xoxb-test", signing_secret=SECRET, client=client, **kw
    )


@pytest.fixture
async def http(service: StudyService, slack: FakeSlack) -> AsyncIterator[Bot]:
    app = app_for(service, slack)  # production mode: ack first, work after
    await check_token(app)
    async with TestClient(TestServer(web_app(app, SECRET), host="127.0.0.1")) as client:
        yield Bot(client, slack)


def calm(caplog: pytest.LogCaptureFixture) -> None:
    """No ERROR line and no traceback anywhere in the log."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert not any(r.exc_info for r in caplog.records)


async def raw(bot: Bot, body: bytes, headers: dict[str, str]) -> int:
    resp = await bot.http.post("/slack/events", data=body, headers=headers)
    return resp.status


def command_body() -> str:
    return form(slash_command("/progress", "", user="U0ANA", response_url="http://127.0.0.1:9/x"))


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": "1e9", "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é" * 8},
        {"X-Slack-Request-Timestamp": str(int(time.time()) + 3600), "X-Slack-Signature": "v0=0"},
        {},
    ],
)
async def test_unsigned_requests_get_401_and_one_calm_line(
    http: Bot, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        assert await raw(http, command_body().encode(), {"Content-Type": FORM, **headers}) == 401
    calm(caplog)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%ff%fe\xff\xfe", FORM),  # not UTF-8
        (command_body().encode(), "application/x-www-form-urlencoded; charset=utf-16"),
        (command_body().encode(), "application/x-www-form-urlencoded; charset=klingon"),
    ],
)
async def test_signed_bodies_that_cannot_be_read_get_a_clear_status(
    http: Bot, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A signature on the raw bytes is checked first; a declared charset is never trusted.
    headers = {"Content-Type": content_type, **sign(SECRET, body.decode("latin-1"))}
    signed_raw = {**headers, **_sign_bytes(body)}
    with caplog.at_level(logging.INFO):
        status = await raw(http, body, signed_raw)
    assert status in (200, 400)
    calm(caplog)


def _sign_bytes(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _block(actions: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ANA", "team_id": TEAM},
        "actions": actions, "trigger_id": "1.2.3", **extra,
    }  # fmt: skip


MALFORMED: list[tuple[str, str]] = [
    (payload_form({"type": "block_actions", "x": json.loads("[" * 900 + "]" * 900)}), FORM),
    ("payload=" + "%5B" * 5000 + "%5D" * 5000, FORM),
    (payload_form(_block([])), FORM),
    (payload_form(_block("sb.answer.A")), FORM),
    (payload_form(_block([1, 2, 3])), FORM),
    (payload_form({"type": "view_submission", "team": {"id": TEAM}, "view": "x"}), FORM),
    (json.dumps({"type": "event_callback", "team_id": TEAM, "event": "x"}), "application/json"),
    (
        json.dumps(
            {
                "type": "event_callback",
                "team_id": TEAM,
                "event": {"type": "app_home_opened", "user": 5, "tab": "home"},
            }
        ),
        "application/json",
    ),
    ("[1, 2]", "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_signed_but_malformed_payloads_get_400_and_one_calm_line(
    http: Bot, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        status = await raw(
            http, body.encode(), {"Content-Type": content_type, **sign(SECRET, body)}
        )
    assert status == 400
    assert sum(r.levelno == logging.WARNING for r in caplog.records) == 1
    calm(caplog)


@pytest.mark.parametrize("response_url", [None, "not a url", "http://127.0.0.1:9/gone"])
async def test_a_bad_response_url_is_one_warning_and_nothing_breaks(
    http: Bot, slack: FakeSlack, response_url: str | None, caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:  # fmt: skip
    fields = slash_command("/quiz", "2", user="U0ANA", response_url=response_url or "")
    if response_url is None:
        del fields["response_url"]
    body = form(fields)
    with caplog.at_level(logging.INFO):
        assert await raw(http, body.encode(), {"Content-Type": FORM, **sign(SECRET, body)}) == 200
        for _ in range(100):  # the work after the ack (slack_sdk retries a refused connection)
            if any(r.levelno == logging.WARNING for r in caplog.records):
                break
            await asyncio.sleep(0.1)
    calm(caplog)
    assert any(r.levelno == logging.WARNING for r in caplog.records)


async def test_acks_never_wait_on_auth_test_once_the_token_is_checked(
    http: Bot, slack: FakeSlack
) -> None:
    slack.held["auth.test"] = asyncio.Event()  # Slack's API hangs from now on
    body = command_body()
    began = time.monotonic()
    assert await raw(http, body.encode(), {"Content-Type": FORM, **sign(SECRET, body)}) == 200
    assert time.monotonic() - began < 1.0
    slack.held["auth.test"].set()


async def test_a_refused_token_stops_start_up_with_one_line(
    service: StudyService, slack: FakeSlack
) -> None:
    slack.failing.add("auth.test")  # Slack answers ok: false
    slack.failing_error = "invalid_auth"
    with pytest.raises(ConfigError) as refused:
        await check_token(app_for(service, slack))
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in str(refused.value)
    assert "xoxb" not in str(refused.value)


async def test_an_unreachable_api_is_retried_with_backoff(
    service: StudyService, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(
        Services.build(service), token="xoxb-test", signing_secret=SECRET,
        client=AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/"),
    )  # fmt: skip
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:  # Slack comes back
            app.client.base_url = slack.api_url

    with caplog.at_level(logging.WARNING):
        assert await check_token(app, sleep=sleep) == TEAM
    assert waits == [1.0, 2.0, 4.0]
    assert len(caplog.records) == 3 and not any(r.exc_info for r in caplog.records)


async def test_simultaneous_requests_from_a_new_member_share_one_users_info(
    http: Bot, slack: FakeSlack
) -> None:
    slack.hold_users_info = asyncio.Event()
    body = command_body()
    sends = [
        raw(http, body.encode(), {"Content-Type": FORM, **sign(SECRET, body)}) for _ in range(50)
    ]
    assert set(await asyncio.gather(*sends)) == {200}
    await asyncio.sleep(0.2)
    slack.hold_users_info.set()
    await slack.wait_for(lambda: len(slack.called("users.info")) >= 1)
    await asyncio.sleep(0.2)  # every request got its answer from that one lookup
    assert len(slack.called("users.info")) == 1


async def test_a_quiz_button_dated_in_the_future_is_refused(
    http: Bot, slack: FakeSlack, tmp_path: Path
) -> None:
    future = f"{int(time.time()) + 3600:08x}abcd"
    url = slack.response_url("f1")
    payload = _block(
        [{"action_id": "sb.answer.A", "value": f"d2.1-sample-1|{future}|A|", "type": "button"}],
        response_url=url,
    )
    body = payload_form(payload)
    assert await raw(http, body.encode(), {"Content-Type": FORM, **sign(SECRET, body)}) == 200
    await slack.wait_for(lambda: bool(slack.responses))
    assert slack.responses[-1]["text"].startswith("This button is not valid.")
    assert db(tmp_path / "test.db", "SELECT count(*) FROM attempts") == [(0,)]
