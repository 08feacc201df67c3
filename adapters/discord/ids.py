"""Button custom_ids that carry everything a click needs, so a click after a restart still works.

`sb:a:<scope>:<question id>:<token>:<letters>:<owner>`  answer (single letter, or Submit)
`sb:p:<scope>:<question id>:<token>:<letters>:<owner>`  choose-N toggle: the selection it leads to
`sb:n:<scope>:<owner>`                                   next question
`sb:rv:<owner>`                                          the member's most overdue review

The scope is what the learner practises: 0 (anything), a domain (2) or a task statement (2.3).

The owner is the member's id in base 36 (13 characters at most); Discord allows 100 characters.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

__all__ = [
    "ANSWER_TEMPLATE",
    "MAX_CUSTOM_ID",
    "NEXT_TEMPLATE",
    "PICK_TEMPLATE",
    "REVIEW_TEMPLATE",
    "NextKey",
    "QuizKey",
    "review_id",
]

MAX_CUSTOM_ID = 100
_SCOPE = r"(?P<scope>\d(?:\.\d)?)"
# Bounded, so that no custom_id Discord could deliver makes a key too long to rebuild.
_OWNER = r"(?P<owner>[0-9a-z]{1,13})"
_FIELDS = _SCOPE + r":(?P<qid>[^:]{1,60}):(?P<token>[^:]{1,40}):(?P<letters>[A-Z]{1,8}|-):" + _OWNER
ANSWER_TEMPLATE = re.compile("sb:a:" + _FIELDS)
PICK_TEMPLATE = re.compile("sb:p:" + _FIELDS)
NEXT_TEMPLATE = re.compile("sb:n:" + _SCOPE + ":" + _OWNER)
REVIEW_TEMPLATE = re.compile("sb:rv:" + _OWNER)
_DIGITS = string.digits + string.ascii_lowercase


def _b36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"custom_id longer than {MAX_CUSTOM_ID}: {custom_id!r}")
    return custom_id


@dataclass(frozen=True, slots=True)
class QuizKey:
    """What a quiz button carries: the scope, the question, its token, letters, owner."""

    scope: str
    question_id: str
    token: str
    letters: str
    owner: int

    def custom_id(self, kind: str) -> str:
        letters = self.letters or "-"
        return _checked(
            f"sb:{kind}:{self.scope}:{self.question_id}:{self.token}:{letters}:{_b36(self.owner)}"
        )

    @classmethod
    def parse(cls, match: re.Match[str]) -> QuizKey:
        letters = match["letters"]
        return cls(
            match["scope"],
            match["qid"],
            match["token"],
            "" if letters == "-" else letters,
            int(match["owner"], 36),
        )


@dataclass(frozen=True, slots=True)
class NextKey:
    """What a "Next question" button carries: the scope (0: any) and the owner."""

    scope: str
    owner: int

    def custom_id(self) -> str:
        return _checked(f"sb:n:{self.scope}:{_b36(self.owner)}")

    @classmethod
    def parse(cls, match: re.Match[str]) -> NextKey:
        return cls(match["scope"], int(match["owner"], 36))


def review_id(owner: int) -> str:
    return _checked(f"sb:rv:{_b36(owner)}")
