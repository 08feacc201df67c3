"""Fixtures for the Discord adapter tests (a pytest plugin): the fake, and a logged-in bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from adapters.discord.app import DiscordFace, StudyBot, build_bot
from bot.config import Settings
from bot.content import Content
from bot.service import StudyService
from bot.services import Services
from studybot.runtime import Runtime
from tests.fakes.discord_api import FakeDiscord

__all__ = ["discord_bot", "fake", "run_discord"]


def run_discord(settings: Settings, content: Content) -> int:
    """What `studybot discord` runs: the runtime around a Discord face, until it stops."""

    async def main() -> int:
        return await Runtime(settings, content).run(lambda s: DiscordFace(s, settings))

    return asyncio.run(main())


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway)
    )
    yield server
    await server.close()


@pytest.fixture
async def discord_bot(fake: FakeDiscord, service: StudyService) -> AsyncIterator[StudyBot]:
    bot = build_bot(Services.build(service))
    await bot.login("test-token")
    yield bot
    await bot.close()
