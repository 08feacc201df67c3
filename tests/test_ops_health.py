"""/healthz and /metrics on loopback: a real console process, and the server's failure states."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.shared.health import (
    HealthServer,
    Probes,
    PrometheusEvents,
    database_probe,
    serve_health,
)
from bot.config import Settings
from bot.content import Content
from bot.errors import ConfigError
from bot.events import Events
from bot.service import StudyService
from bot.store import SqliteStore, open_store
from bot.views import UserRef
from tests.ops_support import STUDYBOT, clean_env, free_port, read_until, studybot


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a /metrics page, parsed by prometheus_client's own parser."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_running_console_answers_healthz_and_metrics_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(STUDYBOT_DB=str(tmp_path / "h.db"), HEALTH_PORT=str(port))
    proc = subprocess.Popen(
        [STUDYBOT, "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdin is not None
    base = f"http://127.0.0.1:{port}"
    try:
        read_until(proc, "Welcome")
        status, kind, body = _get(f"{base}/healthz")
        assert (status, kind) == (200, "application/json; charset=utf-8")
        health = json.loads(body)
        assert health["status"] == "ok"
        assert health["checks"] == {
            "process": "ok",
            "database": "ok",
            "platform": "ok",
            "scheduler": "off",
        }
        proc.stdin.write("/quiz 2\nB\n/bogus-command\n")
        proc.stdin.flush()
        read_until(proc, "Unknown command")
        status, kind, text = _get(f"{base}/metrics")
        assert (status, kind) == (200, "text/plain; version=0.0.4; charset=utf-8")
        samples = _samples(text)
        quiz = frozenset({("platform", "console"), ("command", "/quiz")})
        unknown = frozenset({("platform", "console"), ("command", "unknown")})
        assert samples[("studybot_commands_total", quiz)] == 1
        assert samples[("studybot_commands_total", unknown)] == 1
        answers = {k: v for k, v in samples.items() if k[0] == "studybot_answers_total"}
        assert sum(answers.values()) == 1
        assert samples[("studybot_answer_seconds_count", frozenset({("source", "quiz")}))] == 1
        assert ("process_cpu_seconds_total", frozenset()) in samples
        request = urllib.request.Request(
            f"{base}/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            assert r.headers["Content-Type"].startswith("application/openmetrics-text")
            assert r.read().decode().endswith("# EOF\n")
        checked = studybot("healthcheck", env=env)
        assert checked.returncode == 0 and json.loads(checked.stdout)["status"] == "ok"
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
    # Stopped with the bot: nothing listens any more, and the healthcheck says so.
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/healthz", timeout=5)
    down = studybot("healthcheck", env=env)
    assert down.returncode == 1 and "did not answer" in down.stderr


def test_healthcheck_without_a_port_says_the_endpoint_is_off() -> None:
    out = studybot("healthcheck")
    assert out.returncode == 1
    assert out.stderr == "healthcheck: the health endpoint is off (HEALTH_PORT is not set)\n"


class Running:
    """A HealthServer on an ephemeral loopback port, queried with aiohttp's client."""

    def __init__(self, probes: Probes, events: PrometheusEvents, timeout: float = 2.0) -> None:
        self.server = HealthServer(probes, events.registry, timeout=timeout)

    async def __aenter__(self) -> Running:
        await self.server.start("127.0.0.1", 0)
        self.session = aiohttp.ClientSession(f"http://127.0.0.1:{self.server.port}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()
        await self.server.close()

    async def metrics(self) -> str:
        async with self.session.get("/metrics") as r:
            return await r.text()

    async def healthz(self) -> tuple[int, dict[str, object]]:
        async with self.session.get("/healthz") as r:
            return r.status, await r.json()


async def test_healthz_is_503_naming_what_failed(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "h.db")
    connected = True
    never = asyncio.Event()

    async def stuck() -> bool:
        await never.wait()
        return True

    def broken() -> bool:
        raise RuntimeError("scheduler gone")

    probes = Probes(database=database_probe(store), platform=lambda: connected, scheduler=broken)
    async with Running(probes, PrometheusEvents()) as running:
        status, body = await running.healthz()
        assert status == 503
        assert body["status"] == "unhealthy"
        assert body["checks"] == {
            "process": "ok",
            "database": "ok",
            "platform": "ok",
            "scheduler": "error",
        }
    probes = Probes(database=database_probe(store), platform=lambda: connected, scheduler=stuck)
    async with Running(probes, PrometheusEvents(), timeout=0.05) as running:
        assert (await running.healthz())[1]["checks"]["scheduler"] == "timeout"
    probes = Probes(database=database_probe(store), platform=lambda: connected)
    async with Running(probes, PrometheusEvents()) as running:
        assert (await running.healthz())[0] == 200
        connected = False
        status, body = await running.healthz()
        assert status == 503 and body["checks"]["platform"] == "down"
        connected = True
        await store.close()  # the database connection is gone: a real query fails
        status, body = await running.healthz()
        assert status == 503
        assert body["checks"] == {
            "process": "ok",
            "database": "error",
            "platform": "ok",
            "scheduler": "off",
        }


async def test_prometheus_events_count_what_a_real_service_reports(
    content: Content, store: SqliteStore
) -> None:
    events = PrometheusEvents()
    observer: Events = events  # PrometheusEvents satisfies the core's observer protocol
    service = StudyService(content, store, rng=random.Random(1), events=observer)
    ref = UserRef("discord", "guild", "ana", "Ana")
    card = await service.next_question(ref, "en", 2)
    await service.answer(ref, card.question_id, card.token, "B", "en")
    await service.answer(ref, card.question_id, card.token, "B", "en")  # a double click
    events.command("slack", "quiz")
    events.error("slack", "TimeoutError")
    events.daily_posted("discord", True)
    events.daily_posted("discord", False)
    async with Running(Probes(database=lambda: True, platform=lambda: True), events) as running:
        text = await running.metrics()
    samples = _samples(text)
    answers = {
        dict(labels)["result"]: v
        for (name, labels), v in samples.items()
        if name == "studybot_answers_total"
    }
    assert sum(answers.values()) == 2 and answers["repeat"] == 1
    assert samples[("studybot_answer_seconds_count", frozenset({("source", "quiz")}))] == 2
    slack = frozenset({("platform", "slack"), ("command", "quiz")})
    assert samples[("studybot_commands_total", slack)] == 1
    kind = frozenset({("platform", "slack"), ("kind", "TimeoutError")})
    assert samples[("studybot_errors_total", kind)] == 1
    for outcome in ("ok", "failed"):
        posted = frozenset({("platform", "discord"), ("outcome", outcome)})
        assert samples[("studybot_daily_posts_total", posted)] == 1


async def test_serve_health_is_off_without_a_port_and_names_a_busy_one(tmp_path: Path) -> None:
    probes = Probes(database=lambda: True, platform=lambda: True)
    assert await serve_health(Settings(), probes) is None
    first = await serve_health(Settings(health_port=free_port()), probes)
    assert first is not None
    try:
        with pytest.raises(
            ConfigError, match=rf"^HEALTH_PORT={first.port} cannot be used on 127\.0\.0\.1: "
        ):
            await serve_health(Settings(health_port=first.port), probes)
    finally:
        await first.close()
