"""Slack slash commands and the App Home tab.

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

from adapters.slack.admin import daily_settings
from adapters.slack.buttons import question_reply
from adapters.slack.exam import exam_command, review_command
from adapters.slack.members import Member, member_session
from adapters.slack.mrkdwn import escape, section, tmd
from adapters.slack.render import (
    home_view,
    leaderboard_blocks,
    lesson_blocks,
    lessons_blocks,
    progress_blocks,
    say,
)
from adapters.slack.replies import Reply, errors_to_member, send
from bot.errors import InvalidAnswer, StudyBotError
from bot.present import leaderboard_parts, progress_parts
from bot.service import StudyService
from bot.services import Services

__all__ = ["COMMANDS", "register_command_fallback", "register_commands"]

log = logging.getLogger(__name__)

Command = Callable[[Services, Member, list[str], dict[str, Any]], Awaitable[Reply]]


async def quiz(services: Services, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    service = services.study
    return await question_reply(service, m, service.parse_scope(args[0] if args else None))


async def progress(services: Services, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    report = await services.study.progress(m.ref, m.locale)
    return Reply(say(m.locale, progress_parts(report).title), progress_blocks(report))


async def leaderboard(services: Services, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    service = services.study
    domain, period = service.parse_board_args(args)
    board = await service.leaderboard(m.ref, m.locale, domain, period)
    return Reply(say(m.locale, leaderboard_parts(board).title), leaderboard_blocks(board))


async def lesson(services: Services, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    service = services.study
    if not args:
        return Reply(tmd(m.locale, "lesson.list_title"), lessons_blocks(service.lessons(m.locale)))
    found = service.lesson(" ".join(args), m.locale)
    return Reply(escape(found.title), lesson_blocks(found))


async def lang(services: Services, m: Member, args: list[str], cmd: dict[str, Any]) -> Reply:
    if len(args) != 1 or args[0].lower() not in ("en", "fr"):
        raise InvalidAnswer("lang.usage")
    locale = await services.study.set_locale(m.ref, args[0].lower())
    return Reply(tmd(locale, "lang.set"), [section(tmd(locale, "lang.set"))])


COMMANDS: dict[str, Command] = {
    "/quiz": quiz,
    "/review": review_command,
    "/exam": exam_command,
    "/progress": progress,
    "/leaderboard": leaderboard,
    "/lesson": lesson,
    "/lang": lang,
    "/daily-settings": daily_settings,
}


def _command(services: Services, work: Command) -> Callable[..., Awaitable[None]]:
    service = services.study

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
            await send(respond, await work(services, member, args, command))

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


def register_commands(app: AsyncApp, services: Services) -> None:
    """Attach the slash commands and the App Home tab."""
    for name, work in COMMANDS.items():
        app.command(name)(_command(services, work))
    app.event("app_home_opened")(_home(services.study))


def register_command_fallback(app: AsyncApp, service: StudyService) -> None:
    """The catch-all for unknown commands: bolt runs the first listener that matches, so it goes
    after every other command listener."""
    app.command(re.compile(r".*"))(_unknown_command(service))
