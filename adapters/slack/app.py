"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode (default) or HTTP mode with signing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.auth import check_token
from adapters.slack.buttons import register_button_fallback, register_buttons
from adapters.slack.commands import register_command_fallback, register_commands
from adapters.slack.daily import SlackPublisher, daily_buttons
from adapters.slack.exam import register_exam
from adapters.slack.http import EVENTS_PATH, Listener, web_app
from adapters.slack.members import PLATFORM, MemberDirectory
from adapters.slack.replies import on_error
from adapters.slack.report import register_report
from bot.config import Settings
from bot.services import Services

__all__ = ["EVENTS_PATH", "SlackFace", "build_app", "web_app"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Extension = Callable[[AsyncApp], None]


def build_app(
    services: Services,
    *,
    token: str,
    signing_secret: str,
    client: AsyncWebClient | None = None,
    api_url: str | None = None,
    process_before_response: bool = False,
    extensions: Iterable[Extension] = (),
) -> AsyncApp:
    """The bolt app around the services. `extensions` add listeners before the catch-alls.
    Keep `process_before_response` False outside tests: Slack wants the ack within 3 seconds
    and the work after it."""
    # bolt warns when it gets a client while SLACK_BOT_TOKEN is set: give it one or the other.
    app = AsyncApp(
        # Not "studybot": bolt names its logger after the app and sets its level, which would
        # silence the `studybot.*` loggers below it.
        name="studybot-slack",
        client=client,
        token=None if client is not None else token,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
    )
    if client is None and api_url:
        app.client.base_url = api_url  # every Web API call, Socket Mode's included
    directory = MemberDirectory()

    @app.middleware
    async def members(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context["members"] = directory  # read by member_session
        await next()

    app.error(on_error)
    register_commands(app, services)
    register_buttons(app, services.study)
    register_exam(app, services)
    register_report(app, services.study)
    daily_buttons(services.daily)(app)
    for extend in extensions:
        extend(app)
    register_command_fallback(app, services.study)
    register_button_fallback(app, services.study)
    return app


class SlackFace:
    """Slack for the runtime: Socket Mode (default) or HTTP mode, and daily posts."""

    platform = PLATFORM

    def __init__(
        self,
        services: Services,
        settings: Settings,
        *,
        http: bool,
        port: int,
        host: str | None = None,
        extensions: Iterable[Extension] = (),
    ) -> None:
        settings.require("slack_bot_token", "slack_signing_secret" if http else "slack_app_token")
        assert settings.slack_bot_token is not None
        self.secret = (
            settings.slack_signing_secret.reveal() if settings.slack_signing_secret else ""
        )
        self.app = build_app(
            services,
            token=settings.slack_bot_token.reveal(),
            signing_secret=self.secret,
            api_url=settings.slack_api_url,
            extensions=extensions,
        )
        self.publisher = SlackPublisher(self.app.client)
        self.http, self.host, self.port = http, host or settings.slack_host, port
        self.socket: AsyncSocketModeHandler | None = None
        if not http:
            assert settings.slack_app_token is not None
            self.socket = AsyncSocketModeHandler(self.app, settings.slack_app_token.reveal())
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()

    async def healthy(self) -> bool:
        """The socket is connected, or HTTP is listening."""
        if self.socket is None:
            return self.ready.is_set()
        return self.ready.is_set() and bool(await self.socket.client.is_connected())

    def stop_taking_commands(self) -> None:
        return None  # the core answers "restarting" until the connection closes

    async def disconnect(self) -> None:
        self._stop.set()

    async def serve(self) -> int:
        await check_token(self.app)  # before any request: none ever waits on auth.test
        if self.socket is None:
            await self._serve_http()
        else:
            await self._serve_socket(self.socket)
        return 0

    async def _serve_http(self) -> None:
        listener = Listener(web_app(self.app, self.secret))
        try:
            await listener.start(self.host, self.port)
            self.port = listener.port
            log.info("Slack HTTP mode listening on %s:%d%s", self.host, self.port, EVENTS_PATH)
            self.ready.set()
            await self._stop.wait()
        finally:
            await listener.close()

    async def _serve_socket(self, socket: AsyncSocketModeHandler) -> None:
        try:
            await socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode connected")
            self.ready.set()
            await self._stop.wait()
        finally:
            await socket.close_async()  # type: ignore[no-untyped-call]
