"""The Discord face: a discord.py client with app commands and restart-proof buttons.

`DiscordFace` is what the runtime serves: how studybot connects to Discord, its handlers, and the
publisher of daily posts. The runtime owns the store, the scheduler and the shutdown order.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord import app_commands

from adapters.discord.admin import admin_group
from adapters.discord.buttons import DYNAMIC_ITEMS
from adapters.discord.commands import register_commands
from adapters.discord.common import (
    DEFER_AFTER,
    NO_MENTIONS,
    PLATFORM,
    CatalogTranslator,
    answer_in_time,
    done_answering,
    on_error,
)
from adapters.discord.daily import DAILY_ITEMS, DiscordPublisher
from adapters.discord.exam import EXAM_ITEMS
from adapters.discord.gate import UnknownClicks, templates_of
from adapters.discord.report import REPORT_ITEMS
from adapters.shared.picture import ProgressPictures
from bot.config import Settings
from bot.services import Services

__all__ = ["DiscordFace", "StudyBot", "build_bot", "intents"]

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Only the guilds intent: slash commands and buttons need no privileged intent."""
    return discord.Intents(guilds=True)


ITEMS = (*DYNAMIC_ITEMS, *DAILY_ITEMS, *EXAM_ITEMS, *REPORT_ITEMS)


class StudyTree(app_commands.CommandTree["StudyBot"]):
    """The command tree; every command is answered within Discord's 3 seconds."""

    async def interaction_check(self, interaction: discord.Interaction[StudyBot]) -> bool:
        answer_in_time(interaction)
        return True


class StudyBot(discord.Client):
    """The bot: one client, one command tree, over the study and daily services."""

    def __init__(
        self,
        services: Services,
        *,
        guild_id: int | None = None,
        sync: bool = True,
        **shards: Any,
    ) -> None:
        # The bot never joins voice: don't warn operators about missing voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS, **shards)
        self.services = services
        self.daily = services.daily
        self.exam = services.exam
        self.service = services.study
        self.guild_id = guild_id
        self.sync_on_start = sync
        self.started = asyncio.Event()  # logged in and commands synced: REST calls work
        self.defer_after = DEFER_AFTER
        self.pictures = ProgressPictures()  # /progress cards, drawn off the event loop
        self.unknown_clicks = UnknownClicks(templates_of(ITEMS))
        self.tree = StudyTree(self)
        self.tree.error(on_error)
        register_commands(self.tree, self.service.content)
        self.tree.add_command(admin_group())

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        self.add_dynamic_items(*ITEMS)
        if self.sync_on_start:
            await self.sync_commands()
        self.started.set()

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

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d server(s)", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction[StudyBot]) -> None:
        await self.unknown_clicks.check(interaction)

    async def on_app_command_completion(
        self, interaction: discord.Interaction[StudyBot], command: object
    ) -> None:
        done_answering(interaction)
        name = getattr(command, "qualified_name", "?")
        self.service.events.command(PLATFORM, str(name))

    @property
    def healthy(self) -> bool:
        return self.is_ready() and not self.is_closed()


class ShardedStudyBot(StudyBot, discord.AutoShardedClient):
    """The bot on several gateway shards (discord.py's AutoShardedClient): this process runs
    `shard_ids` of `shard_count`, another process the others, on one shared database."""


def build_bot(
    services: Services,
    *,
    guild_id: int | None = None,
    sync: bool = True,
    shard_count: int | None = None,
    shard_ids: tuple[int, ...] | None = None,
) -> StudyBot:
    """The bot around the services; nothing connects until `login` or `start`."""
    if shard_count is None:
        return StudyBot(services, guild_id=guild_id, sync=sync)
    ids = list(shard_ids) if shard_ids is not None else None
    return ShardedStudyBot(
        services, guild_id=guild_id, sync=sync, shard_count=shard_count, shard_ids=ids
    )


class DiscordFace:
    """Discord for the runtime: connect with the bot token, serve, post daily questions."""

    platform = PLATFORM

    def __init__(self, services: Services, settings: Settings) -> None:
        settings.require("discord_token")
        assert settings.discord_token is not None
        self.token = settings.discord_token.reveal()
        self.bot = build_bot(
            services,
            guild_id=settings.discord_guild_id,
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_ids,
        )
        self.publisher = DiscordPublisher(self.bot)
        self.ready = self.bot.started

    def healthy(self) -> bool:
        return self.bot.healthy

    def stop_taking_commands(self) -> None:
        return None  # the core answers "restarting" until the gateway closes

    async def disconnect(self) -> None:
        await self.bot.close()

    async def serve(self) -> int:
        """Run the gateway until disconnected; the exit code (2: the token was refused)."""
        try:
            async with self.bot:
                await self.bot.start(self.token)
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
