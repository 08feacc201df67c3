"""The mock exam and spaced review in Slack: /exam, /review and their buttons.

An exam's button carries its exam id and question id (`exam|question|letter`), so a click is
answered from the database alone, after a restart or on another replica; the core checks that the
exam is the clicking member's. Each step replaces the member's ephemeral exam message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp

from adapters.slack.ids import checked_letters
from adapters.slack.members import Member, member_session
from adapters.slack.render import (
    EXAM_BACK,
    EXAM_FINISH,
    EXAM_SKIP,
    EXAM_SUBMIT,
    REVIEW,
    card_blocks,
    exam_blocks,
    review_wait_blocks,
    say,
)
from adapters.slack.replies import Click, Reply, on_click
from bot.errors import InvalidAnswer, StudyBotError
from bot.present import (
    card_header,
    exam_confirm_line,
    exam_result_parts,
    exam_step_parts,
    review_wait,
)
from bot.services import Services
from bot.views import ExamConfirm, ExamResult, ExamStep, QuestionCard

__all__ = ["exam_command", "register_exam", "review_command"]

log = logging.getLogger(__name__)

ANSWER_ID = re.compile(r"^sb\.exam\.answer\.[A-Z]$")
VALUE = re.compile(r"^(\d{1,18})\|([0-9A-Za-z._:-]{1,120})(?:\|([A-Z]?))?$")
FINISH = re.compile(r"^(\d{1,18})\|([01])$")
MAX_SIZE = 65

ExamView = ExamStep | ExamConfirm | ExamResult


def _reply(view: ExamView, replace: bool) -> Reply:
    if isinstance(view, ExamStep):
        text = say(view.card.locale, exam_step_parts(view).title)
    elif isinstance(view, ExamConfirm):
        text = say(view.locale, exam_confirm_line(view))
    else:
        text = say(view.locale, exam_result_parts(view).title)
    return Reply(text, exam_blocks(view), replace)


def _value(action: dict[str, Any]) -> tuple[int, str, str]:
    found = VALUE.match(str(action.get("value") or ""))
    if found is None:
        raise StudyBotError("error.stale_button")
    return int(found.group(1)), found.group(2), found.group(3) or ""


async def review_command(
    services: Services, m: Member, args: list[str], cmd: dict[str, Any]
) -> Reply:
    """/review: the most overdue review, or when the next one is due."""
    found = await services.study.next_review(m.ref, m.locale)
    if isinstance(found, QuestionCard):
        return Reply(say(m.locale, card_header(found)), card_blocks(found))
    return Reply(say(m.locale, review_wait(found)), review_wait_blocks(found))


async def exam_command(
    services: Services, m: Member, args: list[str], cmd: dict[str, Any]
) -> Reply:
    """/exam [size]: a new mock exam, or the open one where the member left it."""
    if len(args) > 1 or (args and not args[0].isdigit()):
        raise InvalidAnswer("exam.bad_size", low=1, high=MAX_SIZE)
    size = int(args[0]) if args else MAX_SIZE
    return _reply(await services.exam.start(m.ref, m.locale, size), replace=False)


def register_exam(app: AsyncApp, services: Services) -> None:
    """Attach the exam's buttons and "Review now"."""
    exams, study = services.exam, services.study
    events = study.events

    async def member(click: Click) -> Member:
        return await member_session(study, click.client, click.context)

    async def answer(click: Click) -> Reply:
        m = await member(click)
        exam, question, letter = _value(click.action)
        choice = letter or checked_letters(click.body.get("state"))
        return _reply(await exams.answer(m.ref, exam, question, choice, m.locale), True)

    async def skip(click: Click) -> Reply:
        m = await member(click)
        exam, question, _ = _value(click.action)
        return _reply(await exams.skip(m.ref, exam, question, m.locale), True)

    async def finish(click: Click) -> Reply:
        m = await member(click)
        found = FINISH.match(str(click.action.get("value") or ""))
        if found is None:
            raise StudyBotError("error.stale_button")
        view = await exams.finish(m.ref, int(found.group(1)), m.locale, found.group(2) == "1")
        return _reply(view, True)

    async def back(click: Click) -> Reply:
        m = await member(click)
        value = str(click.action.get("value") or "")
        if not value.isdigit():
            raise StudyBotError("error.stale_button")
        view = await exams.current(m.ref, m.locale)
        return _reply(view or await exams.result(m.ref, int(value), m.locale), True)

    async def review(click: Click) -> Reply:
        m = await member(click)
        return await review_command(services, m, [], {})

    app.action(ANSWER_ID)(on_click(events, answer))
    app.action(EXAM_SUBMIT)(on_click(events, answer))
    app.action(EXAM_SKIP)(on_click(events, skip))
    app.action(EXAM_FINISH)(on_click(events, finish))
    app.action(EXAM_BACK)(on_click(events, back))
    app.action(REVIEW)(on_click(events, review))
