"""What discord.py would leave unanswered: clicks on buttons no handler knows.

discord.py drops a component interaction silently when no DynamicItem template matches its
custom_id, or when the clicked component is not on the message; the member then sees "This
interaction failed". The gate answers those with one polite line instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import discord

from adapters.discord.common import locale_of, reply
from adapters.discord.render import commands
from bot.i18n import locale_from, t
from bot.logs import RateLimitedLog

__all__ = ["UnknownClicks", "templates_of"]

log = logging.getLogger(__name__)


def templates_of(items: Iterable[type[discord.ui.DynamicItem[Any]]]) -> list[re.Pattern[str]]:
    # The compiled template discord.py matches custom_ids with (set by DynamicItem's subclass
    # hook): the gate must agree with it exactly.
    return [item.__discord_ui_compiled_template__ for item in items]


def _components(message: discord.Message) -> Iterable[Any]:
    for row in message.components:
        yield row
        yield from getattr(row, "children", ())


def _kind(component: Any) -> int | None:
    kind = getattr(component, "type", None)
    return getattr(kind, "value", None)


class UnknownClicks:
    """Answers a click that no DynamicItem will handle."""

    def __init__(self, templates: list[re.Pattern[str]]) -> None:
        self.templates = templates
        self.logged = RateLimitedLog(log)

    def handled(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether discord.py will hand this click to one of the bot's items."""
        data: Any = interaction.data or {}
        custom_id, kind = data.get("custom_id"), data.get("component_type")
        message = interaction.message
        if not isinstance(custom_id, str) or message is None:
            return False
        if not any(template.fullmatch(custom_id) for template in self.templates):
            return False
        return any(
            getattr(c, "custom_id", None) == custom_id and _kind(c) == kind
            for c in _components(message)
        )

    async def check(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type is not discord.InteractionType.component or self.handled(interaction):
            return
        self.logged.warning("unknown", "answered a click on a button studybot does not know")
        try:
            locale = await locale_of(interaction)
        except Exception:  # a click from nowhere (no member): the client's language will do
            locale = locale_from(getattr(interaction.locale, "value", None))
        try:
            await reply(interaction, t(locale, "error.stale_button", cmd=commands(locale)))
        except discord.HTTPException as e:
            log.warning("could not answer interaction %s: %s", interaction.id, e)
