"""The mock exam on Discord: one ephemeral message that moves from question to question.

`sb:xa:<exam>:<question>:<letters>`  answer (a letter, or Submit with the letters ticked)
`sb:xp:<exam>:<question>:<letters>`  a choose-N toggle: the selection it leads to
`sb:xs:<exam>:<question>`            skip: the question goes to the end
`sb:xf:<exam>:<0|1>`                 finish (1: confirmed)
`sb:xb:<exam>`                       back to the exam from "finish?"

A click needs only its id and the database, so the controls work after a restart; the core
checks that the exam is the clicking member's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Self

import discord
from discord import ui

from adapters.discord.buttons import ReviewButton
from adapters.discord.common import edit, guarded, guild_ref, locale_of, reply
from adapters.discord.render import exam_embed, exam_result_embed, say
from adapters.discord.report import ReportPicker
from bot.exam import ExamService
from bot.i18n import t
from bot.present import exam_confirm_line
from bot.views import ExamConfirm, ExamResult, ExamStep

__all__ = ["EXAM_ITEMS", "exam_message", "send_exam"]

log = logging.getLogger(__name__)

PER_ROW = 5
PRIMARY, SECONDARY = discord.ButtonStyle.primary, discord.ButtonStyle.secondary
SUCCESS, DANGER = discord.ButtonStyle.success, discord.ButtonStyle.danger
_QUESTION = r"(?P<exam>\d{1,18}):(?P<qid>[^:]{1,60})"
ANSWER = re.compile(r"sb:xa:" + _QUESTION + r":(?P<letters>[A-Z]{1,8}|-)")
PICK = re.compile(r"sb:xp:" + _QUESTION + r":(?P<letters>[A-Z]{1,8}|-)")
SKIP = re.compile(r"sb:xs:" + _QUESTION)
FINISH = re.compile(r"sb:xf:(?P<exam>\d{1,18}):(?P<confirmed>[01])")
BACK = re.compile(r"sb:xb:(?P<exam>\d{1,18})")

ExamView = ExamStep | ExamConfirm | ExamResult
Action = Callable[[ExamService, discord.Interaction[Any], str], Awaitable[ExamView]]


def _exams(interaction: discord.Interaction[Any]) -> ExamService:
    exams: ExamService = interaction.client.exam
    return exams


def _letters(raw: str) -> str:
    return "" if raw == "-" else raw


def exam_message(view: ExamView, owner: int, selected: str = "") -> dict[str, Any]:
    """The message's content, embed and components for an exam step, "finish?" or result."""
    if isinstance(view, ExamStep):
        embed = exam_embed(view, selected)
        return {"content": None, "embed": embed, "view": _step_view(view, selected)}
    if isinstance(view, ExamConfirm):
        text = say(view.locale, exam_confirm_line(view))
        return {"content": text, "embed": None, "view": _confirm_view(view)}
    return {"content": None, "embed": exam_result_embed(view), "view": _result_view(view, owner)}


def _step_view(step: ExamStep, selected: str) -> ui.View:
    card, exam = step.card, step.exam_id
    loc = card.locale
    view = ui.View(timeout=None)
    for i, letter in enumerate(card.letters):
        row = i // PER_ROW
        if card.choose == 1:
            custom = f"sb:xa:{exam}:{card.question_id}:{letter}"
            view.add_item(ExamAnswer.make(letter, custom, PRIMARY, row))
            continue
        toggled = "".join(sorted(set(selected) ^ {letter})) or "-"
        style = SUCCESS if letter in selected else SECONDARY
        view.add_item(
            ExamPick.make(letter, f"sb:xp:{exam}:{card.question_id}:{toggled}", style, row)
        )
    row = (len(card.letters) - 1) // PER_ROW + 1
    if card.choose > 1:
        ready = len(selected) == card.choose
        custom = f"sb:xa:{exam}:{card.question_id}:{selected or '-'}"
        view.add_item(ExamAnswer.make(t(loc, "quiz.submit"), custom, SUCCESS, row, not ready))
    skip = f"sb:xs:{exam}:{card.question_id}"
    view.add_item(ExamSkip.make(t(loc, "exam.skip"), skip, SECONDARY, row))
    view.add_item(ExamFinish.make(t(loc, "exam.finish"), f"sb:xf:{exam}:0", DANGER, row))
    return view


