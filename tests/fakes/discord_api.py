"""A loopback fake of Discord's REST API and gateway, for driving the real discord.py.

It answers what the bot calls (login, command sync, interaction callbacks, follow-ups, channel
messages), records every request, and builds INTERACTION_CREATE payloads the way Discord sends them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.parser
import email.policy
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import WSMsgType, web

__all__ = [
    "APP_ID",
    "BOT_ID",
    "CHANNEL_ID",
    "GUILD_ID",
    "FakeDiscord",
    "Fault",
    "Request",
    "Upload",
    "buttons",
    "feed",
    "feed_request",
    "parse_body",
    "press",
]

APP_ID = 4000000000000001
BOT_ID = 4000000000000002
GUILD_ID = 5000000000000001
CHANNEL_ID = 5000000000000002
TIMESTAMP = "2026-11-27T12:00:00.000000+00:00"


@dataclass
class Upload:
    """A file the bot attached: a multipart part named `files[n]`."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)
    at: float = 0.0  # when it arrived, on the fake's clock


def parse_body(content_type: str, raw: bytes) -> tuple[Any, list[Upload]]:
    """A request's JSON body and its files: JSON as it is, or multipart/form-data with a
    `payload_json` part and one `files[n]` part per file (how discord.py sends attachments)."""
    if not raw:
        return None, []
    if not content_type.startswith("multipart/form-data"):
        return json.loads(raw), []
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    body, files = None, []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if name == "payload_json":
            body = json.loads(data)
        else:
            files.append(
                Upload(str(name), part.get_filename() or "", part.get_content_type(), data)
            )
    return body, files


