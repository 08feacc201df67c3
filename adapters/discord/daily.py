"""The daily question on Discord: channel posts with restart-proof answer components, and reveals.

`sb:d:<post id>:<letter>`  a single-answer option button on a daily post
`sb:ds:<post id>`          the choose-N menu of a daily post (the member's letters come as values)

A click needs nothing but the post id and the letter(s): after a restart the same message works.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import ui

from adapters.discord.buttons import feedback_view, repeat_text
from adapters.discord.common import (
    NO_MENTIONS,
    PLATFORM,
    daily_of,
    guarded,
    guild_ref,
    locale_of,
    reply,
)
from adapters.discord.render import clip, daily_embed, feedback_embed, reveal_embed
from bot.errors import ChannelUnavailable
from bot.i18n import t
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard

__all__ = ["DAILY_ITEMS", "DailyButton", "DailySelect", "DiscordPublisher", "daily_view"]

log = logging.getLogger(__name__)

BUTTON_TEMPLATE = re.compile(r"sb:d:(?P<post>\d{1,18}):(?P<letter>[A-Z])")
SELECT_TEMPLATE = re.compile(r"sb:ds:(?P<post>\d{1,18})")
PER_ROW = 5
OPTION_LABEL = 100
# Discord's answers that mean the bot can no longer post in a channel, whatever it retries:
# 10003 Unknown Channel, 50001 Missing Access, 50013 Missing Permissions.
UNAVAILABLE_CODES = frozenset({10003, 50001, 50013})


async def _answer(
    interaction: discord.Interaction[Any], post_id: int, choice: str | Sequence[str]
) -> None:
    async def work(interaction: discord.Interaction[Any]) -> None:
        ref = guild_ref(interaction)
        locale = await locale_of(interaction)
        fb = await daily_of(interaction).answer(ref, post_id, choice, locale)
        if not fb.counted:
            await reply(interaction, repeat_text(fb))
            return
        view = feedback_view(fb, "0", interaction.user.id)
        await reply(interaction, embed=feedback_embed(fb), view=view)

    await guarded(interaction, work)


class DailyButton(ui.DynamicItem[ui.Button[Any]], template=BUTTON_TEMPLATE):
    """One option of a single-answer daily post; anyone in the channel may click it, once."""

    def __init__(self, post_id: int, letter: str, *, row: int = 0) -> None:
        self.post_id = post_id
        self.letter = letter
        button: ui.Button[Any] = ui.Button(
            label=letter, style=discord.ButtonStyle.primary, custom_id=f"sb:d:{post_id}:{letter}"
        )
        super().__init__(button, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> DailyButton:
        return cls(int(match["post"]), match["letter"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, self.post_id, self.letter)


class DailySelect(ui.DynamicItem[ui.Select[Any]], template=SELECT_TEMPLATE):
    """The menu of a choose-N daily post: Discord sends the member's N letters in one click."""

    def __init__(self, post_id: int, select: ui.Select[Any]) -> None:
        self.post_id = post_id
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> DailySelect:
        # `item` is the menu rebuilt from the message: it is reused as is, options included.
        if not isinstance(item, ui.Select):
            raise TypeError(f"not a select menu: {item!r}")
        return cls(int(match["post"]), item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _answer(interaction, self.post_id, list(self.item.values))


DAILY_ITEMS = (DailyButton, DailySelect)


def daily_view(post: DailyPost, card: QuestionCard) -> ui.View:
    """One button per option, or for a choose-N question one menu that takes exactly N."""
    view = ui.View(timeout=None)
    if card.choose == 1:
        for i, letter in enumerate(card.letters):
            view.add_item(DailyButton(post.id, letter, row=i // PER_ROW))
        return view
    select: ui.Select[Any] = ui.Select(
        custom_id=f"sb:ds:{post.id}",
        placeholder=t(card.locale, "discord.daily_placeholder", n=card.choose),
        min_values=card.choose,
        max_values=card.choose,
        options=[
            discord.SelectOption(label=clip(f"{letter}) {text}", OPTION_LABEL), value=letter)
            for letter, text in card.options
        ],
    )
    view.add_item(DailySelect(post.id, select))
    return view


class DiscordPublisher:
    """Posts daily questions and reveals in Discord channels, through the bot's REST client."""

    platform = PLATFORM
    # Discord allows 50 requests a second per bot: leave room for interactive replies.
    rate_per_second = 20.0

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def owns(self, channel: DailyChannel) -> bool:
        """Whether this process runs the shard of the channel's server (always, unsharded)."""
        count = self.client.shard_count
        ids = getattr(self.client, "shard_ids", None)
        if not count or ids is None:
            return True
        # Discord's rule: a server's shard is (server id >> 22) % shard count.
        return (int(channel.community) >> 22) % count in ids

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        embed = daily_embed(card, post.local_date)
        message = await self._send(channel, embed, daily_view(post, card))
        return str(message.id)

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        await self._send(channel, reveal_embed(reveal), None)

    async def _send(
        self, channel: DailyChannel, embed: discord.Embed, view: ui.View | None
    ) -> discord.Message:
        target = self.client.get_partial_messageable(
            int(channel.channel), guild_id=int(channel.community)
        )
        try:
            if view is None:
                return await target.send(embed=embed, allowed_mentions=NO_MENTIONS)
            return await target.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            if isinstance(error, discord.NotFound) or error.code in UNAVAILABLE_CODES:
                raise ChannelUnavailable(f"{error.status} {error.code}: {error.text}") from error
            raise
