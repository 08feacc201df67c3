"""Persistence for spaced-review cards, mock exams and question reports (either database).

Every write is one statement, as for answers: a card (columns of the learner's `seen` row for
the question) is written by its answer's own INSERT through a trigger, an exam's questions by the
exam's INSERT (a trigger explodes them into rows), an exam answer or skip is one UPDATE. So no
transaction spans awaits on the shared writer connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.localtime import parse_stamp
from bot.memory import CardState
from bot.sql import DuplicateRow, Sql

__all__ = [
    "ExamItem",
    "ExamRow",
    "LearningStore",
    "ReportRow",
    "Snapshot",
    "SqlLearningStore",
    "card_from_columns",
]

log = logging.getLogger(__name__)

EXAM_COLUMNS = "id, user_id, size, started_at, deadline, finished_at, correct, score"


@dataclass(frozen=True, slots=True)
class ExamRow:
    id: int
    user_id: int
    size: int
    started_at: str
    deadline: str
    finished_at: str | None
    correct: int | None
    score: int | None


@dataclass(frozen=True, slots=True)
class ExamItem:
    position: int
    question_id: str
    seq: int  # the order questions come in; a skip moves a question to the end
    choice: str | None
    answered_at: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What /progress needs of a learner's learning state, read at once."""

    cards: dict[str, CardState]
    firsts: dict[str, bool]  # question -> whether the first answer to it was right
    exams: list[ExamRow]  # the latest finished mock exams, newest first


@dataclass(frozen=True, slots=True)
class ReportRow:
    question_id: str
    reason: str
    text: str
    created_at: str
    updated_at: str
    community: str


class LearningStore(Protocol):
    """The learning features' persistence port."""

    async def card(self, user_id: int, question_id: str) -> CardState | None: ...
    async def cards(self, user_id: int) -> dict[str, CardState]: ...
    async def snapshot(self, user_id: int, exams: int) -> Snapshot: ...
    async def due(self, user_id: int, now: str, limit: int) -> list[str]: ...
    async def due_count(self, user_id: int, now: str) -> int: ...
    async def next_due(self, user_id: int, question_ids: Sequence[str]) -> str | None: ...
    async def firsts(self, user_id: int) -> dict[str, bool]: ...
    async def open_exam(self, user_id: int) -> ExamRow | None: ...
    async def exam(self, exam_id: int) -> ExamRow | None: ...
    async def create_exam(
        self, user_id: int, size: int, started_at: str, deadline: str, questions: list[str]
    ) -> ExamRow | None: ...
    async def exam_items(self, exam_id: int) -> list[ExamItem]: ...
    async def answer_item(self, exam_id: int, position: int, choice: str, at: str) -> bool: ...
    async def skip_item(self, exam_id: int, position: int) -> bool: ...
    async def finish_exam(self, exam_id: int, at: str, correct: int, score: int) -> bool: ...
    async def recent_exams(self, user_id: int, limit: int) -> list[ExamRow]: ...
    async def put_report(
        self, user_id: int, question_id: str, reason: str, text: str, now: str
    ) -> None: ...
    async def reports(self, community: str | None = None) -> list[ReportRow]: ...


def card_from_columns(row: Any) -> CardState:
    """A card from its columns: state, step, stability, difficulty, due, last review."""
    return CardState(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        parse_stamp(row[4]),
        parse_stamp(row[5]) if row[5] else None,
    )


