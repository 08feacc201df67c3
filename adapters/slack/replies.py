"""Sending to Slack: ephemeral replies through `response_url`, and the app's one error handler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.mrkdwn import Block, section, tmd
from bot.errors import StudyBotError
from bot.events import Events
from bot.i18n import CATALOGS, DEFAULT_LOCALE
from bot.logs import RateLimitedLog

__all__ = ["Click", "Reply", "error_text", "errors_to_member", "on_click", "on_error", "send"]

log = logging.getLogger(__name__)
_unsent = RateLimitedLog(log)


@dataclass(frozen=True, slots=True)
class Reply:
    """An ephemeral message: blocks, and the text Slack shows in notifications (mrkdwn, escaped)."""

    text: str
    blocks: list[Block]
    replace: bool = False


async def send(respond: AsyncRespond, reply: Reply) -> bool:
    """Post (or replace) the member's ephemeral message; False if Slack refused it or could not
    be reached (logged in one line: there is nobody left to tell)."""
    try:
        result = await respond(
            text=reply.text,
            blocks=reply.blocks,
            response_type="ephemeral",
            replace_original=reply.replace,
        )
    except (TimeoutError, aiohttp.ClientError, ValueError) as error:
        # A response_url that is missing, not a URL, or does not answer.
        _unsent.warning(type(error).__name__, "could not reply through response_url: %s", error)
        return False
    if result.status_code != 200:
        # An expired response_url (30 min, 5 uses) is the usual cause: nothing left to do.
        _unsent.warning(
            str(result.status_code), "response_url answered %s: %s", result.status_code,
            result.body[:200],
        )  # fmt: skip
        return False
    return True


def error_text(locale: str, error: StudyBotError) -> str:
    """The learner-facing line for an error, in mrkdwn; a generic line if the key is unknown."""
    if error.key not in CATALOGS.get(locale, CATALOGS[DEFAULT_LOCALE]):
        log.warning("no catalog text for error key %s", error.key)
        return tmd(locale, "error.generic")
    try:
        return tmd(locale, error.key, **error.params)
    except (KeyError, IndexError, ValueError):
        log.warning("error key %s does not match its params %s", error.key, sorted(error.params))
        return tmd(locale, "error.generic")


async def _tell(context: AsyncBoltContext, text: str) -> bool:
    respond = context.respond
    if respond is None or not context.response_url:
        return False
    return await send(respond, Reply(text, [section(text)]))


async def on_error(
    error: Exception, context: AsyncBoltContext, body: Any, response: BoltResponse | None
) -> BoltResponse | None:
    """The app's one error handler: a one-line ephemeral reply, or a logged warning."""
    locale = context.get("locale") or DEFAULT_LOCALE
    if isinstance(error, StudyBotError):
        log.info("refused %s: %s", _kind(body), error.key)
        text = error_text(locale, error)
    else:
        log.error("%s failed", _kind(body), exc_info=error)
        text = tmd(locale, "error.generic")
    told = await _tell(context, text)
    if not told:
        log.warning("%s: no way to reply (%s)", _kind(body), error.__class__.__name__)
    # The member got a polite line: Slack must not add its own error on top.
    if told and response is not None:
        return BoltResponse(status=200, body="")
    return None


def _kind(body: Any) -> str:
    if not isinstance(body, dict):
        return "request"
    kind = body.get("command") or body.get("type") or "request"
    return str(kind)[:40]


@asynccontextmanager
async def errors_to_member(
    context: AsyncBoltContext, body: Any, events: Events
) -> AsyncIterator[None]:
    """Wrap a listener's work after `ack()`: an error is told to the member here.

    Not raised to bolt: its asyncio runner polls for the ack every 10 ms and clears it when a
    listener raises, so an error within 10 ms of `ack()` reads as "no ack", the request falls
    through to the catch-all 3 s later and Slack shows an error on top of ours.
    """
    try:
        yield
    except Exception as error:
        events.error("slack", type(error).__name__)
        await on_error(error, context, body, None)


@dataclass(frozen=True, slots=True)
class Click:
    """What a button or menu listener gets from bolt."""

    action: dict[str, Any]
    body: dict[str, Any]
    client: AsyncWebClient
    context: AsyncBoltContext


def on_click(
    events: Events, work: Callable[[Click], Awaitable[Reply | None]]
) -> Callable[..., Awaitable[None]]:
    """A bolt listener: ack at once, do `work`, send its reply; an error is told to the member."""

    async def listener(
        ack: AsyncAck,
        action: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        async with errors_to_member(context, body, events):
            reply = await work(Click(action, body, client, context))
            if reply is not None:
                await send(respond, reply)

    return listener
