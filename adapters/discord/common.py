"""What every Discord handler shares: who is acting, in which language, replies and errors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.utils import MISSING

from adapters.discord.render import clip, commands, escape
from bot.errors import StudyBotError
from bot.i18n import locale_from, t
from bot.views import UserRef

if TYPE_CHECKING:
    from bot.daily import DailyService
    from bot.service import StudyService

__all__ = [
    "NO_MENTIONS",
    "PLATFORM",
    "CatalogTranslator",
    "daily_of",
    "guild_ref",
    "loc",
    "locale_of",
    "on_error",
    "reply",
    "service_of",
]

log = logging.getLogger(__name__)

PLATFORM = "discord"
NO_MENTIONS = discord.AllowedMentions.none()


def loc(key: str) -> app_commands.locale_str:
    """A command text: English from the catalog now, French from CatalogTranslator at sync."""
    return app_commands.locale_str(t("en", key), key=key)


class CatalogTranslator(app_commands.Translator):
    """Localizes command names, descriptions and choices for French clients."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.french:
            return None
        if "fr" in string.extras:
            return str(string.extras["fr"])
        key = string.extras.get("key")
        return t("fr", key) if key else None


def service_of(interaction: discord.Interaction[Any]) -> StudyService:
    service: StudyService = interaction.client.service
    return service


def daily_of(interaction: discord.Interaction[Any]) -> DailyService:
    daily: DailyService = interaction.client.daily
    return daily


def guild_ref(interaction: discord.Interaction[Any]) -> UserRef:
    """The acting member; studying is per server, so a DM gets a polite refusal."""
    if interaction.guild_id is None:
        raise StudyBotError("error.guild_only")
    user = interaction.user
    return UserRef(PLATFORM, str(interaction.guild_id), str(user.id), user.display_name)


async def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The member's chosen language in this server, else their Discord client's language."""
    if interaction.guild_id is None:
        return locale_from(interaction.locale.value)
    return await service_of(interaction).locale(guild_ref(interaction), interaction.locale.value)


async def reply(
    interaction: discord.Interaction[Any],
    text: str | None = None,
    *,
    embed: discord.Embed = MISSING,
    view: discord.ui.View = MISSING,
) -> None:
    """An ephemeral message: the first response, or a follow-up once one was sent."""
    if interaction.response.is_done():
        await interaction.followup.send(
            text or MISSING, embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    await interaction.response.send_message(
        text, embed=embed, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )


def _describe(error: Exception) -> tuple[str, dict[str, object]]:
    if isinstance(error, StudyBotError):
        # Params may echo what the member typed: shown literally, and short.
        params = {
            k: escape(clip(v, 100)) if isinstance(v, str) else v for k, v in error.params.items()
        }
        return error.key, params
    if isinstance(error, app_commands.NoPrivateMessage):
        return "error.guild_only", {}
    if isinstance(error, app_commands.CheckFailure):
        return "error.not_allowed", {}
    if isinstance(error, app_commands.TransformerError):
        return "discord.bad_option", {}
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "discord.stale_command", {}
    return "error.generic", {}


async def _error_locale(interaction: discord.Interaction[Any]) -> str:
    try:
        return await locale_of(interaction)
    except Exception:  # the store may be what failed: fall back to the client's language
        return locale_from(interaction.locale.value)


async def on_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """The one error handler: log, then tell the member in one ephemeral line."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    key, params = _describe(error)
    client = interaction.client
    service = getattr(client, "service", None)
    if service is not None:
        service.events.error("discord", type(error).__name__)
    if key == "error.generic":
        log.error("interaction %s failed", interaction.id, exc_info=error)
    else:
        log.info("interaction %s refused: %s", interaction.id, key)
    if interaction.type is discord.InteractionType.autocomplete:
        return
    locale = await _error_locale(interaction)
    text = t(locale, key, cmd=commands(locale), **params)
    try:
        await reply(interaction, text)
    except discord.HTTPException as e:  # e.g. the 3-second window passed
        log.warning("could not send the error reply for interaction %s: %s", interaction.id, e)
