"""The Slack face in the runtime, end to end: Socket Mode over a loopback websocket, and HTTP
mode on a real port.

Both run the production path (no process_before_response): ack first, work after.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.app import SlackFace
from bot.config import Secret, Settings
from bot.content import Content
from bot.services import Services
from studybot.runtime import Runtime
from tests.conftest import FIXTURE_CONTENT
from tests.fakes.slack_api import (
    FakeSlack,
    block_action,
    fake_slack,
    form,
    sign,
    slash_command,
)

SECRET = "serve-test-secret"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana", locale="fr-FR")
        yield fake


def settings(tmp_path: Path, fake: FakeSlack) -> Settings:
    return Settings(
        db_path=str(tmp_path / "slack.db"),
        slack_bot_token=Secret("xoxb-test"),
        slack_app_token=Secret("xapp-test"),
        slack_signing_secret=Secret(SECRET),
        slack_api_url=fake.api_url,
    )


class Running:
    """The runtime around a Slack face, as a task; stopped and awaited on exit."""

    def __init__(
        self, *, settings: Settings, content: Content, http: bool, port: int, host: str = "0.0.0.0"
    ) -> None:
        self.runtime = Runtime(settings, content, signals=False)
        self.face: SlackFace | None = None
        self.options = {"http": http, "port": port, "host": host}
        self.settings = settings
        self.task: asyncio.Task[int] | None = None

    def _face(self, services: Services) -> SlackFace:
        self.face = SlackFace(services, self.settings, **self.options)  # type: ignore[arg-type]
        return self.face

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.runtime.run(self._face))
        for _ in range(1000):
            if self.task.done() or (self.face is not None and self.face.ready.is_set()):
                break
            await asyncio.sleep(0.01)
        assert self.face is not None and self.face.ready.is_set(), (
            self.task.exception() if self.task.done() else "not ready"
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.runtime.stop()
        assert self.task is not None
        assert await asyncio.wait_for(self.task, 10) == 0


async def test_socket_mode_quiz_and_answer_over_a_loopback_websocket(
    tmp_path: Path, content: Content, slack: FakeSlack
) -> None:
    config = settings(tmp_path, slack)
    async with Running(settings=config, content=content, http=False, port=0):
        assert slack.called("apps.connections.open")
        command = slash_command("/quiz", "2", user="U0ANA", response_url=slack.response_url("s1"))
        await slack.push({"envelope_id": "e1", "type": "slash_commands", "payload": command})
        await slack.wait_for(lambda: bool(slack.responses) and {"envelope_id": "e1"} in slack.acks)
        card = slack.responses[-1]
        assert "Domaine 2" in card["text"] and card["response_type"] == "ephemeral"

        button = card["blocks"][-1]["elements"][0]
        click = block_action(
            button["action_id"],
            button["value"],
            user="U0ANA",
            response_url=slack.response_url("s2"),
        )
        await slack.push({"envelope_id": "e2", "type": "interactive", "payload": click})
        await slack.wait_for(lambda: len(slack.responses) == 2 and len(slack.acks) == 2)
        assert slack.acks == [{"envelope_id": "e1"}, {"envelope_id": "e2"}]
        assert slack.responses[-1]["replace_original"] is True

    with sqlite3.connect(config.db_path) as db:
        rows = db.execute(
            "SELECT u.user, a.choice FROM attempts a JOIN users u ON u.id = a.user_id"
        )
        assert rows.fetchall() == [("U0ANA", "A")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_http_mode_acks_before_the_work_and_sends_the_work_after(
    tmp_path: Path, content: Content, slack: FakeSlack
) -> None:
    config = settings(tmp_path, slack)
    port = free_port()
    slack.hold_users_info = asyncio.Event()  # the work cannot finish until the test says so
    running = Running(settings=config, content=content, http=True, port=port, host="127.0.0.1")
    async with running, aiohttp.ClientSession() as http:
        body = form(
            slash_command("/progress", "", user="U0ANA", response_url=slack.response_url("h1"))
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
        url = f"http://127.0.0.1:{port}/slack/events"
        async with http.post(url, data=body, headers=headers) as resp:
            assert resp.status == 200 and await resp.text() == ""
        assert slack.responses == [] and slack.called("users.info")  # acked, work still waiting
        slack.hold_users_info.set()
        await slack.wait_for(lambda: bool(slack.responses))
        assert slack.responses[0]["text"] == "Progression de Ana"

        async with http.post(
            url, data=body, headers={**headers, "X-Slack-Signature": "v0=00"}
        ) as bad:
            assert bad.status == 401
        assert len(slack.responses) == 1


async def test_the_studybot_slack_process_serves_then_stops_cleanly_on_sigterm(
    tmp_path: Path, slack: FakeSlack
) -> None:
    db = tmp_path / "e2e.db"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("SLACK_", "STUDYBOT_"))}
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    env.update(
        STUDYBOT_DB=str(db),
        STUDYBOT_CONTENT_DIR=str(FIXTURE_CONTENT),
        SLACK_BOT_TOKEN="xoxb-e2e-secret",
        SLACK_APP_TOKEN="xapp-e2e-secret",
        SLACK_API_URL=slack.api_url,
    )
    studybot = str(Path(sys.executable).parent / "studybot")
    proc = await asyncio.create_subprocess_exec(
        studybot, "slack", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        await slack.wait_for(lambda: slack.socket is not None, timeout=30)
        command = slash_command("/lesson", "", user="U0ANA", response_url=slack.response_url("p1"))
        await slack.push({"envelope_id": "p1", "type": "slash_commands", "payload": command})
        await slack.wait_for(lambda: bool(slack.responses) and len(slack.acks) == 1)
        assert slack.responses[0]["text"] == "Leçons"
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert "Traceback" not in log and "e2e-secret" not in log
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT user, locale FROM users").fetchall() == [("U0ANA", None)]
