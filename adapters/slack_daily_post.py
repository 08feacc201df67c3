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

from adapters.slack_blocks import feedback_blocks
from adapters.slack_ids import PICK, checked_letters
from adapters.slack_members import PLATFORM, member_session
from adapters.slack_mrkdwn import (
    MAX_BLOCKS,
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    header,
    link,
    section,
    tmd,
)
from adapters.slack_replies import Reply, errors_to_member, send
from bot.daily import DailyService
from bot.errors import ChannelUnavailable, StudyBotError
from bot.i18n import pct, t
from bot.views import DailyChannel, DailyPost, DailyReveal, Feedback, QuestionCard, bar

__all__ = [
    "DAILY",
    "DAILY_ID",
    "DAILY_SUBMIT",
    "GONE",
    "SlackPublisher",
    "daily_buttons",
    "decode_value",
    "question_blocks",
    "reveal_blocks",
]

log = logging.getLogger(__name__)

DAILY = "sb.daily"  # one button per letter: sb.daily.A, sb.daily.B, ...
DAILY_ID = re.compile(r"^sb\.daily\.[A-Z]$")
DAILY_SUBMIT = "sb.daily.submit"  # after ticking the boxes (action id PICK) of a choose-N question
VALUE = re.compile(r"^([0-9]{1,15})\|([A-Z]?)$")
SEP = "|"

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


def _value(post: DailyPost, letter: str = "") -> str:
    return f"{post.id}{SEP}{letter}"


def decode_value(value: object) -> tuple[int, str]:
    """The post id and letter ("" for Submit) of a daily button; a forged value is refused."""
    found = VALUE.match(value) if isinstance(value, str) else None
    if found is None:
        raise StudyBotError("slack.stale_button")
    return int(found.group(1)), found.group(2)


def question_blocks(post: DailyPost, card: QuestionCard) -> list[Block]:
    """The channel's daily question: date, question, options, and the answer buttons."""
    loc = card.locale
    head = tmd(loc, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task)
    options = "\n".join(f"*{letter})* {escape(text)}" for letter, text in card.options)
    blocks = [
        header(t(loc, "daily.title", date=post.local_date)),
        context(head),
        section(escape(card.stem)),
        section(options),
    ]
    if card.choose == 1:
        buttons = [button(x, f"{DAILY}.{x}", _value(post, x)) for x in card.letters]
        blocks.append(actions(DAILY, buttons))
    else:
        boxes = {
            "type": "checkboxes",
            "action_id": PICK,
            "options": [
                {"text": {"type": "plain_text", "text": x}, "value": x} for x in card.letters
            ],
        }
        submit = button(t(loc, "quiz.submit"), DAILY_SUBMIT, _value(post), "primary")
        blocks.append(context(tmd(loc, "quiz.pick", n=card.choose)))
        blocks.append(actions(DAILY, [boxes, submit]))
    blocks.append(context(tmd(loc, "daily.hint")))
    return blocks


def _counts(reveal: DailyReveal) -> str:
    loc = reveal.locale
    lines = [f"*{tmd(loc, 'slack.daily_counts')}*"]
    for letter, n in reveal.counts:
        share = n / reveal.answers if reveal.answers else 0.0
        count = tmd(loc, "daily.reveal_count", letter=letter, n=n, share=pct(loc, share))
        lines.append(f"`{bar(share)}`  {count}")
    return "\n".join(lines)


def reveal_blocks(reveal: DailyReveal) -> list[Block]:
    """The answer for the whole channel: right option(s), why each option, and who picked what."""
    loc = reveal.locale
    right = tmd(loc, "answer.right_options", letters=", ".join(reveal.right))
    blocks = [
        header(t(loc, "daily.reveal_title", date=reveal.local_date)),
        context(escape(clip(reveal.stem, 1900))),
        section(f"*{right}*"),
    ]
    for o in reveal.options:
        mark = "✅" if o.right else "✖️"
        blocks.append(section(f"{mark} *{o.letter})* {escape(o.text)}\n{escape(o.why)}"))
    blocks.append(section(_counts(reveal)))
    blocks.append(context(tmd(loc, "daily.reveal_total", n=reveal.answers)))
    if reveal.references:
        refs = [tmd(loc, "answer.learn_more", url=link(url)) for url in reveal.references]
        blocks.append(section("\n".join(refs)))
    return blocks[:MAX_BLOCKS]


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
        title = t(card.locale, "daily.title", date=post.local_date)
        text = escape(f"{title}: {clip(card.stem, 200)}")
        response = await self._post(channel, text, question_blocks(post, card))
        return f"{response.get('channel') or channel.channel}:{response.get('ts') or ''}"

    async def post_reveal(self, channel: DailyChannel, reveal: DailyReveal) -> None:
        text = escape(t(reveal.locale, "daily.reveal_title", date=reveal.local_date))
        await self._post(channel, text, reveal_blocks(reveal))

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
        already = tmd(loc, "answer.already")
        right = tmd(loc, "answer.right_options", letters=", ".join(fb.right))
        return Reply(already, [section(f"{already}\n{right}")])
    blocks = feedback_blocks(fb)
    blocks.insert(-1, context(tmd(loc, "slack.daily_streak")))
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
