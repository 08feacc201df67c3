"""The one runtime every bot process runs: it builds what the process needs and owns its life.

It opens the store, builds the study and daily services, the metrics and the health endpoint,
asks a platform package for its face (connection, handlers, daily publisher), starts the daily
scheduler once members can reach the bot, and stops everything in one order on a signal:

1. stop taking commands (the face stops reading; the core answers "restarting"),
2. finish the answers in flight (each is acknowledged only once committed),
3. stop the daily scheduler (a post in flight finishes and is recorded),
4. disconnect from the platform,
5. close the store (queued answers are committed) and the health endpoint.

Platform packages never import this module, nor the scheduler: they supply a `Face`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot.config import Settings
from bot.content import Content
from bot.events import Events, NullEvents
from bot.memory import Memory
from bot.service import StudyService
from bot.services import Services
from bot.store import Store, open_store
from studybot.signals import install_shutdown

if TYPE_CHECKING:
    # Loaded only when used: the terminal bot starts without aiohttp, Prometheus or APScheduler.
    from adapters.shared.health import HealthServer
    from scheduler.daily import DailyScheduler, Publisher

__all__ = ["Face", "FaceFactory", "Runtime", "open_configured_store"]

log = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0  # seconds for the answers in flight, then for the daily posts in flight


class Face(Protocol):
    """What a platform package supplies to the runtime."""

    @property
    def platform(self) -> str: ...

    @property
    def publisher(self) -> Publisher | None:
        """Posts daily questions in the face's channels; None: no daily posts."""
        ...

    @property
    def ready(self) -> asyncio.Event:
        """Set once members can reach the bot and daily posts can be sent."""
        ...

    async def serve(self) -> int:
        """Serve members until `disconnect` (or the end of input); returns the exit code."""
        ...

    def stop_taking_commands(self) -> None: ...
    async def disconnect(self) -> None: ...
    def healthy(self) -> bool | Awaitable[bool]: ...


FaceFactory = Callable[[Services], Face]


async def open_configured_store(settings: Settings, background: bool = True) -> Store:
    """PostgreSQL when STUDYBOT_DATABASE_URL is set, else the SQLite file (STUDYBOT_DB)."""
    if settings.database_url is not None:
        from bot.pg_store import open_pg_store  # asyncpg loads only for PostgreSQL

        return await open_pg_store(settings.database_url.reveal())
    return await open_store(settings.db_path, background_checkpoints=background)


class Runtime:
    """One bot process: `await Runtime(settings, content).run(factory)` until it is stopped."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        *,
        clock: Callable[[], datetime] | None = None,
        daily_posts: bool = True,
        signals: bool = True,
    ) -> None:
        self.settings = settings
        self.content = content
        self.clock = clock or (lambda: datetime.now(UTC))
        self.daily_posts = daily_posts
        self.signals = signals
        self.stopping = asyncio.Event()
        self.services: Services | None = None
        self.scheduler: DailyScheduler | None = None
        self.health: HealthServer | None = None

    def stop(self) -> None:
        """Ask the process to stop, as SIGTERM does."""
        self.stopping.set()

    async def run(self, make_face: FaceFactory) -> int:
        """Open the store, serve the face until it ends or a stop is asked for; the exit code."""
        store = await open_configured_store(self.settings)
        try:
            return await self._run(store, make_face)
        finally:
            await store.close()

    async def _run(self, store: Store, make_face: FaceFactory) -> int:
        events = self._events()
        memory = Memory(self.settings.retention)
        study = StudyService(self.content, store, events=events, clock=self.clock, memory=memory)
        self.services = Services.build(study)
        face = make_face(self.services)
        self.scheduler = self._scheduler(face)
        shutdown = install_shutdown(asyncio.get_running_loop(), self.stop) if self.signals else None
        try:
            self.health = await self._health(store, face, events)
            return await self._serve(face)
        finally:
            if shutdown is not None:
                shutdown.remove()
            if self.health is not None:
                await self.health.close()

    def _events(self) -> Events:
        # Metrics only where they can be read: prometheus_client loads with the endpoint.
        if self.settings.health_port is None:
            return NullEvents()
        from adapters.shared.health import PrometheusEvents

        return PrometheusEvents()

    def _scheduler(self, face: Face) -> DailyScheduler | None:
        if face.publisher is None or not self.daily_posts or self.services is None:
            return None
        from scheduler.daily import DailyScheduler

        return DailyScheduler(
            self.services.daily,
            {face.platform: face.publisher},
            grace=timedelta(hours=self.settings.daily_grace_hours),
            clock=self.clock,
        )

    async def _health(self, store: Store, face: Face, events: Events) -> HealthServer | None:
        if self.settings.health_port is None:
            return None
        from adapters.shared.health import Probes, PrometheusEvents, database_probe, serve_health

        assert isinstance(events, PrometheusEvents)
        scheduler = self.scheduler
        probes = Probes(
            database=database_probe(store),
            platform=face.healthy,
            scheduler=(lambda: scheduler.running) if scheduler is not None else None,
        )
        return await serve_health(self.settings, probes, events)

    async def _serve(self, face: Face) -> int:
        serving = asyncio.create_task(face.serve(), name="studybot-face")
        starting = asyncio.create_task(self._start_daily(face), name="studybot-daily-start")
        stopping = asyncio.create_task(self.stopping.wait())
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        await self._stop(face, starting)
        return await serving

    async def _start_daily(self, face: Face) -> None:
        # Its own task, once members can reach the bot: the start-up catch-up may post in many
        # channels, and commands must not wait for it.
        if self.scheduler is None:
            return
        await face.ready.wait()
        try:
            await self.scheduler.start()
        except Exception:
            log.exception("the daily question scheduler did not start; commands still work")

    async def _stop(self, face: Face, starting: asyncio.Task[None]) -> None:
        """The shutdown order, written once (see the module's docstring)."""
        assert self.services is not None
        face.stop_taking_commands()
        self.services.study.stop_taking_work()
        await self.services.study.drain(STOP_TIMEOUT)
        if self.scheduler is not None:
            # Shut down before cancelling the start-up: a post in flight finishes and is marked,
            # so a restart never makes it again; cancelling first could cut it off mid-request.
            await self.scheduler.shutdown(STOP_TIMEOUT)
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        if self.scheduler is not None:
            await self.scheduler.shutdown(
                STOP_TIMEOUT
            )  # in case start-up reached APScheduler's start
        await face.disconnect()
