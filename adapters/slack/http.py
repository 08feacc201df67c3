"""HTTP mode's endpoint: check the signature on the raw bytes, then the payload's shape, then bolt.

Slack signs `v0:<timestamp>:<body bytes>` with the app's signing secret. Everything here is
checked before bolt sees the request, so that nothing a stranger can send (a malformed timestamp,
a body that is not UTF-8, a charset Slack never uses, JSON nested thousands deep, actions that are
not a list) reaches code that would raise: each gets a 401 or 400 and one warning line.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import resource
import time
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.logs import RateLimitedLog

__all__ = [
    "EVENTS_PATH",
    "MAX_BODY",
    "MAX_SKEW",
    "Listener",
    "connection_limit",
    "malformed",
    "signed",
    "web_app",
]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's payloads are a few kilobytes
MAX_SKEW = 300  # seconds: Slack's own limit, in the past and in the future
MAX_DEPTH = 32  # JSON nesting: Slack's payloads stay under ten
# A client has this long to send a request's head, from connecting or from its last answer, and
# then this long for the body: a slow or silent client cannot hold a connection.
HEAD_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
LINGER = 2.0
TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")

Clock = Callable[[], float]


def signed(secret: bytes, timestamp: str, signature: str, body: bytes, now: float) -> bool:
    """Whether Slack signed this body, and recently: computed on the raw bytes."""
    if not TIMESTAMP.match(timestamp) or not SIGNATURE.match(signature):
        return False
    if abs(now - int(timestamp)) > MAX_SKEW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _depth(text: str) -> int:
    """How deeply a JSON text nests (an upper bound: brackets inside strings count too)."""
    deepest = level = 0
    for char in text:
        if char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest


def _payload(text: str, content_type: str) -> dict[str, Any] | None:
    """The request's payload as a dict, or None when it is not one Slack would send."""
    if content_type == "application/json":
        raw = text
    else:
        form = parse_qs(text, keep_blank_values=True)
        if "payload" not in form:
            return {k: v[0] for k, v in form.items()}  # a slash command
        raw = form["payload"][0]
    if _depth(raw) > MAX_DEPTH:
        return None
    try:
        found = json.loads(raw)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _string(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def malformed(payload: dict[str, Any]) -> str | None:
    """What is wrong with a signed payload's shape, or None when studybot can handle it."""
    kind = payload.get("type")
    if "command" in payload:
        fields = ("command", "team_id", "user_id")
        return None if all(_string(payload.get(f)) for f in fields) else "command fields"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions"
        if not all(isinstance(a, dict) and _string(a.get("action_id")) for a in actions):
            return "actions"
        return None  # a missing user gets the polite line, from the listener
    if kind in ("view_submission", "view_closed"):
        return None if isinstance(payload.get("view"), dict) else "view"
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not _string(event.get("type")):
            return "event"
        if event.get("type") == "app_home_opened" and not _string(event.get("user")):
            return "event.user"
    return None


class Endpoint:
    """POST /slack/events: verify, check, then hand the request to bolt."""

    def __init__(
        self,
        app: AsyncApp,
        secret: str,
        clock: Clock = time.time,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.app = app
        self.body_timeout = body_timeout
        self.secret = secret.encode()
        self.clock = clock
        self.refused = RateLimitedLog(log)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await request.read()  # bounded by the application's client_max_size (413)
        except ConnectionError:  # the client hung up: there is no one to answer
            self.refused.warning("gone", "a client hung up before sending its whole request")
            return web.Response(status=400)
        except TimeoutError:
            self.refused.warning("slow", "closed a client that sent its body too slowly")
            slow = web.json_response({"error": "request timeout"}, status=408)
            slow.force_close()  # the rest of the body may still come: do not read it
            return slow
        headers = request.headers
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not signed(self.secret, timestamp, signature, body, self.clock()):
            self.refused.warning("unsigned", "refused a request with no valid Slack signature")
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._bad("a body that is not UTF-8")
        payload = _payload(text, request.content_type)
        if payload is None:
            return self._bad("a body that is not a Slack payload")
        problem = malformed(payload)
        if problem is not None:
            return self._bad(f"a payload with malformed {problem}")
        bolt = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers={k.lower(): headers.getall(k) for k in headers},
        )
        answer = await self.app.async_dispatch(bolt)
        sent = [(name, value) for name, values in answer.headers.items() for value in values]
        return web.Response(status=answer.status, body=answer.body.encode(), headers=sent)

    def _bad(self, what: str) -> web.Response:
        self.refused.warning(what, f"refused a signed request: {what}")
        return web.json_response({"error": "malformed payload"}, status=400)


def web_app(
    app: AsyncApp, signing_secret: str, path: str = EVENTS_PATH, body_timeout: float = BODY_TIMEOUT
) -> web.Application:
    """The aiohttp application for HTTP mode."""
    application = web.Application(client_max_size=MAX_BODY)
    endpoint = Endpoint(app, signing_secret, body_timeout=body_timeout)
    application.router.add_post(path, endpoint.handle)
    return application


def connection_limit() -> int:
    """How many clients may be connected at once: below the process's file-descriptor limit,
    with room left for what the bot itself opens and for one burst of accepts."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    # A quarter kept free (at least 64): the database, /healthz, calls to the Slack API, and the
    # clients accepted in one burst before the extra ones are closed (see ACCEPT_BACKLOG).
    return max(16, soft - max(64, soft // 4))


# asyncio accepts up to `backlog` clients per wake-up before any of them is turned away: each
# holds a descriptor meanwhile, so the burst must fit in the room connection_limit() leaves.
ACCEPT_BACKLOG = 16


class Listener:
    """HTTP mode's server: the endpoint on host:port, with a connection limit and the head and
    body timeouts; a client that disconnects early costs one rate-limited debug line."""

    def __init__(
        self,
        application: web.Application,
        limit: int | None = None,
        head_timeout: float = HEAD_TIMEOUT,
    ) -> None:
        self.limit = limit if limit is not None else connection_limit()
        # aiohttp closes a connection that has not sent a whole request head this long after
        # connecting or after its last answer (it calls the wait "keep-alive").
        # After an answer sent before the whole body was read (a 408, a 413), aiohttp reads
        # and drops the rest for a while (lingering) so that the client sees the answer: short.
        self.runner = web.AppRunner(
            application,
            handle_signals=False,
            access_log=None,
            keepalive_timeout=head_timeout,
            lingering_time=min(LINGER, head_timeout),
        )
        self.server: asyncio.Server | None = None
        self.port = 0
        self.turned_away = RateLimitedLog(log)

    async def start(self, host: str, port: int) -> None:
        await self.runner.setup()
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self._protocol, host, port, backlog=ACCEPT_BACKLOG)
        self.port = self.server.sockets[0].getsockname()[1]

    def _protocol(self) -> asyncio.BaseProtocol:
        server = self.runner.server
        assert server is not None
        if len(server.connections) >= self.limit:
            self.turned_away.warning(
                "full", "turned a client away: %d connections are open", self.limit
            )
            return _Refuse()
        return server()

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        await self.runner.cleanup()


class _Refuse(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        cast(asyncio.Transport, transport).abort()
