"""Slack HTTP mode against clients that are slow, silent, numerous or gone: each is cut off in
bounded time, new clients and /healthz still get through, and the log stays calm."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.auth import check_token
from adapters.slack.http import Listener, connection_limit, web_app
from bot.service import StudyService
from tests.fakes.slack_api import FakeSlack, fake_slack, form, sign, slash_command
from tests.faults.test_slack_faults import app_for, calm
from tests.ops_support import STUDYBOT, clean_env, free_port
from tests.test_slack_http import SECRET

HEAD = 0.5  # seconds: the timeouts, short for the tests (10 s in production)
BODY = 0.5
LIMIT = 40


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack() as fake:
        fake.add_user("U0ANA", "Ana")
        yield fake


@pytest.fixture
async def listener(service: StudyService, slack: FakeSlack) -> AsyncIterator[Listener]:
    app = app_for(service, slack)
    await check_token(app)
    served = Listener(web_app(app, SECRET, body_timeout=BODY), limit=LIMIT, head_timeout=HEAD)
    await served.start("127.0.0.1", 0)
    yield served
    await served.close()


async def connect(listener: Listener) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", listener.port)


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """What the server sent before it closed the connection (a reset counts as closed); fails
    if it kept the connection open."""
    async with asyncio.timeout(seconds):
        try:
            return await reader.read()
        except ConnectionError:  # reset, or a broken pipe
            return b""


def signed_command(response_url: str = "http://127.0.0.1:9/x") -> bytes:
    body = form(slash_command("/progress", "", user="U0ANA", response_url=response_url))
    head = "".join(f"{k}: {v}\r\n" for k, v in sign(SECRET, body).items())
    return (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n{head}\r\n{body}"
    ).encode()


async def test_a_client_that_never_finishes_its_headers_is_cut_off(listener: Listener) -> None:
    reader, writer = await connect(listener)
    started = time.monotonic()
    writer.write(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Slow: ")
    with contextlib.suppress(ConnectionError):
        for _ in range(20):  # a byte now and then, as slowloris does: it buys no more time
            await asyncio.sleep(HEAD / 4)
            writer.write(b"X")
            await writer.drain()
    assert await closed_within(reader, 3 * HEAD) == b""
    assert time.monotonic() - started < 3 * HEAD
    writer.close()


async def test_a_silent_client_is_cut_off(listener: Listener) -> None:
    reader, writer = await connect(listener)
    started = time.monotonic()
    await closed_within(reader, 3 * HEAD)
    assert time.monotonic() - started >= HEAD * 0.9
    writer.close()


async def test_a_client_that_never_finishes_its_body_gets_408(
    listener: Listener, caplog: pytest.LogCaptureFixture
) -> None:
    reader, writer = await connect(listener)
    request = signed_command()
    writer.write(request[: len(request) - 20])  # the head and most of the body
    answer = await closed_within(reader, 3 * BODY)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert "sent its body too slowly" in caplog.text
    calm(caplog)
    writer.close()


async def test_at_the_connection_limit_new_clients_are_turned_away(
    listener: Listener, caplog: pytest.LogCaptureFixture
) -> None:
    held = [await connect(listener) for _ in range(LIMIT)]
    await asyncio.sleep(0.05)
    reader, writer = await connect(listener)
    assert await closed_within(reader, 1) == b""  # turned away at once
    writer.close()
    turned = [r for r in caplog.records if "turned a client away" in r.getMessage()]
    assert len(turned) == 1
    for r, _ in held:  # the silent ones are cut off; the places are free again
        await closed_within(r, 3 * HEAD)
    reader, writer = await connect(listener)
    writer.write(signed_command())
    answer = await closed_within(reader, 5)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    writer.close()
    for _, w in held:
        w.close()
    calm(caplog)


def test_the_limit_stays_below_the_file_descriptor_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert 16 <= connection_limit() <= max(16, soft - 32)


async def test_health_answers_while_more_clients_hold_connections_than_descriptors_allow(
    tmp_path: Path, slack: FakeSlack
) -> None:
    """A real process with 256 file descriptors, 400 clients holding connections open."""
    port, health = free_port(), free_port()
    env = clean_env(
        STUDYBOT_DB=str(tmp_path / "s.db"), SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack.api_url, HEALTH_PORT=str(health),
    )  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        STUDYBOT, "slack", "--http", "--port", str(port), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)),
    )  # fmt: skip
    held: list[asyncio.StreamWriter] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            await until_healthy(http, health)
            for _ in range(400):
                with contextlib.suppress(OSError, TimeoutError):
                    async with asyncio.timeout(1):
                        held.append((await asyncio.open_connection("127.0.0.1", port))[1])
            # Within the session's 5 s timeout: a starved event loop would raise here.
            async with http.get(f"http://127.0.0.1:{health}/healthz") as resp:
                assert resp.status == 200
    finally:
        for writer in held:
            writer.close()
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    log = err.decode()
    assert proc.returncode == 0, log
    assert log.count("turned a client away") == 1, log
    assert "Traceback" not in log and "Too many open files" not in log, log


async def until_healthy(http: aiohttp.ClientSession, port: int) -> None:
    for _ in range(200):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                if resp.status == 200:
                    return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never became healthy")


async def test_clients_that_hang_up_mid_request_leave_a_calm_log(
    listener: Listener, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    request = signed_command(slack.response_url())
    for n in range(40):
        _, writer = await connect(listener)
        # Half hang up in the middle of the body, half before the acknowledgement.
        writer.write(request if n % 2 else request[:-20])
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.transport.abort()
    await asyncio.sleep(0.5)
    calm(caplog)
    gone = [r for r in caplog.records if r.name in ("adapters.slack.http", "aiohttp.server")]
    assert len(gone) <= 2, [r.getMessage() for r in gone]
