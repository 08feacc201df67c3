"""Slack listeners: slash commands, button clicks and the App Home tab.

Every listener acks first (Slack's 3-second deadline), then does the work and replies through
`response_url`. Errors are not caught here: they go to the app's one error handler.
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

from adapters.slack_blocks import (
    card_blocks,
    feedback_blocks,
    home_view,
    leaderboard_blocks,
    lesson_blocks,
    lessons_blocks,
    progress_blocks,
)
from adapters.slack_daily import daily_settings
from adapters.slack_ids import ANSWER_ID, NEXT, PICK, SUBMIT, Pick, checked_letters, parse_scope
from adapters.slack_members import Member, member_session
from adapters.slack_mrkdwn import escape, section, tmd
from adapters.slack_replies import Reply, errors_to_member, on_error, send
from adapters.text import leaderboard_title
from bot.errors import InvalidAnswer, StudyBotError
from bot.i18n import t
from bot.service import StudyService
from bot.views import Feedback, QuestionCard

__all__ = ["COMMANDS", "register", "register_fallbacks"]

log = logging.getLogger(__name__)

Command = Callable[[StudyService, Member, list[str], dict[str, Any]], Awaitable[Reply]]
PERIODS = ("week", "all")


def _domain(arg: str | None) -> int | None:
    if not arg:
        return None
    if arg.lower().lstrip("d") not in ("1", "2", "3", "4"):
        raise InvalidAnswer("error.bad_domain")
    return int(arg.lower().lstrip("d"))


def _card(card: QuestionCard, scope: int | None, replace: bool = False) -> Reply:
    text = t(
        card.locale, "quiz.header", domain=card.domain, domain_name=card.domain_name, task=card.task
    )
    return Reply(escape(text), card_blocks(card, scope), replace)


def _feedback(fb: Feedback, scope: int | None) -> Reply:
    text = t(fb.locale, "answer.right" if fb.correct else "answer.wrong")
    return Reply(escape(text), feedback_blocks(fb, scope), replace=True)


async def quiz(service: StudyService, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    scope = _domain(args[0] if args else None)
    return _card(await service.next_question(m.ref, m.locale, scope), scope)


async def progress(service: StudyService, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    report = await service.progress(m.ref, m.locale)
    return Reply(tmd(m.locale, "progress.title", name=report.display_name), progress_blocks(report))


async def leaderboard(
    service: StudyService, m: Member, args: list[str], cmd: dict[str, Any]
) -> Reply:
    period = next((a.lower() for a in args if a.lower() in PERIODS), "all")
    others = [a for a in args if a.lower() not in PERIODS]
    if any(not a.lower().lstrip("d").isdigit() for a in others):
        raise InvalidAnswer("error.bad_period")  # `/leaderboard weekly`: a period, misspelt
    domain = _domain(others[0] if others else None)
    board = await service.leaderboard(m.ref, m.locale, domain, period)
    return Reply(escape(leaderboard_title(board)), leaderboard_blocks(board))


async def lesson(service: StudyService, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    if not args:
        return Reply(tmd(m.locale, "lesson.list_title"), lessons_blocks(service.lessons(m.locale)))
    found = service.lesson(" ".join(args), m.locale)
    return Reply(escape(found.title), lesson_blocks(found))


async def lang(service: StudyService, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    if len(args) != 1 or args[0].lower() not in ("en", "fr"):
        raise InvalidAnswer("lang.usage")
    locale = await service.set_locale(m.ref, args[0].lower())
    return Reply(tmd(locale, "lang.set"), [section(tmd(locale, "lang.set"))])


COMMANDS: dict[str, Command] = {
    "/quiz": quiz,
    "/progress": progress,
    "/leaderboard": leaderboard,
    "/lesson": lesson,
    "/lang": lang,
    "/daily-settings": daily_settings,
}


def _command(service: StudyService, work: Command) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        respond: AsyncRespond,
        body: dict[str, Any],
    ) -> None:
        await ack()
        async with errors_to_member(context, body, service.events):
            service.events.command("slack", str(command.get("command")))
            name = str(command.get("user_name", ""))
            member = await member_session(service, client, context, name)
            args = str(command.get("text") or "").split()
            await send(respond, await work(service, member, args, command))

    return listener


def _unknown_command(service: StudyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        ack: AsyncAck,
        command: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
        body: dict[str, Any],
    ) -> None:
        await ack()
        async with errors_to_member(context, body, service.events):
            name = str(command.get("command"))[:40]
            log.warning("no listener for command %r", name)
            await member_session(service, client, context)
            raise StudyBotError("slack.unknown_command", command=name)

    return listener


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
            await send(respond, _feedback(fb, pick.scope))

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
            scope = parse_scope(str(action.get("value") or ""))
            member = await member_session(service, client, context)
            card = await service.next_question(member.ref, member.locale, scope)
            await send(respond, _card(card, scope))

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
            raise StudyBotError("slack.stale_button")

    return listener


def _home(service: StudyService) -> Callable[..., Awaitable[None]]:
    async def listener(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab") != "home":
            return
        member = await member_session(service, client, context)
        report = await service.progress(member.ref, member.locale)
        board = await service.leaderboard(member.ref, member.locale, None, "all")
        await client.views_publish(user_id=member.ref.user, view=home_view(report, board))

    return listener


def register(app: AsyncApp, service: StudyService) -> None:
    """Attach the commands, buttons and App Home listeners, and the app's one error handler."""
    app.error(on_error)
    for name, work in COMMANDS.items():
        app.command(name)(_command(service, work))
    app.action(ANSWER_ID)(_answer(service))
    app.action(SUBMIT)(_answer(service))
    app.action(NEXT)(_next(service))
    app.action(PICK)(_ticked)
    app.event("app_home_opened")(_home(service))


def register_fallbacks(app: AsyncApp, service: StudyService) -> None:
    """Catch-alls for unknown commands and actions. bolt runs the first listener that matches,
    so these go after every other listener (the daily post's buttons included)."""
    app.command(re.compile(r".*"))(_unknown_command(service))
    app.action(re.compile(r".*"))(_unknown_action(service))
