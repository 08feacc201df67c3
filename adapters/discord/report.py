"""Reporting a question on Discord: a button (or, under an exam's result, a menu) opens a form.

`sb:r:<question>`   the Report button under an answer's feedback
`sb:rs:<exam>`      the menu of an exam's missed questions, under its result
`sb:rm:<question>`  the form itself: a reason (a menu) and an optional text of 500 characters
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import ui

from adapters.discord.common import guarded, guild_ref, locale_of, on_error, reply, service_of
from adapters.discord.render import clip, say
from bot.i18n import t
from bot.present import report_thanks
from bot.service import MAX_REPORT
from bot.views import REPORT_REASONS, ExamResult

__all__ = ["REPORT_ITEMS", "ReportButton", "ReportModal", "ReportPicker"]

log = logging.getLogger(__name__)

BUTTON = re.compile(r"sb:r:(?P<qid>[^:]{1,60})")
PICKER = re.compile(r"sb:rs:(?P<exam>\d{1,18})")
MAX_OPTIONS = 25


class ReportModal(ui.Modal):
    """The form: why the question looks wrong, and details if the member wants to give some."""

    def __init__(self, question_id: str, locale: str) -> None:
        super().__init__(title=t(locale, "report.title"), custom_id=f"sb:rm:{question_id}"[:100])
        self.question_id = question_id
        self.reason: ui.Select[Any] = ui.Select(
            options=[
                discord.SelectOption(label=t(locale, f"report.reason.{r}"), value=r)
                for r in REPORT_REASONS
            ],
            min_values=1,
            max_values=1,
        )
        self.details: ui.TextInput[Any] = ui.TextInput(
            style=discord.TextStyle.long, required=False, max_length=MAX_REPORT
        )
        self.add_item(ui.Label(text=t(locale, "report.reason"), component=self.reason))
        self.add_item(ui.Label(text=t(locale, "report.text"), component=self.details))

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._save, update=False)

    async def _save(self, interaction: discord.Interaction[Any]) -> None:
        ref = guild_ref(interaction)
        locale = await locale_of(interaction)
        reason = self.reason.values[0] if self.reason.values else ""
        await service_of(interaction).report(ref, self.question_id, reason, self.details.value)
        await reply(interaction, say(locale, report_thanks(self.question_id)))


async def _open_form(interaction: discord.Interaction[Any], question_id: str) -> None:
    # No deferral here: a form can only be the first answer to a click.
    guild_ref(interaction)  # reports are per server, like answers
    service_of(interaction).question(question_id)  # an unknown question: one line, no form
    locale = await locale_of(interaction)
    await interaction.response.send_modal(ReportModal(question_id, locale))


class ReportButton(ui.DynamicItem[ui.Button[Any]], template=BUTTON):
    """Under an answer's feedback: report that question."""

    def __init__(self, question_id: str, label: str = "?") -> None:
        self.question_id = question_id
        button: ui.Button[Any] = ui.Button(
            label=label, style=discord.ButtonStyle.secondary, custom_id=f"sb:r:{question_id}"
        )
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> ReportButton:
        return cls(match["qid"], getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await _open_form(interaction, self.question_id)
        except Exception as error:
            await on_error(interaction, error)


class ReportPicker(ui.DynamicItem[ui.Select[Any]], template=PICKER):
    """Under an exam's result: pick one of the missed questions to report it."""

    def __init__(self, select: ui.Select[Any]) -> None:
        super().__init__(select)

    @classmethod
    def make(cls, result: ExamResult) -> ReportPicker:
        select: ui.Select[Any] = ui.Select(
            custom_id=f"sb:rs:{result.exam_id}",
            placeholder=t(result.locale, "report.title"),
            options=[
                discord.SelectOption(label=clip(f"{qid} — {stem}", 100), value=qid)
                for qid, stem in result.missed[:MAX_OPTIONS]
            ],
        )
        return cls(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> ReportPicker:
        if not isinstance(item, ui.Select):
            raise TypeError(f"not a select menu: {item!r}")
        return cls(item)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await _open_form(interaction, self.item.values[0])
        except Exception as error:
            await on_error(interaction, error)


REPORT_ITEMS = (ReportButton, ReportPicker)
