"""The `/studybot` admin group: daily question channels and who may see whose progress."""

from __future__ import annotations

import functools
import logging
import zoneinfo
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice

from adapters.discord.commands import PROGRESS_PUBLIC, languages, localized
from adapters.discord.common import (
    PLATFORM,
    daily_of,
    guild_ref,
    loc,
    locale_of,
    reply,
    service_of,
)
from adapters.discord.render import say, stats_embed
from bot.daily import CLEAR
from bot.errors import StudyBotError
from bot.i18n import locale_from, t
from bot.present import reported_lines
from bot.views import DailyChannel

__all__ = ["admin_group"]

log = logging.getLogger(__name__)

MAX_CHOICES = 25


class TextChannelOption(app_commands.Transformer):
    """A text or announcement channel, taken from the interaction's resolved data (no cache)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> app_commands.AppCommandChannel:
        if not isinstance(value, app_commands.AppCommandChannel):
            raise app_commands.TransformerError(value, self.type, self)
        return value


Channel = app_commands.Transform[app_commands.AppCommandChannel, TextChannelOption]


async def _manager(interaction: discord.Interaction[Any]) -> tuple[str, str]:
    """The server id and the caller's language, once the caller is known to manage the server."""
    ref = guild_ref(interaction)
    # Discord hides the group from members without Manage Server by default; a server may
    # override that in its Integrations settings, and this check keeps the promise anyway.
    if not interaction.permissions.manage_guild:
        raise StudyBotError("error.not_allowed")
    return ref.community, await locale_of(interaction)


async def daily_on(
    interaction: discord.Interaction[Any],
    channel: Channel,
    time: str | None = None,
    timezone: str | None = None,
    language: str | None = None,
    reveal_after: app_commands.Range[int, 0, 1440] | None = None,
) -> None:
    guild, locale = await _manager(interaction)
    guild_locale = interaction.guild_locale.value if interaction.guild_locale else None
    configured = await daily_of(interaction).configure(
        PLATFORM,
        guild,
        str(channel.id),
        post_time=time,
        timezone=timezone,
        locale=language,
        # 0: reveal with the next question again; not given: unchanged.
        reveal_after=CLEAR if reveal_after == 0 else reveal_after,
        default_locale=locale_from(guild_locale),
    )
    await reply(interaction, _describe_channel(locale, configured))


async def daily_off(interaction: discord.Interaction[Any], channel: Channel | None = None) -> None:
    guild, locale = await _manager(interaction)
    target = str(channel.id) if channel is not None else None
    count = await service_of(interaction).disable_daily(PLATFORM, guild, target)
    await reply(interaction, t(locale, "discord.daily_off", count=count))


async def progress_public(interaction: discord.Interaction[Any], visible: bool) -> None:
    guild, locale = await _manager(interaction)
    value = "1" if visible else None
    await service_of(interaction).set_community_setting(PLATFORM, guild, PROGRESS_PUBLIC, value)
    await reply(interaction, t(locale, f"discord.progress_public.{'on' if visible else 'off'}"))


async def settings(interaction: discord.Interaction[Any]) -> None:
    guild, locale = await _manager(interaction)
    service = service_of(interaction)
    shown = await service.community_setting(PLATFORM, guild, PROGRESS_PUBLIC) == "1"
    lines = [t(locale, f"discord.progress_public.{'on' if shown else 'off'}")]
    channels = [c for c in await service.daily_channels(PLATFORM, guild) if c.enabled]
    lines.extend(_describe_channel(locale, c) for c in channels)
    if not channels:
        lines.append(t(locale, "discord.daily_none"))
    reported = await service.top_reported(PLATFORM, guild)
    lines.extend(say(locale, x) for x in reported_lines(reported))
    await reply(interaction, "\n".join(lines))


async def stats(interaction: discord.Interaction[Any], week: str = "this") -> None:
    """The server's week (or the week before) for its organisers; no member is named."""
    guild, locale = await _manager(interaction)
    found = await service_of(interaction).community_week(
        PLATFORM, guild, locale, weeks_ago=1 if week == "last" else 0
    )
    await reply(interaction, embed=stats_embed(found))


def _weeks() -> list[Choice[str]]:
    return [
        Choice(name=loc("stats.this_week"), value="this"),
        Choice(name=loc("stats.last_week"), value="last"),
    ]


def _describe_channel(locale: str, c: DailyChannel) -> str:
    return t(
        locale,
        "discord.daily_configured",
        channel=f"<#{c.channel}>",
        time=c.post_time,
        timezone=c.timezone,
    )


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def timezones(interaction: discord.Interaction[Any], current: str) -> list[Choice[str]]:
    """IANA zone names containing what the admin has typed (Europe/Paris, America/New_York...)."""
    typed = current.strip().lower().replace(" ", "_")
    return [Choice(name=z, value=z) for z in _zones() if typed in z.lower()][:MAX_CHOICES]


def admin_group() -> app_commands.Group:
    """`/studybot ...`: shown by default only to members with Manage Server, never in DMs."""
    group = app_commands.Group(
        name=loc("discord.cmd.studybot"),
        description=loc("discord.cmd.studybot.desc"),
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    on = localized("daily_on", daily_on, parent=group, language=languages())
    on.autocomplete("timezone")(timezones)
    for cmd in (
        on,
        localized("daily_off", daily_off, parent=group),
        localized("progress_public", progress_public, parent=group),
        localized("settings", settings, parent=group),
        localized("stats", stats, parent=group, week=_weeks()),
    ):
        group.add_command(cmd)
    return group
