"""The health endpoint: `/healthz` (JSON, 200 or 503) and `/metrics` (Prometheus text format).

Off unless HEALTH_PORT is set. `/healthz` runs every probe (a real query on the database, the
platform connection, the daily scheduler) with a timeout; `/metrics` serves the counters that
`PrometheusEvents` keeps from what the core reports through `bot.events.Events`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.exposition import choose_encoder

from bot.config import Settings
from bot.errors import ConfigError
from bot.store import Store

__all__ = [
    "HealthServer",
    "Probe",
    "Probes",
    "PrometheusEvents",
    "database_probe",
    "serve_health",
]

log = logging.getLogger(__name__)

Probe = Callable[[], bool | Awaitable[bool]]
PROBE_TIMEOUT = 2.0
# Answer latency: a group commit takes milliseconds; seconds mean the disk or a lock is stuck.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class PrometheusEvents:
    """`bot.events.Events` as Prometheus metrics, in a registry of its own (not the global one)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "studybot_commands", "Commands received.", ["platform", "command"], registry=r
        )
        self.answers = Counter(
            "studybot_answers",
            "Answers recorded; result is correct, wrong or repeat (not counted again).",
            ["source", "result"],
            registry=r,
        )
        self.errors = Counter("studybot_errors", "Errors met.", ["platform", "kind"], registry=r)
        self.daily_posts = Counter(
            "studybot_daily_posts", "Daily question posts.", ["platform", "outcome"], registry=r
        )
        self.answer_seconds = Histogram(
            "studybot_answer_seconds",
            "Time to check, record and score one answer.",
            ["source"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        ProcessCollector(registry=r)

    def command(self, platform: str, name: str) -> None:
        self.commands.labels(platform, name).inc()

    def answered(self, source: str, correct: bool, counted: bool, seconds: float) -> None:
        result = "repeat" if not counted else "correct" if correct else "wrong"
        self.answers.labels(source, result).inc()
        self.answer_seconds.labels(source).observe(seconds)

    def error(self, platform: str, kind: str) -> None:
        self.errors.labels(platform, kind).inc()

    def daily_posted(self, platform: str, ok: bool) -> None:
        self.daily_posts.labels(platform, "ok" if ok else "failed").inc()


@dataclass(frozen=True)
class Probes:
    """What /healthz checks; each probe returns (or awaits to) True when healthy.

    `scheduler` is None in a process that runs no daily scheduler (reported as "off", not failing).
    """

    database: Probe
    platform: Probe
    scheduler: Probe | None = None


def database_probe(store: Store) -> Probe:
    """A real query on the database (each SQLite connection, or the PostgreSQL pool), and the
    last answers could be written."""
    return store.probe


async def _run_probe(probe: Probe, timeout: float) -> str:
    try:
        result = probe()
        if inspect.isawaitable(result):
            result = await asyncio.wait_for(result, timeout)
    except TimeoutError:
        return "timeout"
    except Exception as e:
        log.warning("health probe failed: %s", e.__class__.__name__)
        return "error"
    return "ok" if result else "down"


class HealthServer:
    """The aiohttp server behind /healthz and /metrics."""

    def __init__(
        self, probes: Probes, registry: CollectorRegistry, *, timeout: float = PROBE_TIMEOUT
    ) -> None:
        self.probes = probes
        self.registry = registry
        self.timeout = timeout
        self.started = time.monotonic()
        self.runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def check(self) -> dict[str, str]:
        """Each check's state: ok, down, error, timeout, or off (no scheduler here)."""
        named = {"database": self.probes.database, "platform": self.probes.platform}
        if self.probes.scheduler is not None:
            named["scheduler"] = self.probes.scheduler
        states = await asyncio.gather(*(_run_probe(p, self.timeout) for p in named.values()))
        checks = {"process": "ok", **dict(zip(named, states, strict=True))}
        checks.setdefault("scheduler", "off")
        return checks

    async def healthz(self, request: web.Request) -> web.Response:
        checks = await self.check()
        healthy = all(state in ("ok", "off") for state in checks.values())
        body = {
            "status": "ok" if healthy else "unhealthy",
            "checks": checks,
            "uptime_seconds": round(time.monotonic() - self.started, 1),
        }
        return web.Response(
            text=json.dumps(body), status=200 if healthy else 503, content_type="application/json"
        )

    async def metrics(self, request: web.Request) -> web.Response:
        # The format the scraper asks for: Prometheus text (generate_latest) unless it wants
        # OpenMetrics.
        encode, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encode(self.registry), headers={"Content-Type": content_type})

    async def start(self, host: str, port: int) -> None:
        # No access log: a probe every few seconds would drown the bot's own lines.
        self.runner = web.AppRunner(self.app(), handle_signals=False, access_log=None)
        await self.runner.setup()
        try:
            await web.TCPSite(self.runner, host, port).start()
        except OSError as e:
            await self.close()
            raise ConfigError(
                f"HEALTH_PORT={port} cannot be used on {host}: {e.strerror or e}"
            ) from None

    @property
    def port(self) -> int:
        """The port actually bound (useful when started on port 0)."""
        assert self.runner is not None and self.runner.addresses
        return int(self.runner.addresses[0][1])

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def serve_health(
    settings: Settings, probes: Probes, events: PrometheusEvents | None = None
) -> HealthServer | None:
    """Start /healthz and /metrics on HEALTH_HOST:HEALTH_PORT; None (nothing started) if unset.

    Pass the same `events` the StudyService reports to, so /metrics shows its counters.
    Close the returned server on the way out (`await server.close()`).
    """
    if settings.health_port is None:
        return None
    server = HealthServer(probes, (events or PrometheusEvents()).registry)
    await server.start(settings.health_host, settings.health_port)
    log.info(
        "health endpoint on http://%s:%d/healthz and /metrics",
        settings.health_host,
        settings.health_port,
    )
    return server
