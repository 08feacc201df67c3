"""Quiz buttons as `ui.DynamicItem`s: the custom_id carries the state, so they survive restarts."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import ui

from adapters.discord.common import (
    edit,
    guarded,
    guild_ref,
    locale_of,
    reply,
    service_of,
)
from adapters.discord.ids import (
    ANSWER_TEMPLATE,
    NEXT_TEMPLATE,
    PICK_TEMPLATE,
    REVIEW_TEMPLATE,
    NextKey,
    QuizKey,
    review_id,
)
from adapters.discord.render import card_embed, feedback_embed, say
from adapters.discord.report import ReportButton
from bot.i18n import t
from bot.present import feedback_parts, review_wait
from bot.views import Feedback, QuestionCard, Scope

__all__ = [
    "DYNAMIC_ITEMS",
    "AnswerButton",
    "NextButton",
    "PickButton",
    "feedback_view",
    "next_view",
    "quiz_view",
    "repeat_text",
    "scope_id",
    "send_question",
    "send_review",
]

log = logging.getLogger(__name__)

PER_ROW = 5


class AnswerButton(ui.DynamicItem[ui.Button[Any]], template=ANSWER_TEMPLATE):
    """A letter of a single-answer question, or the Submit of a choose-N question."""

    def __init__(
        self,
        key: QuizKey,
        label: str,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
        disabled: bool = False,
        row: int = 0,
    ) -> None:
        self.key = key
        button: ui.Button[Any] = ui.Button(
            label=label, style=style, custom_id=key.custom_id("a"), disabled=disabled
        )
        super().__init__(button, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(QuizKey.parse(match), getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._answer, self.key.owner)

    async def _answer(self, interaction: discord.Interaction[Any]) -> None:
        key = self.key
        ref = guild_ref(interaction)
        locale = await locale_of(interaction)
        fb = await service_of(interaction).answer(
            ref, key.question_id, key.token, key.letters, locale
        )
        if not fb.counted:
            await reply(interaction, repeat_text(fb))
            return
        await edit(
            interaction, embed=feedback_embed(fb), view=feedback_view(fb, key.scope, key.owner)
        )


class PickButton(ui.DynamicItem[ui.Button[Any]], template=PICK_TEMPLATE):
    """One option of a choose-N question: a click toggles it; the state lives in the message."""

    def __init__(self, key: QuizKey, label: str, *, chosen: bool = False, row: int = 0) -> None:
        self.key = key
        style = discord.ButtonStyle.success if chosen else discord.ButtonStyle.secondary
        button: ui.Button[Any] = ui.Button(label=label, style=style, custom_id=key.custom_id("p"))
        super().__init__(button, row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> PickButton:
        return cls(QuizKey.parse(match), getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._pick, self.key.owner)

    async def _pick(self, interaction: discord.Interaction[Any]) -> None:
        key = self.key
        guild_ref(interaction)
        service = service_of(interaction)
        locale = await locale_of(interaction)
        card = service.card(service.question(key.question_id), locale, key.token)
        selected = "".join(x for x in key.letters if x in card.letters)
        view = quiz_view(card, key.scope, key.owner, selected)
        await edit(interaction, embed=card_embed(card, selected), view=view)


class NextButton(ui.DynamicItem[ui.Button[Any]], template=NEXT_TEMPLATE):
    """Another question for the same member, in the same scope."""

    def __init__(self, key: NextKey, label: str) -> None:
        self.key = key
        button: ui.Button[Any] = ui.Button(
            label=label, style=discord.ButtonStyle.primary, custom_id=key.custom_id()
        )
        super().__init__(button)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> NextButton:
        return cls(NextKey.parse(match), getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._next, self.key.owner)

    async def _next(self, interaction: discord.Interaction[Any]) -> None:
        scope = "" if self.key.scope == "0" else self.key.scope
        await send_question(interaction, service_of(interaction).parse_scope(scope))


class ReviewButton(ui.DynamicItem[ui.Button[Any]], template=REVIEW_TEMPLATE):
    """The member's most overdue review (after an exam's result, for the missed questions)."""

    def __init__(self, owner: int, label: str = "?") -> None:
        self.owner = owner
        button: ui.Button[Any] = ui.Button(
            label=label, style=discord.ButtonStyle.primary, custom_id=review_id(owner)
        )
        super().__init__(button)

    @classmethod
    def make(cls, locale: str, owner: int) -> ReviewButton:
        return cls(owner, t(locale, "quiz.review_now"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(int(match["owner"], 36), getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, send_review, self.owner)


DYNAMIC_ITEMS = (AnswerButton, PickButton, NextButton, ReviewButton)


def _toggled(selected: str, letter: str) -> str:
    chosen = set(selected) ^ {letter}
    return "".join(sorted(chosen))


def repeat_text(fb: Feedback) -> str:
    """A repeat click's short reply: only the first answer counted, and the right answer."""
    return "\n".join(say(fb.locale, x) for x in feedback_parts(fb).short)


def scope_id(scope: Scope) -> str:
    return scope.encode() or "0"


def quiz_view(card: QuestionCard, scope: str, owner: int, selected: str = "") -> ui.View:
    """One button per letter; a choose-N question adds toggles' state and a Submit button."""
    view = ui.View(timeout=None)
    for i, letter in enumerate(card.letters):
        key = QuizKey(scope, card.question_id, card.token, letter, owner)
        if card.choose == 1:
            view.add_item(AnswerButton(key, letter, row=i // PER_ROW))
            continue
        pick = QuizKey(scope, card.question_id, card.token, _toggled(selected, letter), owner)
        view.add_item(PickButton(pick, letter, chosen=letter in selected, row=i // PER_ROW))
    if card.choose > 1:
        submit = QuizKey(scope, card.question_id, card.token, selected, owner)
        row = (len(card.letters) - 1) // PER_ROW + 1
        ready = len(selected) == card.choose
        view.add_item(
            AnswerButton(
                submit,
                t(card.locale, "quiz.submit"),
                style=discord.ButtonStyle.success,
                disabled=not ready,
                row=row,
            )
        )
    return view


def next_view(locale: str, scope: str, owner: int, label: str = "") -> ui.View:
    view = ui.View(timeout=None)
    view.add_item(NextButton(NextKey(scope, owner), label or t(locale, "quiz.next")))
    return view


def feedback_view(fb: Feedback, scope: str, owner: int) -> ui.View:
    view = next_view(fb.locale, scope, owner)
    view.add_item(ReportButton(fb.question_id, t(fb.locale, "report.button")))
    if fb.references:
        view.add_item(ui.Button(label=t(fb.locale, "discord.docs"), url=fb.references[0]))
    return view


async def send_review(interaction: discord.Interaction[Any]) -> None:
    """The member's most overdue review, or when the next one is due."""
    ref = guild_ref(interaction)
    locale = await locale_of(interaction)
    found = await service_of(interaction).next_review(ref, locale)
    if not isinstance(found, QuestionCard):
        await reply(interaction, say(locale, review_wait(found)))
        return
    view = quiz_view(found, "0", interaction.user.id)
    await reply(interaction, embed=card_embed(found), view=view)


async def send_question(interaction: discord.Interaction[Any], scope: Scope) -> None:
    """Serve the member a question as an ephemeral message with its buttons."""
    ref = guild_ref(interaction)
    locale = await locale_of(interaction)
    service = service_of(interaction)
    card = await service.next_question(ref, locale, scope.domain, task=scope.task)
    view = quiz_view(card, scope_id(scope), interaction.user.id)
    await reply(interaction, embed=card_embed(card), view=view)
