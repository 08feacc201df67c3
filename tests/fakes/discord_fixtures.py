"""Fixtures for the Discord adapter tests (a pytest plugin): the fake, and a logged-in bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from adapters.discord_bot import StudyBot, build_bot
from bot.service import StudyService
from tests.fakes.discord_api import FakeDiscord

__all__ = ["discord_bot", "fake"]


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
    bot = build_bot(service)
    await bot.login("test-token")
    yield bot
    await bot.close()
