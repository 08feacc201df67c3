"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode (default) or HTTP mode with signing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta

from aiohttp import web
from aiohttp.typedefs import Middleware
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.health import Probes, PrometheusEvents, database_probe, serve_health
from adapters.lifecycle import install_shutdown
from adapters.slack_daily_post import SlackPublisher, daily_buttons
from adapters.slack_handlers import register, register_fallbacks
from adapters.slack_members import PLATFORM, MemberDirectory
from bot.config import Settings
from bot.content import Content
from bot.daily import DailyService
from bot.errors import ConfigError
from bot.service import StudyService
from bot.store import open_store
from scheduler.daily import DailyScheduler

__all__ = ["EVENTS_PATH", "build_app", "run_slack", "serve", "web_app"]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Extension = Callable[[AsyncApp], None]


def build_app(
    service: StudyService,
    *,
    token: str,
    signing_secret: str,
    client: AsyncWebClient | None = None,
    api_url: str | None = None,
    process_before_response: bool = False,
    extensions: Iterable[Extension] = (),
) -> AsyncApp:
    """The bolt app around a service. `extensions` add listeners (e.g. the daily post's
    buttons) before the catch-alls. Keep `process_before_response` False outside tests:
    Slack wants the ack within 3 seconds and the work after it."""
    # bolt warns when it gets a client while SLACK_BOT_TOKEN is set: give it one or the other.
    app = AsyncApp(
        name="studybot",
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

    register(app, service)
    for extend in extensions:
        extend(app)
    register_fallbacks(app, service)
    return app


def _guard(verifier: SignatureVerifier) -> Middleware:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        # bolt parses the body before it checks the signature, and a body it cannot parse
        # escapes as a 500: check the signature first, then refuse what cannot be read.
        raw = await request.text()
        if not verifier.is_valid(
            raw,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
        ):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            parsed = parse_body(raw, request.content_type)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            log.warning("refused a signed request whose body is not a Slack payload")
            return web.json_response({"error": "malformed payload"}, status=400)
        return await handler(request)

    return guard


def web_app(app: AsyncApp, signing_secret: str, path: str = EVENTS_PATH) -> web.Application:
    """The aiohttp application for HTTP mode: bolt's own, behind a signature and body guard."""
    application = app.web_app(path=path)
    application.middlewares.append(_guard(SignatureVerifier(signing_secret)))
    return application


async def _serve_http(
    app: AsyncApp, secret: str, host: str, port: int, stop: asyncio.Event, ready: asyncio.Event
) -> None:
    runner = web.AppRunner(web_app(app, secret), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("Slack HTTP mode listening on %s:%d%s", host, port, EVENTS_PATH)
        ready.set()
        await stop.wait()
    finally:
        await runner.cleanup()


async def _serve_socket(
    handler: AsyncSocketModeHandler, stop: asyncio.Event, ready: asyncio.Event
) -> None:
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack Socket Mode connected")
        ready.set()
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def serve(
    settings: Settings,
    content: Content,
    *,
    http: bool,
    port: int,
    host: str = "0.0.0.0",
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    extensions: Iterable[Extension] = (),
) -> int:
    """Run until `stop` is set (or SIGTERM): open the store, serve Slack and post the daily
    questions, close the store. `ready` is set once Slack can reach the bot (listening, or the
    socket connected); `extensions` add listeners, as in `build_app`."""
    settings.require("slack_bot_token", "slack_signing_secret" if http else "slack_app_token")
    stop = stop or asyncio.Event()
    # `docker stop` sends SIGTERM, Ctrl-C SIGINT: stop cleanly so queued answers are committed.
    shutdown = install_shutdown(asyncio.get_running_loop(), stop.set)
    try:
        return await _serve(
            settings, content, http, host, port, stop, ready or asyncio.Event(), tuple(extensions)
        )
    finally:
        shutdown.remove()


async def _start_daily(scheduler: DailyScheduler, ready: asyncio.Event) -> None:
    # Its own task, started once Slack can reach the bot: the start-up catch-up may post in
    # many channels at about one message a second, and commands must not wait for it.
    await ready.wait()
    try:
        await scheduler.start()
    except Exception:
        log.exception("the daily question scheduler did not start; commands still work")


async def _stop_daily(scheduler: DailyScheduler, starting: asyncio.Task[None]) -> None:
    # Shut down before cancelling the start-up: a post in flight finishes and is marked, so a
    # restart never makes it again; cancelling first could cut it off mid-request.
    await scheduler.shutdown()
    starting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await starting
    await scheduler.shutdown()  # in case start-up reached APScheduler's start meanwhile


async def _serve(
    settings: Settings,
    content: Content,
    http: bool,
    host: str,
    port: int,
    stop: asyncio.Event,
    ready: asyncio.Event,
    extensions: tuple[Extension, ...],
) -> int:
    assert settings.slack_bot_token is not None
    store = await open_store(settings.db_path)
    health = None
    try:
        secret = settings.slack_signing_secret.reveal() if settings.slack_signing_secret else ""
        events = PrometheusEvents()
        daily = DailyService(StudyService(content, store, events=events))
        app = build_app(
            daily.study,
            token=settings.slack_bot_token.reveal(),
            signing_secret=secret,
            api_url=settings.slack_api_url,
            extensions=(daily_buttons(daily), *extensions),
        )
        scheduler = DailyScheduler(
            daily,
            {PLATFORM: SlackPublisher(app.client)},
            grace=timedelta(hours=settings.daily_grace_hours),
            clock=daily.study.clock,
        )
        socket = None
        if not http:
            if settings.slack_app_token is None:
                raise ConfigError("SLACK_APP_TOKEN is not set")
            socket = AsyncSocketModeHandler(app, settings.slack_app_token.reveal())
        probes = Probes(
            database=database_probe(store),
            platform=_connected(socket, ready),
            scheduler=lambda: scheduler.running,
        )
        health = await serve_health(settings, probes, events)
        starting = asyncio.create_task(_start_daily(scheduler, ready))
        try:
            if socket is None:
                await _serve_http(app, secret, host, port, stop, ready)
            else:
                await _serve_socket(socket, stop, ready)
        finally:
            await _stop_daily(scheduler, starting)
    finally:
        if health is not None:
            await health.close()
        await store.close()
    return 0


def _connected(
    socket: AsyncSocketModeHandler | None, ready: asyncio.Event
) -> Callable[[], Awaitable[bool]]:
    """The health probe for the platform: the socket is connected, or HTTP is listening."""

    async def probe() -> bool:
        if socket is None:
            return ready.is_set()
        return ready.is_set() and bool(await socket.client.is_connected())

    return probe


def run_slack(settings: Settings, content: Content, *, http: bool, port: int) -> int:
    """Serve Slack until interrupted; returns the exit code (blocking)."""
    try:
        return asyncio.run(serve(settings, content, http=http, port=port))
    except KeyboardInterrupt:
        log.info("Slack adapter stopped")
        return 0
