"""The daily question on Discord: channel posts with restart-proof answer components, and reveals.

`sb:d:<post id>:<letter>`  a single-answer option button on a daily post
`sb:ds:<post id>`          the choose-N menu of a daily post (the member's letters come as values)

A click needs nothing but the post id and the letter(s): after a restart the same message works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import discord
from discord import ui

from adapters.discord_buttons import feedback_view
from adapters.discord_common import (
    NO_MENTIONS,
    PLATFORM,
    clip,
    guild_ref,
    locale_of,
    on_error,
    reply,
    service_of,
)
from adapters.discord_render import (
    BLUE,
    DESCRIPTION,
    FIELD_NAME,
    FIELD_VALUE,
    FOOTER,
    GREEN,
    TITLE,
    TOTAL,
    feedback_embed,
)
from bot.daily import DailyService
from bot.errors import ChannelUnavailable
from bot.i18n import pct, t
from bot.service import StudyService
from bot.views import DailyChannel, DailyPost, DailyReveal, QuestionCard, bar
from scheduler.daily import DailyScheduler

__all__ = [
    "DAILY_ITEMS",
    "DailyButton",
    "DailyRunner",
    "DailySelect",
    "DiscordPublisher",
    "daily_view",
    "question_embed",
    "reveal_embed",
]

log = logging.getLogger(__name__)

BUTTON_TEMPLATE = re.compile(r"sb:d:(?P<post>\d{1,18}):(?P<letter>[A-Z])")
SELECT_TEMPLATE = re.compile(r"sb:ds:(?P<post>\d{1,18})")
PER_ROW = 5
AUTHOR, OPTION_LABEL = 256, 100
# Discord's answers that mean the bot can no longer post in a channel, whatever it retries:
# 10003 Unknown Channel, 50001 Missing Access, 50013 Missing Permissions.
UNAVAILABLE_CODES = frozenset({10003, 50001, 50013})


async def _answer(
    interaction: discord.Interaction[Any], post_id: int, choice: str | Sequence[str]
) -> None:
    # discord.py only logs what a DynamicItem callback raises: route it to the one handler.
    try:
        ref = guild_ref(interaction)
        locale = await locale_of(interaction)
        daily = DailyService(service_of(interaction))
        fb = await daily.answer(ref, post_id, choice, locale)
        if not fb.counted:
            await reply(interaction, t(locale, "answer.already"))
            return
        view = feedback_view(fb, 0, interaction.user.id)
        await reply(interaction, embed=feedback_embed(fb), view=view)
    except Exception as error:
        await on_error(interaction, error)


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


def question_embed(card: QuestionCard, day: str) -> discord.Embed:
    loc = card.locale
    header = t(loc, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task)
    options = "\n".join(f"**{letter})** {text}" for letter, text in card.options)
    hint = t(loc, "discord.daily_pick", n=card.choose) if card.choose > 1 else t(loc, "daily.hint")
    embed = discord.Embed(
        title=clip(t(loc, "daily.title", date=day), TITLE),
        description=clip(f"{card.stem}\n\n{options}", DESCRIPTION),
        colour=BLUE,
    )
    embed.set_author(name=clip(header, AUTHOR))
    return embed.set_footer(text=clip(hint, FOOTER))


def reveal_embed(reveal: DailyReveal) -> discord.Embed:
    """The right answer, why each option is right or wrong, and how many members picked it."""
    loc = reveal.locale
    head = "\n".join(
        [
            t(loc, "answer.right_options", letters=", ".join(reveal.right)),
            t(loc, "daily.reveal_total", n=reveal.answers),
        ]
    )
    stem = clip(reveal.stem, min(DESCRIPTION - len(head) - 2, 1500))
    embed = discord.Embed(
        title=clip(t(loc, "daily.reveal_title", date=reveal.local_date), TITLE),
        description=f"{stem}\n\n{head}",
        colour=GREEN,
    )
    refs = "\n".join(t(loc, "answer.learn_more", url=url) for url in reveal.references)
    used = len(embed.title or "") + len(embed.description or "") + len(refs)
    share = max(80, (TOTAL - used - 100) // max(1, len(reveal.options)))
    counts = dict(reveal.counts)
    for o in reveal.options:
        n = counts.get(o.letter, 0)
        fraction = n / reveal.answers if reveal.answers else 0.0
        tally = t(loc, "daily.reveal_count", letter=o.letter, n=n, share=pct(loc, fraction))
        name = clip(
            f"{'✅' if o.right else '❌'} {o.letter}) {o.text}", min(FIELD_NAME, share // 3)
        )
        value = clip(f"`{bar(fraction)}` {tally}\n{o.why}", min(FIELD_VALUE, share - len(name)))
        embed.add_field(name=name, value=value, inline=False)
    if refs:
        embed.add_field(name="\u200b", value=clip(refs, FIELD_VALUE), inline=False)
    return embed


class DiscordPublisher:
    """Posts daily questions and reveals in Discord channels, through the bot's REST client."""

    platform = PLATFORM
    # Discord allows 50 requests a second per bot: leave room for interactive replies.
    rate_per_second = 20.0

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        embed = question_embed(card, post.local_date)
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


class DailyRunner:
    """The daily scheduler beside a running bot: started once, in the background; stopped on close."""

    def __init__(self, client: discord.Client, service: StudyService, grace: timedelta) -> None:
        self.client = client
        self.service = service
        self.grace = grace
        self.scheduler: DailyScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def start(self) -> None:
        """Start from the running loop; catch-up posts go on while the bot serves commands."""
        if self._task is not None:
            return
        self.scheduler = DailyScheduler(
            DailyService(self.service),
            {PLATFORM: DiscordPublisher(self.client)},
            grace=self.grace,
            clock=self.service.clock,
        )
        self._task = asyncio.get_running_loop().create_task(
            self._start(self.scheduler), name="studybot-daily-start"
        )

    async def _start(self, scheduler: DailyScheduler) -> None:
        try:
            await scheduler.start()
        except Exception:
            log.exception("the daily scheduler could not start: no daily posts until a restart")

    async def started(self) -> None:
        """Wait until start-up, catch-up posts included, is over."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        # Shut the scheduler down first: it lets a post in flight finish and be recorded;
        # only then is what is left of the start-up catch-up cancelled.
        if self.scheduler is not None:
            await self.scheduler.shutdown()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
