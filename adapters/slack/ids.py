"""Action ids and button values: everything an answer needs travels in the click itself.

A click after a restart (or on another replica) carries the question id, the token and the
letter, so no in-memory state is needed to score it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from bot.errors import StudyBotError

__all__ = [
    "ANSWER",
    "ANSWER_ID",
    "NEXT",
    "PICK",
    "SUBMIT",
    "Pick",
    "checked_letters",
    "parse_scope",
]

log = logging.getLogger(__name__)

ANSWER = "sb.answer"  # one button per letter: sb.answer.A, sb.answer.B, ...
ANSWER_ID = re.compile(r"^sb\.answer\.[A-Z]$")
PICK = "sb.pick"  # the checkboxes of a choose-N question
SUBMIT = "sb.submit"
NEXT = "sb.next"
SEP = "|"
TOKEN = re.compile(r"^[0-9A-Za-z]{1,40}$")
QUESTION_ID = re.compile(r"^[0-9A-Za-z._:-]{1,120}$")


SCOPE = re.compile(r"^(?:[1-9](?:\.[1-9])?)?$")


def parse_scope(raw: str) -> str:
    """What the learner practises ("" any, "2" a domain, "2.3" a task); else a forged value."""
    if not SCOPE.match(raw):
        raise StudyBotError("error.stale_button")
    return raw


@dataclass(frozen=True, slots=True)
class Pick:
    """A click on a question: which question, its token, the letter (if a button) and the scope."""

    question_id: str
    token: str
    letter: str = ""
    scope: str = ""

    def encode(self) -> str:
        return SEP.join((self.question_id, self.token, self.letter, self.scope))

    @classmethod
    def decode(cls, value: object) -> Pick:
        parts = value.split(SEP) if isinstance(value, str) else []
        if len(parts) != 4:
            raise StudyBotError("error.stale_button")
        question_id, token, letter, scope = parts
        if not (QUESTION_ID.match(question_id) and TOKEN.match(token)):
            raise StudyBotError("error.stale_button")
        if letter and not re.fullmatch(r"[A-Z]", letter):
            raise StudyBotError("error.stale_button")
        return cls(question_id, token, letter, parse_scope(scope))


def checked_letters(state: object) -> list[str]:
    """The letters ticked in the message's checkboxes, from a block_actions `state`."""
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return []
    letters: list[str] = []
    for block in values.values():
        element: Any = block.get(PICK) if isinstance(block, dict) else None
        if not isinstance(element, dict):
            continue
        for option in element.get("selected_options") or ():
            if isinstance(option, dict) and isinstance(option.get("value"), str):
                letters.append(option["value"])
    return letters
