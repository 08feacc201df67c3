"""The daily question in Slack channels: the post, its buttons, and the reveal.

`SlackPublisher` is what the scheduler calls to post; `daily_buttons` adds the listeners for the
post's buttons to the bolt app. A button's value is only the post id and a letter, so a click
after a restart (or on another replica) is scored from the database alone.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.ids import checked_letters
from adapters.slack.members import PLATFORM, member_session
from adapters.slack.mrkdwn import MAX_BLOCKS, Block, clip, escape
from adapters.slack.render import (
    DAILY,
    DAILY_SUBMIT,
    feedback_blocks,
    question_blocks,
    reveal_blocks,
    say,
    short_blocks,
)
from adapters.slack.replies import Reply, errors_to_member, send
from bot.daily import DailyService
from bot.errors import ChannelUnavailable, StudyBotError
from bot.i18n import t
from bot.present import Line, daily_title
from bot.views import DailyChannel, DailyPost, DailyReveal, Feedback, QuestionCard

__all__ = [
    "DAILY",
    "DAILY_ID",
    "DAILY_SUBMIT",
    "GONE",
    "SlackPublisher",
    "daily_buttons",
    "decode_value",
]

log = logging.getLogger(__name__)

DAILY_ID = re.compile(r"^sb\.daily\.[A-Z]$")
VALUE = re.compile(r"^([0-9]{1,15})\|([A-Z]?)$")

# Slack's answers meaning "this channel will not take our posts any more": counted by the
# scheduler, which disables the channel after repeated failures.
GONE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "missing_scope",
        "no_permission",
        "team_access_not_granted",
        "ekm_access_denied",
        "account_inactive",
        "token_revoked",
    }
)
RATE_LIMITED = frozenset({"ratelimited", "rate_limited"})
MAX_RETRY_AFTER = 30.0

Sleep = Callable[[float], Awaitable[None]]


def decode_value(value: object) -> tuple[int, str]:
    """The post id and letter ("" for Submit) of a daily button; a forged value is refused."""
    found = VALUE.match(value) if isinstance(value, str) else None
    if found is None:
        raise StudyBotError("error.stale_button")
    return int(found.group(1)), found.group(2)


def _error_code(error: SlackApiError) -> str:
    code = error.response.get("error") if error.response is not None else None
    return code if isinstance(code, str) else ""


def _retry_after(error: SlackApiError) -> float | None:
    """Seconds to wait if Slack said we post too fast; None for any other error."""
    response = error.response
    if response is None or (response.status_code != 429 and _error_code(error) not in RATE_LIMITED):
        return None
    raw = (response.headers or {}).get("Retry-After") or (response.headers or {}).get("retry-after")
    try:
        wait = float(raw) if raw is not None else 1.0
    except (TypeError, ValueError):
        wait = 1.0
    return min(max(wait, 0.0), MAX_RETRY_AFTER)


class SlackPublisher:
    """Posts daily questions and reveals with `chat.postMessage` (what the scheduler calls)."""

    platform = PLATFORM
    per_community = True  # Slack limits each workspace on its own

    def __init__(
        self, client: AsyncWebClient, *, rate_per_second: float = 1.0, sleep: Sleep = asyncio.sleep
    ) -> None:
        # About one message a second in each workspace: Slack's chat.postMessage limit per
        # channel, and well under its workspace-wide limit however many channels there are.
        self.client = client
        self.rate_per_second = rate_per_second
        self.sleep = sleep

    async def post_question(
        self, channel: DailyChannel, post: DailyPost, card: QuestionCard
    ) -> str:
        """Post the question with its buttons; returns `channel:ts` of the message."""
        title = say(card.locale, daily_title(card.locale, post.local_date))
        text = f"{title}: {escape(clip(card.stem, 200))}"
        response = await self._post(channel, text, question_blocks(post, card))
        return f"{response.get('channel') or channel.channel}:{response.get('ts') or ''}"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        blocks = reveal_blocks(reveal)
        await self._post(channel, blocks[0]["text"]["text"], blocks)

    async def _post(
        self, channel: DailyChannel, text: str, blocks: list[Block]
    ) -> AsyncSlackResponse:
        try:
            return await self._send(channel, text, blocks)
        except SlackApiError as error:
            wait = _retry_after(error)
            if wait is None:
                raise
        log.warning(
            "Slack rate-limited a post to %s; retrying once in %.1f s", channel.channel, wait
        )
        await self.sleep(wait)
        return await self._send(channel, text, blocks)

    async def _send(
        self, channel: DailyChannel, text: str, blocks: list[Block]
    ) -> AsyncSlackResponse:
        try:
            return await self.client.chat_postMessage(
                channel=channel.channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            code = _error_code(error)
            if code in GONE:
                raise ChannelUnavailable(code) from error
            raise


def _feedback(fb: Feedback) -> Reply:
    loc = fb.locale
    if not fb.counted:
        # Only the first answer counts: don't grade this click as if it did.
        return Reply(say(loc, Line("answer.already")), short_blocks(fb))
    blocks = feedback_blocks(fb, extra=(Line("slack.daily_streak"),))
    text = escape(t(loc, "answer.right" if fb.correct else "answer.wrong"))
    return Reply(text, blocks[:MAX_BLOCKS])


def _answer(daily: DailyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        action: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        async with errors_to_member(context, body, daily.study.events):
            member = await member_session(daily.study, client, context)
            post_id, letter = decode_value(action.get("value"))
            choice = letter or checked_letters(body.get("state"))
            fb = await daily.answer(member.ref, post_id, choice, member.locale)
            # Ephemeral and never replace_original: the channel's post stays for everyone else.
            await send(respond, _feedback(fb))

    return listener


def daily_buttons(daily: DailyService) -> Callable[[AsyncApp], None]:
    """An extension for `build_app`: the daily post's buttons (before the catch-alls)."""

    def extend(app: AsyncApp) -> None:
        app.action(DAILY_ID)(_answer(daily))
        app.action(DAILY_SUBMIT)(_answer(daily))

    return extend