def _confirm_view(confirm: ExamConfirm) -> ui.View:
    loc, exam = confirm.locale, confirm.exam_id
    view = ui.View(timeout=None)
    view.add_item(ExamFinish.make(t(loc, "exam.finish"), f"sb:xf:{exam}:1", DANGER))
    view.add_item(ExamBack.make(t(loc, "exam.back"), f"sb:xb:{exam}", SECONDARY))
    return view


def _result_view(result: ExamResult, owner: int) -> ui.View:
    view = ui.View(timeout=None)
    if result.missed:
        view.add_item(ReviewButton.make(result.locale, owner))
        view.add_item(ReportPicker.make(result))
    return view


async def _show(interaction: discord.Interaction[Any], view: ExamView, selected: str = "") -> None:
    await edit(interaction, **exam_message(view, interaction.user.id, selected))


async def send_exam(interaction: discord.Interaction[Any], size: int) -> None:
    """Start a mock exam, or show the open one where the member left it."""
    ref = guild_ref(interaction)
    locale = await locale_of(interaction)
    view = await _exams(interaction).start(ref, locale, size)
    parts = exam_message(view, interaction.user.id)
    embed = parts["embed"] or discord.utils.MISSING
    await reply(interaction, parts["content"], embed=embed, view=parts["view"])


class _Control(ui.DynamicItem[ui.Button[Any]], template=re.compile(r"sb:x-base")):
    """The exam's buttons: each parses its id, asks the core, shows the next step."""

    def __init__(self, button: ui.Button[Any], row: int | None = None) -> None:
        super().__init__(button, row=row)
        found = self.__discord_ui_compiled_template__.fullmatch(button.custom_id or "")
        assert found is not None, button.custom_id
        self.match = found

    @classmethod
    def make(
        cls, label: str, custom_id: str, style: discord.ButtonStyle, row: int = 0,
        disabled: bool = False,
    ) -> Self:  # fmt: skip
        button: ui.Button[Any] = ui.Button(
            label=label, custom_id=custom_id, style=style, disabled=disabled
        )
        return cls(button, row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        if isinstance(item, ui.Button):
            return cls(item)
        return cls(ui.Button(label="?", custom_id=match.string))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._run)

    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError


class ExamAnswer(_Control, template=ANSWER):
    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        m = self.match
        view = await _exams(interaction).answer(
            guild_ref(interaction), int(m["exam"]), m["qid"], list(_letters(m["letters"])),
            await locale_of(interaction),
        )  # fmt: skip
        await _show(interaction, view)


class ExamPick(_Control, template=PICK):
    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        m = self.match
        view = await _exams(interaction).current(
            guild_ref(interaction), await locale_of(interaction)
        )
        if isinstance(view, ExamStep) and view.card.question_id == m["qid"]:
            await _show(interaction, view, _letters(m["letters"]))
            return
        await _show(interaction, view or await self._finished(interaction))

    async def _finished(self, interaction: discord.Interaction[Any]) -> ExamView:
        return await _exams(interaction).result(
            guild_ref(interaction), int(self.match["exam"]), await locale_of(interaction)
        )


class ExamSkip(_Control, template=SKIP):
    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        m = self.match
        view = await _exams(interaction).skip(
            guild_ref(interaction), int(m["exam"]), m["qid"], await locale_of(interaction)
        )
        await _show(interaction, view)


class ExamFinish(_Control, template=FINISH):
    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        m = self.match
        view = await _exams(interaction).finish(
            guild_ref(interaction), int(m["exam"]), await locale_of(interaction),
            confirmed=m["confirmed"] == "1",
        )  # fmt: skip
        await _show(interaction, view)


class ExamBack(_Control, template=BACK):
    async def _run(self, interaction: discord.Interaction[Any]) -> None:
        ref, locale = guild_ref(interaction), await locale_of(interaction)
        view = await _exams(interaction).current(ref, locale)
        if view is None:
            view = await _exams(interaction).result(ref, int(self.match["exam"]), locale)
        await _show(interaction, view)


EXAM_ITEMS = (ExamAnswer, ExamPick, ExamSkip, ExamFinish, ExamBack)
