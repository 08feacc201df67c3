"""Command registration with French localizations, and the real entry point over the gateway."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.discord.app import StudyBot
from bot.config import Secret, Settings
from bot.content import Content
from tests.fakes.discord_api import APP_ID, GUILD_ID, FakeDiscord, buttons
from tests.fakes.discord_fixtures import run_discord
from tests.ops_support import free_port

PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

pytest_plugins = ["tests.fakes.discord_fixtures"]


def options(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in command.get("options", [])}


def assert_localized(item: dict[str, Any]) -> None:
    assert item["name_localizations"]["fr"], item["name"]
    assert item["description_localizations"]["fr"], item["name"]
    assert item["description_localizations"]["fr"] != item["description"], item["name"]


async def test_sync_registers_every_command_with_french_localizations(
    discord_bot: StudyBot, fake: FakeDiscord
) -> None:
    synced = await fake.request(lambda r: r.method == "PUT")
    assert synced.path == f"/applications/{APP_ID}/commands"
    commands = {c["name"]: c for c in synced.body}
    assert set(commands) == {
        "quiz", "review", "exam", "progress", "leaderboard", "lesson", "language", "studybot",
    }  # fmt: skip

    french = {name: c["name_localizations"]["fr"] for name, c in commands.items()}
    assert french == {
        "quiz": "quiz",
        "review": "réviser",
        "exam": "examen",
        "progress": "progression",
        "leaderboard": "classement",
        "lesson": "leçon",
        "language": "langue",
        "studybot": "studybot",
    }
    for command in commands.values():
        assert_localized(command)
        for option in options(command).values():
            assert_localized(option)
            for sub in options(option).values():
                assert_localized(sub)

    domain = options(commands["quiz"])["domain"]
    assert [c["value"] for c in domain["choices"]] == [1, 2, 3, 4]
    assert domain["choices"][0]["name_localizations"]["fr"].startswith("1 · Ingestion")
    period = options(commands["leaderboard"])["period"]
    assert {c["value"]: c["name_localizations"]["fr"] for c in period["choices"]} == {
        "all": "depuis le début",
        "week": "cette semaine",
    }
    assert options(commands["lesson"])["topic"]["autocomplete"] is True

    admin = commands["studybot"]
    assert int(admin["default_member_permissions"]) == 1 << 5  # Manage Server
    assert admin["dm_permission"] is False
    assert set(options(admin)) == {"daily-on", "daily-off", "progress-public", "settings", "stats"}
    assert options(admin)["stats"]["name_localizations"]["fr"] == "statistiques"
    assert options(admin)["daily-off"]["name_localizations"]["fr"] == "arrêter-question-du-jour"
    for name in ("quiz", "review", "exam", "progress", "leaderboard", "language"):
        assert commands[name]["dm_permission"] is False, name
    assert commands["lesson"]["dm_permission"] is True


async def test_run_discord_serves_through_the_gateway_and_exits_on_a_revoked_token(
    fake: FakeDiscord, content: Content, tmp_path: Path
) -> None:
    db = tmp_path / "gateway.db"
    port = free_port()
    settings = Settings(
        db_path=str(db),
        discord_token=Secret("gateway-token"),
        discord_guild_id=GUILD_ID,
        health_port=port,
    )
    running = asyncio.create_task(asyncio.to_thread(run_discord, settings, content))

    synced = await fake.request(lambda r: r.method == "PUT", timeout=15)
    assert synced.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    await asyncio.wait_for(fake.identified.wait(), 15)
    assert fake.identify is not None
    assert fake.identify["token"] == "gateway-token"
    assert fake.identify["intents"] & PRIVILEGED == 0

    payload = fake.slash("quiz", [{"name": "domain", "type": 4, "value": 4}])
    fake.gateway_events.put_nowait({"t": "INTERACTION_CREATE", "d": payload})
    body = await fake.callback(payload)
    assert body["data"]["flags"] & 64
    assert body["data"]["embeds"][0]["title"].startswith("Domain 4 ·")
    assert len(buttons(body["data"])) == 4

    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):  # discord.py turns ready once guild data has streamed in
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    health, status = await resp.json(), resp.status
                if status == 200:
                    break
                await asyncio.sleep(0.1)
            assert status == 200, health
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
    finally:
        fake.gateway_events.put_nowait(4004)  # Discord: authentication failed
    assert set(health["checks"]) >= {"database", "platform", "scheduler"}
    assert 'studybot_commands_total{command="quiz",platform="discord"} 1.0' in metrics
    assert await asyncio.wait_for(running, 15) == 2
    assert not Path(f"{db}-wal").exists()  # both connections closed: WAL checkpointed away
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT community, user FROM users").fetchall() == [
            (str(GUILD_ID), "101")
        ]


async def test_run_discord_exits_2_on_a_refused_token(
    fake: FakeDiscord, content: Content, tmp_path: Path
) -> None:
    fake.bad_tokens.add("wrong-token")
    settings = Settings(db_path=str(tmp_path / "bad.db"), discord_token=Secret("wrong-token"))

    assert await asyncio.wait_for(asyncio.to_thread(run_discord, settings, content), 15) == 2
    assert fake.identify is None
    assert not [r for r in fake.requests if r.method == "PUT"]


async def test_run_discord_exits_1_when_discord_is_unreachable(
    fake: FakeDiscord, content: Content, tmp_path: Path
) -> None:
    await fake.close()  # nothing listens on its port any more
    settings = Settings(db_path=str(tmp_path / "off.db"), discord_token=Secret("any-token"))

    assert await asyncio.wait_for(asyncio.to_thread(run_discord, settings, content), 15) == 1


async def test_run_discord_exits_1_when_the_gateway_closes_for_a_reason_other_than_the_token(
    fake: FakeDiscord, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(db_path=str(tmp_path / "closed.db"), discord_token=Secret("any-token"))
    running = asyncio.create_task(asyncio.to_thread(run_discord, settings, content))
    try:
        await asyncio.wait_for(fake.identified.wait(), 15)
    finally:
        fake.gateway_events.put_nowait(4011)  # Discord: sharding required (the bot has grown)

    assert await asyncio.wait_for(running, 15) == 1
    assert "Discord closed the connection (code 4011); stopping" in caplog.text
    assert "Discord refused DISCORD_TOKEN" not in caplog.text