class SqlLearningStore:
    """The implementation for both databases, on the main store's executor."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return await self.sql.rows(sql, params)

    async def card(self, user_id: int, question_id: str) -> CardState | None:
        rows = await self._rows(
            "SELECT card_state, card_step, stability, difficulty, due, reviewed_at FROM seen "
            "WHERE user_id = ? AND question_id = ? AND due IS NOT NULL",
            (user_id, question_id),
        )
        return card_from_columns(rows[0]) if rows else None

    async def cards(self, user_id: int) -> dict[str, CardState]:
        # One row of JSON: the reader thread takes the GIL back once, not once per card.
        columns = "question_id, card_state, card_step, stability, difficulty, due, reviewed_at"
        rows = await self._rows(
            f"SELECT {self.sql.json_rows(columns)} FROM seen WHERE user_id = ? AND due IS NOT NULL",
            (user_id,),
        )
        return {r[0]: card_from_columns(r[1:]) for r in json.loads(rows[0][0] or "[]")}

    async def snapshot(self, user_id: int, exams: int) -> Snapshot:
        """The learner's cards, first answers and latest exams, in one round trip."""
        seen_columns = (
            "question_id, first_correct, card_state, card_step, stability, difficulty, due, "
            "reviewed_at"
        )
        rows = await self._rows(
            f"SELECT (SELECT {self.sql.json_rows(seen_columns)} FROM seen WHERE user_id = ?), "
            f"(SELECT {self.sql.json_rows(EXAM_COLUMNS)} FROM (SELECT {EXAM_COLUMNS} "
            "FROM exams WHERE user_id = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT ?) e)",
            (user_id, user_id, exams),
        )
        seen, finished = (json.loads(x or "[]") for x in rows[0])
        return Snapshot(
            cards={r[0]: card_from_columns(r[2:]) for r in seen if r[6] is not None},
            firsts={r[0]: bool(r[1]) for r in seen if r[1] is not None},
            exams=[ExamRow(*r) for r in finished],
        )

    async def due(self, user_id: int, now: str, limit: int) -> list[str]:
        """Question ids of the cards due at `now`, most overdue first."""
        rows = await self._rows(
            "SELECT question_id FROM seen WHERE user_id = ? AND due <= ? ORDER BY due LIMIT ?",
            (user_id, now, limit),
        )
        return [r[0] for r in rows]

    async def due_count(self, user_id: int, now: str) -> int:
        rows = await self._rows(
            "SELECT count(*) FROM seen WHERE user_id = ? AND due <= ?", (user_id, now)
        )
        return int(rows[0][0])

    async def next_due(self, user_id: int, question_ids: Sequence[str]) -> str | None:
        """When the first of the learner's cards of these questions comes due (None: no card)."""
        if not question_ids:
            return None
        marks = ", ".join("?" * len(question_ids))
        rows = await self._rows(
            f"SELECT min(due) FROM seen WHERE user_id = ? AND question_id IN ({marks})",
            (user_id, *question_ids),
        )
        return rows[0][0] if rows and rows[0][0] else None

    async def firsts(self, user_id: int) -> dict[str, bool]:
        """Question id -> whether the learner's first answer to it was right."""
        rows = await self._rows(
            f"SELECT {self.sql.json_object('question_id', 'first_correct')} FROM seen "
            "WHERE user_id = ? AND first_correct IS NOT NULL",
            (user_id,),
        )
        return {q: bool(right) for q, right in json.loads(rows[0][0] or "{}").items()}

    # -- exams --------------------------------------------------------------------------------

    async def open_exam(self, user_id: int) -> ExamRow | None:
        rows = await self._rows(
            f"SELECT {EXAM_COLUMNS} FROM exams WHERE user_id = ? AND finished_at IS NULL",
            (user_id,),
        )
        return ExamRow(*rows[0]) if rows else None

    async def exam(self, exam_id: int) -> ExamRow | None:
        rows = await self._rows(f"SELECT {EXAM_COLUMNS} FROM exams WHERE id = ?", (exam_id,))
        return ExamRow(*rows[0]) if rows else None

    async def create_exam(
        self, user_id: int, size: int, started_at: str, deadline: str, questions: list[str]
    ) -> ExamRow | None:
        """A new open exam with its questions; None if the learner already has one open."""
        try:
            rows = await self.sql.rows(
                "INSERT INTO exams (user_id, size, started_at, deadline, questions) "
                f"VALUES (?, ?, ?, ?, ?) RETURNING {EXAM_COLUMNS}",
                (user_id, size, started_at, deadline, json.dumps(questions)),
                write=True,
            )
        except DuplicateRow:
            return None  # the unique index on open exams: another start won the race
        return ExamRow(*next(iter(rows)))

    async def exam_items(self, exam_id: int) -> list[ExamItem]:
        rows = await self._rows(
            "SELECT position, question_id, seq, choice, answered_at FROM exam_items "
            "WHERE exam_id = ? ORDER BY seq",
            (exam_id,),
        )
        return [ExamItem(*r) for r in rows]

    async def answer_item(self, exam_id: int, position: int, choice: str, at: str) -> bool:
        """Record an exam answer; False if that question was already answered (it stays)."""
        changed = await self.sql.run(
            "UPDATE exam_items SET choice = ?, answered_at = ? "
            "WHERE exam_id = ? AND position = ? AND answered_at IS NULL",
            (choice, at, exam_id, position),
        )
        return changed == 1

    async def skip_item(self, exam_id: int, position: int) -> bool:
        changed = await self.sql.run(
            "UPDATE exam_items SET seq = "
            "(SELECT max(seq) + 1 FROM exam_items WHERE exam_id = ?) "
            "WHERE exam_id = ? AND position = ? AND answered_at IS NULL",
            (exam_id, exam_id, position),
        )
        return changed == 1

    async def finish_exam(self, exam_id: int, at: str, correct: int, score: int) -> bool:
        """Close the exam with its result; False if it was already closed."""
        changed = await self.sql.run(
            "UPDATE exams SET finished_at = ?, correct = ?, score = ? "
            "WHERE id = ? AND finished_at IS NULL",
            (at, correct, score, exam_id),
        )
        return changed == 1

    async def recent_exams(self, user_id: int, limit: int) -> list[ExamRow]:
        rows = await self._rows(
            f"SELECT {EXAM_COLUMNS} FROM exams WHERE user_id = ? AND finished_at IS NOT NULL "
            "ORDER BY id DESC LIMIT ?",
            (user_id, limit),
        )
        return [ExamRow(*r) for r in rows]

    # -- reports ------------------------------------------------------------------------------

    async def put_report(
        self, user_id: int, question_id: str, reason: str, text: str, now: str
    ) -> None:
        """One report per learner and question: a second one replaces the first."""
        await self.sql.run(
            "INSERT INTO reports (user_id, question_id, reason, text, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, question_id) DO UPDATE SET "
            "reason = excluded.reason, text = excluded.text, updated_at = excluded.updated_at",
            (user_id, question_id, reason, text, now, now),
        )

    async def reports(self, community: str | None = None) -> list[ReportRow]:
        """Every report (or one community's), oldest first."""
        where, params = (
            ("WHERE u.platform || ':' || u.community = ?", (community,)) if community else ("", ())
        )
        rows = await self._rows(
            "SELECT r.question_id, r.reason, r.text, r.created_at, r.updated_at, "
            "u.platform || ':' || u.community FROM reports r JOIN users u ON u.id = r.user_id "
            f"{where} ORDER BY r.created_at",
            params,
        )
        return [ReportRow(*r) for r in rows]