@dataclass
class Fault:
    """What the fake does instead of answering a matching REST request, `times` times: wait
    `delay` seconds (a slow or hanging Discord) or until `until` is set (a request held until
    the test releases it), then answer `status` with `body` (None: answer normally after that)."""

    match: Callable[[Request], bool]
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1
    until: asyncio.Event | None = None


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py decodes only when Content-Type is exactly application/json (no charset).
    return web.Response(
        status=status,
        body=json.dumps(data),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name.lower().replace(" ", "_"),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def member(user_id: int, name: str, permissions: int = 0) -> dict[str, Any]:
    return {
        "user": user(user_id, name),
        "nick": None,
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


class FakeDiscord:
    """One fake Discord on 127.0.0.1: REST under /api/v10 and a gateway at /gateway."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.by_token: dict[str, dict[str, Any]] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self.interactions: dict[str, dict[str, Any]] = {}
        self.identify: dict[str, Any] | None = None
        self.identified = asyncio.Event()
        self.gateway_events: asyncio.Queue[dict[str, Any] | int] = asyncio.Queue()
        self.bad_tokens: set[str] = set()
        # Channel messages: what the bot posted per channel, and channels that refuse posts
        # with (HTTP status, Discord error code, message).
        self.posted: dict[int, list[dict[str, Any]]] = {}
        self.channel_errors: dict[int, tuple[int, int, str]] = {}
        self._ids = itertools.count(7000000000000001)
        self._changed = asyncio.Condition()
        self._seen = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Faults: injected REST failures, and Discord's rules a slow bot breaks.
        self.faults: list[Fault] = []
        self.answer_within: float | None = None  # Discord: 3 s to answer an interaction
        self.created: dict[str, float] = {}  # interaction id -> when Discord sent it
        self.acknowledged: set[str] = set()  # interactions with a callback: one is allowed
        # Gateway: how often the bot must beat, whether beats are acknowledged, sessions seen.
        self.heartbeat_interval = 45000
        self.ack_heartbeats = True
        self.sessions: list[str] = []  # "identify" or "resume", in order
        self.session_changed = asyncio.Event()
        self.clock: Callable[[], float] = time.monotonic  # stamps each request's `at`

    # -- server -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for _ in self._sockets:
            self.gateway_events.put_nowait(1000)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # -- REST ---------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body, files = parse_body(request.headers.get("Content-Type", ""), raw)
        path = "/" + request.match_info["tail"]
        auth = request.headers.get("Authorization", "")
        record = Request(
            request.method,
            path,
            dict(request.query),
            body,
            dict(request.headers),
            files,
            self.clock(),
        )
        async with self._changed:
            self.requests.append(record)
            self._changed.notify_all()
        if auth.removeprefix("Bot ") in self.bad_tokens:
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        fault = next((f for f in self.faults if f.times > 0 and f.match(record)), None)
        if fault is not None:
            fault.times -= 1
            await asyncio.sleep(fault.delay)
            if fault.until is not None:
                await fault.until.wait()
            if fault.status is not None:
                return _json(fault.body, fault.status, fault.headers)
        if self._too_late(record):
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if self._answered_twice(record):
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        return _json(*self._answer(record))

    def _answered_twice(self, r: Request) -> bool:
        parts = r.path.strip("/").split("/")
        if parts[0] != "interactions" or parts[-1] != "callback":
            return False
        if parts[1] in self.acknowledged:
            return True
        self.acknowledged.add(parts[1])
        return False

    def _too_late(self, r: Request) -> bool:
        """Whether this is the first answer to an interaction, sent after Discord's window."""
        parts = r.path.strip("/").split("/")
        if self.answer_within is None or parts[0] != "interactions":
            return False
        return time.monotonic() - self.created.get(parts[1], time.monotonic()) > self.answer_within

    def _answer(self, r: Request) -> tuple[Any, int]:
        parts = r.path.strip("/").split("/")
        if r.path == "/users/@me":
            return user(BOT_ID, "studybot", bot=True), 200
        if r.path == "/oauth2/applications/@me":
            return self._app_info(), 200
        if r.method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            return [
                {**c, "id": str(self.next_id()), "application_id": str(APP_ID), "version": "1"}
                for c in r.body
            ], 200
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[1], parts[2], r.body, r.files), 200
        if r.method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            return self._channel_message(int(parts[1]), r.body)
        if parts[0] == "webhooks" and r.method in ("POST", "PATCH"):
            message = self._message(r.body, files=r.files)
            self.by_token[parts[2]] = message
            return message, 200
        return {"message": "404: Not Found", "code": 0}, 404

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "studybot",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user(1, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _channel_message(self, channel_id: int, body: dict[str, Any]) -> tuple[Any, int]:
        if channel_id in self.channel_errors:
            status, code, text = self.channel_errors[channel_id]
            return {"message": text, "code": code}, status
        message = self._message(body, channel_id=channel_id)
        self.posted.setdefault(channel_id, []).append(message)
        return message, 200

    def _message(
        self,
        body: dict[str, Any],
        message_id: int | None = None,
        channel_id: int = CHANNEL_ID,
        files: list[Upload] | None = None,
    ) -> dict[str, Any]:
        message = {
            "id": str(message_id or self.next_id()),
            "channel_id": str(channel_id),
            "type": 0,
            "author": user(BOT_ID, "studybot", bot=True),
            "content": body.get("content") or "",
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "flags": body.get("flags", 0),
            "attachments": [self._attachment(f) for f in files or []],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
        }
        self.messages[int(message["id"])] = message
        return message

    def _attachment(self, upload: Upload) -> dict[str, Any]:
        url = f"{self.base}/attachments/{upload.filename}"
        return {
            "id": str(self.next_id()),
            "filename": upload.filename,
            "size": len(upload.data),
            "content_type": upload.content_type,
            "url": url,
            "proxy_url": url,
        }

    def _callback(
        self,
        interaction_id: str,
        token: str,
        body: dict[str, Any],
        files: list[Upload] | None = None,
    ) -> dict[str, Any]:
        kind = body["type"]
        data = body.get("data") or {}
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": self.interactions.get(interaction_id, {}).get("type", 2),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & 64),
            }
        }
        if kind in (4, 7):
            source = self.interactions.get(interaction_id, {}).get("message")
            edited = int(source["id"]) if kind == 7 and source else None
            if edited is not None:
                data = {"flags": source.get("flags", 0), **data}
            message = self._message(data, edited, files=files)
            self.by_token[token] = message
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        return answer

    async def request(self, match: Callable[[Request], bool], timeout: float = 5.0) -> Request:
        """The first request not yet returned that `match` accepts; waits for it to arrive."""

        def find() -> Request | None:
            for i, r in enumerate(self.requests[self._seen :], start=self._seen):
                if match(r):
                    self.requests[i] = dataclasses.replace(r, path="#consumed" + r.path)
                    return r
            return None

        async with self._changed:
            found = await asyncio.wait_for(self._changed.wait_for(find), timeout)
        assert found is not None
        return found

    async def sessions_started(self, count: int, timeout: float = 5.0) -> None:
        """Wait until `count` gateway sessions (identified or resumed) have begun."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.sessions) >= count), timeout
            )

    async def callback(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The body of the bot's response to the interaction `payload`."""
        return (await self.callback_request(payload)).body  # type: ignore[no-any-return]

    async def callback_request(self, payload: dict[str, Any]) -> Request:
        """The bot's whole response to the interaction `payload`: its body and its files."""
        path = f"/interactions/{payload['id']}/{payload['token']}/callback"
        found = await self.request(lambda r: r.path == path)
        assert found.query.get("with_response") in ("1", "true", "True"), found.query
        return found

    async def followup(self, payload: dict[str, Any]) -> dict[str, Any]:
        path = f"/webhooks/{APP_ID}/{payload['token']}"
        found = await self.request(lambda r: r.method == "POST" and r.path == path)
        body: dict[str, Any] = found.body
        return body

    def sent(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The last message Discord stored for the bot's answers to `payload` (for clicks)."""
        return self.by_token[payload["token"]]

    # -- interaction payloads -----------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user_id: int,
        *,
        name: str = "Ana",
        guild: bool = True,
        locale: str = "en-US",
        permissions: int = 0,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel_id = int(message["channel_id"]) if message else CHANNEL_ID
        payload: dict[str, Any] = {
            "id": str(self.next_id()),
            "application_id": str(APP_ID),
            "type": kind,
            "data": data,
            "token": f"itoken-{self.next_id()}",
            "version": 1,
            "locale": locale,
            "channel_id": str(channel_id),
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": str(0x4C00),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)}
            if guild
            else {"1": str(user_id)},
        }
        if guild:
            payload["guild_id"] = str(GUILD_ID)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(GUILD_ID), "locale": "en-US", "features": []}
            payload["member"] = member(user_id, name, permissions)
            payload["context"] = 0
            payload["channel"] = {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "study",
                "position": 0,
                "parent_id": None,
                "nsfw": False,
                "flags": 0,
                "rate_limit_per_user": 0,
                "topic": None,
                "last_message_id": None,
                "permissions": str(permissions or 0x4C00),
            }
        else:
            payload["user"] = user(user_id, name)
            payload["context"] = 1
            payload["channel"] = {"id": str(channel_id), "type": 1}
        if message is not None:
            payload["message"] = message
        self.interactions[payload["id"]] = payload
        self.created[payload["id"]] = time.monotonic()
        return payload

    def slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        user_id: int = 101,
        resolved: dict[str, Any] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 1}
        if options:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        return self._interaction(2, data, user_id, **kw)

    def autocomplete(
        self, name: str, options: list[dict[str, Any]], *, user_id: int = 101, **kw: Any
    ) -> dict[str, Any]:
        data = {"id": str(self.next_id()), "name": name, "type": 1, "options": options}
        return self._interaction(4, data, user_id, **kw)

    def click(
        self, message: dict[str, Any], custom_id: str, *, user_id: int = 101, **kw: Any
    ) -> dict[str, Any]:
        data = {"custom_id": custom_id, "component_type": 2}
        return self._interaction(3, data, user_id, message=message, **kw)

    def select(
        self,
        message: dict[str, Any],
        custom_id: str,
        values: list[str],
        *,
        user_id: int = 101,
        **kw: Any,
    ) -> dict[str, Any]:
        """A member's choice in a string select menu of `message`."""
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return self._interaction(3, data, user_id, message=message, **kw)

    def modal_submit(
        self,
        form: dict[str, Any],
        answers: dict[int, Any],
        *,
        user_id: int = 101,
        **kw: Any,
    ) -> dict[str, Any]:
        """A member's submission of the modal `form` (a type 9 callback's data): `answers` maps
        each input's position to its value (a select's list of values, or a text input's text)."""
        rows = []
        for position, row in enumerate(form["components"]):
            inner = dict(row["component"])
            value = answers.get(position)
            if inner["type"] == 3:
                inner = {"type": 3, "custom_id": inner["custom_id"], "values": value or []}
            else:
                inner = {"type": 4, "custom_id": inner["custom_id"], "value": value or ""}
            rows.append({"type": 18, "id": position + 1, "component": inner})
        data = {"custom_id": form["custom_id"], "components": rows}
        return self._interaction(5, data, user_id, **kw)

    # -- gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            return await self._session(ws)
        finally:
            self._sockets.discard(ws)

    async def _session(self, ws: web.WebSocketResponse) -> web.WebSocketResponse:
        hello = {"heartbeat_interval": self.heartbeat_interval}
        await ws.send_str(json.dumps({"op": 10, "d": hello, "s": None, "t": None}))
        kind = await self._hello(ws)
        if kind is None:
            return ws
        async with self._changed:
            self.sessions.append(kind)
            self.session_changed.set()
            self._changed.notify_all()
        sequence = 1
        if kind == "identify":
            await ws.send_str(json.dumps({"op": 0, "s": 1, "t": "READY", "d": self._ready()}))
        else:
            await ws.send_str(json.dumps({"op": 0, "s": 1, "t": "RESUMED", "d": {}}))
        beats = asyncio.create_task(self._heartbeats(ws))
        try:
            while True:
                event = await self._next_event(beats)
                if event is None:  # the bot hung up
                    return ws
                if isinstance(event, int):  # a close code
                    await ws.close(code=event)
                    return ws
                sequence += 1
                await ws.send_str(json.dumps({"op": 0, "s": sequence, **event}))
        finally:
            beats.cancel()

    async def _hello(self, ws: web.WebSocketResponse) -> str | None:
        """Wait for IDENTIFY (op 2) or RESUME (op 6)."""
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                return None
            frame = json.loads(msg.data)
            if frame["op"] == 2:
                self.identify = frame["d"]
                self.identified.set()
                return "identify"
            if frame["op"] == 6:
                return "resume"
        return None

    async def _heartbeats(self, ws: web.WebSocketResponse) -> None:
        async for msg in ws:
            beat = msg.type is WSMsgType.TEXT and json.loads(msg.data)["op"] == 1
            if beat and self.ack_heartbeats:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))

    async def _next_event(self, beats: asyncio.Task[None]) -> dict[str, Any] | int | None:
        getting = asyncio.ensure_future(self.gateway_events.get())
        await asyncio.wait({getting, beats}, return_when=asyncio.FIRST_COMPLETED)
        if getting.done():
            return getting.result()
        getting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await getting
        return None

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": user(BOT_ID, "studybot", bot=True),
            "guilds": [],
            "session_id": "session-1",
            "resume_gateway_url": self.gateway,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }


async def feed(bot: discord.Client, fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Hand `payload` to discord.py as the gateway would; return the bot's callback body."""
    bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    return await fake.callback(payload)


async def feed_request(bot: discord.Client, fake: FakeDiscord, payload: dict[str, Any]) -> Request:
    """As `feed`, but the whole callback request: its body and the files it carried."""
    bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    return await fake.callback_request(payload)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button of a message or callback data, in order."""
    return [c for row in message.get("components", []) for c in row.get("components", [])]


async def press(
    bot: discord.Client,
    fake: FakeDiscord,
    source: dict[str, Any],
    label: str,
    **kw: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Click the button labelled `label` on the message the bot sent for `source`."""
    message = fake.sent(source)
    button = next(b for b in buttons(message) if b.get("label") == label)
    click = fake.click(message, button["custom_id"], **kw)
    return click, await feed(bot, fake, click)
