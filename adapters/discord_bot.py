"""The Discord adapter: a discord.py client with app commands and restart-proof quiz buttons."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
import discord
from discord import app_commands

from adapters.discord_admin import admin_group
from adapters.discord_buttons import DYNAMIC_ITEMS
from adapters.discord_commands import register_commands
from adapters.discord_common import NO_MENTIONS, CatalogTranslator, on_error
from adapters.discord_daily import DAILY_ITEMS, DailyRunner
from adapters.health import Probes, PrometheusEvents, database_probe, serve_health
from adapters.lifecycle import install_shutdown
from bot.config import Settings
from bot.content import Content
from bot.service import StudyService
from bot.store import open_store

__all__ = ["StudyBot", "build_bot", "intents", "run_discord"]

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Only the guilds intent: slash commands and buttons need no privileged intent."""
    return discord.Intents(guilds=True)


class StudyBot(discord.Client):
    """The bot: one client, one command tree, over one StudyService."""

    def __init__(
        self,
        service: StudyService,
        *,
        guild_id: int | None = None,
        sync: bool = True,
        daily_grace: timedelta | None = None,
    ) -> None:
        # The bot never joins voice: don't warn operators about missing voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS)
        self.service = service
        self.guild_id = guild_id
        self.sync_on_start = sync
        self.tree: app_commands.CommandTree[StudyBot] = app_commands.CommandTree(self)
        self.tree.error(on_error)
        register_commands(self.tree, service.content)
        self.tree.add_command(admin_group())
        # Daily posts only where asked for (the entry point); their buttons work everywhere.
        self.daily = None if daily_grace is None else DailyRunner(self, service, daily_grace)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        self.add_dynamic_items(*DYNAMIC_ITEMS, *DAILY_ITEMS)
        if self.sync_on_start:
            await self.sync_commands()
        if self.daily is not None:
            self.daily.start()  # once per login, in the background: commands never wait on it

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        """Register the commands: to one server at once if configured, else globally."""
        if self.guild_id is None:
            synced = await self.tree.sync()
        else:
            guild = discord.Object(self.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        where = f"server {self.guild_id}" if self.guild_id else "all servers"
        log.info("synced %d commands to %s", len(synced), where)
        return synced

    async def close(self) -> None:
        if self.daily is not None:
            await self.daily.stop()  # before the HTTP session and the store go away
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d server(s)", self.user, len(self.guilds))

    async def on_app_command_completion(
        self, interaction: discord.Interaction[StudyBot], command: object
    ) -> None:
        name = getattr(command, "qualified_name", "?")
        self.service.events.command("discord", str(name))

    @property
    def healthy(self) -> bool:
        return self.is_ready() and not self.is_closed()


def build_bot(
    service: StudyService,
    *,
    guild_id: int | None = None,
    sync: bool = True,
    daily_grace: timedelta | None = None,
) -> StudyBot:
    """The bot around a service; nothing connects until `login` or `start`.

    With `daily_grace`, the bot also posts the daily question in its configured channels.
    """
    return StudyBot(service, guild_id=guild_id, sync=sync, daily_grace=daily_grace)


def run_discord(settings: Settings, content: Content) -> int:
    """Run the Discord bot until it is stopped; returns the process exit code."""
    if settings.discord_token is None:
        log.error("DISCORD_TOKEN is not set")
        return 2
    try:
        return asyncio.run(_serve(settings, content, settings.discord_token.reveal()))
    except KeyboardInterrupt:
        return 0


async def _serve(settings: Settings, content: Content, token: str) -> int:
    store = await open_store(settings.db_path)
    events = PrometheusEvents()
    bot = build_bot(
        StudyService(content, store, events=events),
        guild_id=settings.discord_guild_id,
        daily_grace=timedelta(hours=settings.daily_grace_hours),
    )
    # `docker stop` sends SIGTERM: close the gateway, the scheduler and the store cleanly.
    shutdown = install_shutdown(asyncio.get_running_loop(), bot.close)
    daily = bot.daily
    probes = Probes(
        database=database_probe(store),
        platform=lambda: bot.healthy,
        scheduler=(lambda: daily.running) if daily is not None else None,
    )
    health = await serve_health(settings, probes, events)
    try:
        async with bot:
            await bot.start(token)
        return 0
    except discord.LoginFailure:
        log.error("Discord refused DISCORD_TOKEN: copy the bot token again from the portal")
        return 2
    except discord.ConnectionClosed as e:
        if e.code == 4004:  # the token was reset or revoked while the bot was running
            log.error("Discord refused DISCORD_TOKEN (gateway close code 4004)")
            return 2
        log.error("Discord closed the connection (code %s); stopping", e.code)
        return 1
    except (OSError, aiohttp.ClientError, discord.HTTPException) as e:
        log.error("cannot reach Discord: %s", e)
        return 1
    finally:
        shutdown.remove()
        if health is not None:
            await health.close()
        await store.close()
