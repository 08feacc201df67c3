"""What every Discord handler shares: who is acting, in which language, replies and errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
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
    "DEFER_AFTER",
    "NO_MENTIONS",
    "PLATFORM",
    "CatalogTranslator",
    "answer_in_time",
    "daily_of",
    "done_answering",
    "edit",
    "guarded",
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
# Discord forgets an interaction not answered within 3 seconds: work still running after this
# long is acknowledged first ("thinking…", or a silent update for a click), its answer follows.
DEFER_AFTER = 2.0
_ANSWERING = "studybot.answering"  # Interaction.extras: the lock around its one response
_WATCH = "studybot.watch"  # Interaction.extras: the task that defers it in time


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
    if not isinstance(user, discord.abc.User):  # Discord always sends one: a forged payload
        raise StudyBotError("error.generic")
    return UserRef(PLATFORM, str(interaction.guild_id), str(user.id), user.display_name)


async def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The member's chosen language in this server, else their Discord client's language."""
    if interaction.guild_id is None:
        return locale_from(interaction.locale.value)
    return await service_of(interaction).locale(guild_ref(interaction), interaction.locale.value)


def _answering(interaction: discord.Interaction[Any]) -> asyncio.Lock:
    # discord.py marks an interaction answered only once Discord has acknowledged: without the
    # lock, a deferral and the real answer could both be sent, and the second refused.
    lock = interaction.extras.get(_ANSWERING)
    if lock is None:
        lock = interaction.extras[_ANSWERING] = asyncio.Lock()
    return lock


def answer_in_time(interaction: discord.Interaction[Any], *, update: bool = False) -> None:
    """Acknowledge the interaction if its work has not answered it DEFER_AFTER seconds from now:
    "thinking…" for a command, a silent update for a click (`update`)."""
    if interaction.type is discord.InteractionType.autocomplete:
        return
    delay = getattr(interaction.client, "defer_after", DEFER_AFTER)
    interaction.extras[_WATCH] = asyncio.create_task(_defer_later(interaction, delay, update))


def done_answering(interaction: discord.Interaction[Any]) -> None:
    task = interaction.extras.pop(_WATCH, None)
    if task is not None:
        task.cancel()


async def _defer_later(interaction: discord.Interaction[Any], delay: float, update: bool) -> None:
    await asyncio.sleep(delay)
    async with _answering(interaction):
        if interaction.response.is_done():
            return
        log.info("interaction %s: still working after %.1f s, deferred", interaction.id, delay)
        try:
            if update:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as e:
            log.warning("could not defer interaction %s: %s", interaction.id, e)


async def guarded(
    interaction: discord.Interaction[Any],
    action: Callable[[discord.Interaction[Any]], Awaitable[None]],
    owner: int | None = None,
    *,
    update: bool = True,
) -> None:
    """Run a component's (or a form's) work, answered in time; what it raises goes to the one
    error handler.

    discord.py would only log what a DynamicItem callback raises. With `owner`, a member
    clicking someone else's buttons is refused. `update`: the work edits the clicked message
    (or may), so a deferral is a silent one; else it shows "thinking…".
    """
    answer_in_time(interaction, update=update)
    try:
        if owner is not None and interaction.user.id != owner:
            raise StudyBotError("error.not_yours")
        await action(interaction)
    except Exception as error:
        await on_error(interaction, error)
    finally:
        done_answering(interaction)


async def reply(
    interaction: discord.Interaction[Any],
    text: str | None = None,
    *,
    embed: discord.Embed = MISSING,
    view: discord.ui.View = MISSING,
    file: discord.File = MISSING,
) -> None:
    """An ephemeral message: the first response, or a follow-up once one was sent."""
    async with _answering(interaction):
        if interaction.response.is_done():
            await interaction.followup.send(
                text or MISSING,
                embed=embed,
                view=view,
                file=file,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_message(
            text, embed=embed, view=view, file=file, ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def edit(interaction: discord.Interaction[Any], **message: Any) -> None:
    """Replace the clicked message: the first response, or an edit once a deferral was sent."""
    async with _answering(interaction):
        if interaction.response.is_done():
            await interaction.edit_original_response(allowed_mentions=NO_MENTIONS, **message)
            return
        await interaction.response.edit_message(allowed_mentions=NO_MENTIONS, **message)


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
    done_answering(interaction)
    if isinstance(error, discord.HTTPException):
        # Discord refused or failed an answer (a 5xx, an expired interaction): not our bug,
        # and telling the member would most likely fail the same way.
        log.warning("interaction %s: Discord answered %s", interaction.id, error)
        return
    if key == "error.generic" and not isinstance(error, StudyBotError):
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
