"""Slack button listeners: quiz answers, choose-N submits and "Next question".

Every listener acks first (Slack's 3-second deadline), then does the work and replies through
`response_url`; an error is told to the member by `errors_to_member`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.ids import ANSWER_ID, NEXT, PICK, SUBMIT, Pick, checked_letters, parse_scope
from adapters.slack.members import Member, member_session
from adapters.slack.mrkdwn import escape
from adapters.slack.render import card_blocks, feedback_blocks, say
from adapters.slack.replies import Reply, errors_to_member, send
from bot.errors import InvalidAnswer, StudyBotError
from bot.i18n import t
from bot.present import card_header
from bot.service import StudyService
from bot.views import Feedback, Scope

__all__ = ["question_reply", "register_button_fallback", "register_buttons"]

log = logging.getLogger(__name__)


async def question_reply(service: StudyService, m: Member, scope: Scope) -> Reply:
    """A new question in the learner's scope, as an ephemeral card with its buttons."""
    card = await service.next_question(m.ref, m.locale, scope.domain, task=scope.task)
    return Reply(say(card.locale, card_header(card)), card_blocks(card, scope))


def _scope(service: StudyService, code: str) -> Scope:
    try:
        return service.parse_scope(code)
    except InvalidAnswer:  # a domain or task this bank does not have: a stale or forged button
        raise StudyBotError("error.stale_button") from None


def _feedback(fb: Feedback, scope: Scope) -> Reply:
    text = t(fb.locale, "answer.right" if fb.correct else "answer.wrong")
    return Reply(escape(text), feedback_blocks(fb, scope), replace=True)


def _answer(service: StudyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        action: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        async with errors_to_member(context, body, service.events):
            pick = Pick.decode(action.get("value"))
            member = await member_session(service, client, context)
            choice = pick.letter or checked_letters(body.get("state"))
            fb = await service.answer(
                member.ref, pick.question_id, pick.token, choice, member.locale
            )
            await send(respond, _feedback(fb, _scope(service, pick.scope)))

    return listener


def _next(service: StudyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
        body: dict[str, Any],
    ) -> None:
        await ack()
        async with errors_to_member(context, body, service.events):
            scope = _scope(service, parse_scope(str(action.get("value") or "")))
            member = await member_session(service, client, context)
            await send(respond, await question_reply(service, member, scope))

    return listener


async def _ticked(ack: AsyncAck) -> None:
    # Ticking a checkbox is only recorded when Submit is clicked.
    await ack()


def _unknown_action(service: StudyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        body: dict[str, Any],
    ) -> None:
        await ack()
        async with errors_to_member(context, body, service.events):
            log.warning("no listener for action %r", str((action or {}).get("action_id"))[:60])
            await member_session(service, client, context)
            raise StudyBotError("error.stale_button")

    return listener


def register_buttons(app: AsyncApp, service: StudyService) -> None:
    """Attach the quiz buttons' listeners."""
    app.action(ANSWER_ID)(_answer(service))
    app.action(SUBMIT)(_answer(service))
    app.action(NEXT)(_next(service))
    app.action(PICK)(_ticked)


def register_button_fallback(app: AsyncApp, service: StudyService) -> None:
    """The catch-all for unknown actions: after every other action listener."""
    app.action(re.compile(r".*"))(_unknown_action(service))
