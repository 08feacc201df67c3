"""A loopback stand-in for Slack: the Web API, `response_url` and the Socket Mode websocket.

Everything it receives is recorded; tests wait on a condition instead of sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

__all__ = ["FakeSlack", "block_action", "fake_slack", "sign", "slash_command"]

BOT_USER = "UBOT"
TEAM = "T0TEAM"


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeSlack:
    """State of the fake: users it knows, and every call, response and ack it received."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    expired_urls: bool = False
    failing: set[str] = field(default_factory=set)
    failing_error: str = "fatal_error"  # what a failing method answers
    hold_users_info: asyncio.Event | None = None
    held: dict[str, asyncio.Event] = field(default_factory=dict)  # method -> released when set
    missing_channels: set[str] = field(default_factory=set)  # chat.postMessage: channel_not_found
    rate_limited: int = 0  # how many of the next chat.postMessage calls get a 429
    retry_after: str = "2"
    posted: list[dict[str, Any]] = field(default_factory=list)
    server: TestServer | None = None
    socket: web.WebSocketResponse | None = None
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/respond/{name}"

    def add_user(self, user: str, name: str, locale: str = "en-US", **flags: Any) -> None:
        self.users[user] = {
            "id": user,
            "team_id": TEAM,
            "name": name.lower(),
            "real_name": name,
            "locale": locale,
            "is_admin": False,
            "is_owner": False,
            "profile": {"display_name": name, "real_name": name},
            **flags,
        }

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        async def until() -> None:
            async with self.changed:
                await self.changed.wait_for(check)

        await asyncio.wait_for(until(), timeout)

    async def _note(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    # -- Web API ---------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(await request.post())
        return params

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params))
        await self._note()
        if method == "users.info" and self.hold_users_info is not None:
            await self.hold_users_info.wait()
        if method in self.held:
            await self.held[method].wait()
        if method == "chat.postMessage" and self.rate_limited:
            self.rate_limited -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": self.retry_after},
            )
        answer = self._answer(method, params)
        await self._note()  # what it recorded while answering (a posted message) is visible now
        return web.json_response(answer)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Channel messages the fake accepted (not the refused or rate-limited ones)."""
        return [m for m in self.posted if channel is None or m.get("channel") == channel]

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method in self.failing:
            return {"ok": False, "error": self.failing_error}
        if method == "auth.test":
            return {
                "ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "studybot",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": "BBOT",
            }  # fmt: skip
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.server.port}/link"}  # type: ignore[union-attr]
        if method == "chat.postMessage":
            channel = str(params.get("channel"))
            if channel in self.missing_channels:
                return {"ok": False, "error": "channel_not_found"}
            ts = f"{1_700_000_000 + len(self.calls)}.000100"
            self.posted.append({**params, "ts": ts})
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V1", **params.get("view", {})}}
        return {"ok": True}

    async def respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"url": request.path, **body})
        await self._note()
        if self.expired_urls:
            return web.Response(status=404, text="expired_url")
        return web.Response(text="ok")

    # -- Socket Mode -----------------------------------------------------------------------

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.socket = ws
        await self._note()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
                await self._note()
        return ws

    async def push(self, envelope: dict[str, Any]) -> None:
        assert self.socket is not None
        await self.socket.send_str(json.dumps(envelope))


@asynccontextmanager
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """Run the fake on 127.0.0.1 for the duration of a test."""
    fake = FakeSlack()
    application = web.Application()
    application.add_routes(
        [
            web.route("*", "/api/{method}", fake.api),
            web.post("/respond/{name}", fake.respond),
            web.get("/link", fake.link),
        ]
    )
    fake.server = TestServer(application, host="127.0.0.1")
    await fake.server.start_server()
    try:
        yield fake
    finally:
        if fake.socket is not None:
            await fake.socket.close()
        await fake.server.close()


# -- what Slack sends ----------------------------------------------------------------------


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request-signing headers for a body (v0 HMAC-SHA256 over `v0:ts:body`)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command(
    command: str, text: str, *, user: str, response_url: str, channel: str = "C0GENERAL"
) -> dict[str, str]:
    return {
        "token": "legacy", "team_id": TEAM, "team_domain": "fake", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": user.lower(),
        "command": command, "text": text, "api_app_id": "A0APP",
        "is_enterprise_install": "false", "response_url": response_url, "trigger_id": "1.2.3",
    }  # fmt: skip


def block_action(
    action_id: str,
    value: str,
    *,
    user: str,
    response_url: str,
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0APP",
        "token": "legacy",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL", "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": TEAM, "domain": "fake"},
        "channel": {"id": "C0GENERAL", "name": "general"},
        "response_url": response_url,
        "state": state or {"values": {}},
        "actions": [
            {"action_id": action_id, "block_id": "sb.card", "type": "button", "value": value, "action_ts": "1.3"}
        ],
    }  # fmt: skip


def form(fields: dict[str, str]) -> str:
    return urlencode(fields)


def payload_form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
