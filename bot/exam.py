"""The mock exam: the real format (65 questions, 130 minutes), on the server's clock.

Questions are drawn by domain weight and spread over the task statements, with "choose TWO"
questions in the bank's proportion and unseen ones first. One question at a time, no right or
wrong until the end; Skip sends a question to the end; the exam lives in the database, so it
resumes after a restart. At the end every answer becomes an attempt (source `exam`) and an FSRS
review; answers after the deadline do not count and unanswered questions count wrong.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.content import Content, Question
from bot.errors import InvalidAnswer, NotFound, StudyBotError
from bot.learning_store import ExamItem, ExamRow
from bot.localtime import parse_stamp, stamp
from bot.readiness import scaled_score, scored_split
from bot.service import StudyService, parse_choice
from bot.store import StoredUser
from bot.views import PASS_MARK, ExamConfirm, ExamDomain, ExamResult, ExamStep, UserRef

__all__ = ["EXAM_SIZE", "MINUTES_PER_QUESTION", "ExamService", "assemble_exam"]

log = logging.getLogger(__name__)

EXAM_SIZE = 65
MINUTES_PER_QUESTION = 2  # 130 minutes for 65 questions
MIN_SIZE = 1

ExamView = ExamStep | ExamConfirm | ExamResult


def _pools(
    questions: Sequence[Question], seen: Mapping[str, bool], rng: random.Random
) -> dict[tuple[str, bool], list[str]]:
    """(task, choose-N?) -> question ids, unseen ones first, shuffled within each group."""
    pools: dict[tuple[str, bool], list[str]] = {}
    for q in sorted(questions, key=lambda q: (q.id in seen, rng.random())):
        pools.setdefault((q.task, q.choose > 1), []).append(q.id)
    return pools


def _domain_picks(
    questions: Sequence[Question], seen: Mapping[str, bool], count: int, multiple: int,
    rng: random.Random,
) -> list[str]:  # fmt: skip
    """`count` questions of one domain, `multiple` of them choose-N, taken from its task
    statements in turn so that every task gets its share."""
    pools = _pools(questions, seen, rng)
    tasks = sorted({task for task, _ in pools})
    rng.shuffle(tasks)
    # The picks that are choose-N questions, spread evenly over the domain's picks.
    many = {round((k + 0.5) * count / multiple) for k in range(multiple)} if multiple else set()
    picked: list[str] = []
    turn = 0
    for index in range(count):
        kinds = [index in many, index not in many]  # the wanted kind, then the other one
        found = None
        for kind in kinds:
            for step in range(len(tasks)):
                pool = pools.get((tasks[(turn + step) % len(tasks)], kind))
                if pool:
                    found = pool.pop(0)
                    turn += step + 1
                    break
            if found:
                break
        if found is None:
            break  # the domain has no question left
        picked.append(found)
    return picked


def assemble_exam(
    content: Content, seen: Mapping[str, bool], size: int, rng: random.Random
) -> list[str]:
    """The exam's question ids, in the order they are asked (see the module's docstring)."""
    domains = list(content.domains)
    counts = scored_split([d.weight for d in domains], size)
    every = list(content.questions.values())
    share = sum(q.type == "multiple" for q in every) / len(every) if every else 0.0
    multiples = scored_split(counts, round(size * share)) if size else [0] * len(domains)
    picked: list[str] = []
    for domain, count, multiple in zip(domains, counts, multiples, strict=True):
        mine = [q for q in every if q.domain == domain.id]
        picked += _domain_picks(mine, seen, count, multiple, rng)
    rng.shuffle(picked)
    return picked


class ExamService:
    """Start, answer, skip, finish and resume mock exams; returns views, never sends."""

    def __init__(self, study: StudyService) -> None:
        self.study = study
        self.store = study.store.learning
        self._finishing: dict[int, asyncio.Lock] = {}

    def _now(self) -> datetime:
        return self.study.clock()

    async def start(self, ref: UserRef, locale: str, size: int = EXAM_SIZE) -> ExamView:
        """A new exam, or the open one where the learner left it (one open exam at a time)."""
        self.study.check_open()
        if not MIN_SIZE <= size <= EXAM_SIZE:
            raise InvalidAnswer("exam.bad_size", low=MIN_SIZE, high=EXAM_SIZE)
        user = await self.study.store.user(ref)
        found = await self._open(user, locale)
        if found is not None:
            return found
        seen = await self.study.store.seen(user.id)
        questions = assemble_exam(self.study.content, seen, size, self.study.rng)
        now = self._now()
        deadline = now + timedelta(minutes=MINUTES_PER_QUESTION * len(questions))
        exam = await self.store.create_exam(
            user.id, len(questions), stamp(now), stamp(deadline), questions
        )
        if exam is None:  # started meanwhile (a double click, or another process)
            again = await self._open(user, locale)
            if again is None:
                raise StudyBotError("error.generic")
            return again
        log.info("exam %d started: %d questions", exam.id, exam.size)
        return await self._next(exam, user, locale)

    async def current(self, ref: UserRef, locale: str) -> ExamView | None:
        """The open exam's current step, or None when the learner has no open exam."""
        user = await self.study.store.user(ref)
        return await self._open(user, locale)

    async def _open(self, user: StoredUser, locale: str) -> ExamView | None:
        exam = await self.store.open_exam(user.id)
        if exam is None:
            return None
        if self._expired(exam):
            return await self._finish(exam, user, locale)
        step = await self._next(exam, user, locale)
        return dataclasses.replace(step, resumed=True) if isinstance(step, ExamStep) else step

    async def answer(
        self, ref: UserRef, exam_id: int, question_id: str, choice: str | Sequence[str], locale: str
    ) -> ExamView:
        """Record one answer (no right or wrong yet) and give the next step."""
        exam, user, item = await self._item(ref, exam_id, question_id)
        if self._expired(exam):
            return await self._finish(exam, user, locale)  # after the deadline: not counted
        letters = parse_choice(choice, self.study.question(question_id))
        if not await self.store.answer_item(
            exam.id, item.position, ",".join(letters), stamp(self._now())
        ):
            raise StudyBotError("exam.already_answered")
        return await self._next(exam, user, locale)

    async def skip(self, ref: UserRef, exam_id: int, question_id: str, locale: str) -> ExamView:
        """Send a question to the end of the exam."""
        exam, user, item = await self._item(ref, exam_id, question_id)
        if self._expired(exam):
            return await self._finish(exam, user, locale)
        await self.store.skip_item(exam.id, item.position)
        return await self._next(exam, user, locale)

    async def finish(self, ref: UserRef, exam_id: int, locale: str, confirmed: bool) -> ExamView:
        """End the exam: asks first while questions are unanswered, unless `confirmed`."""
        exam, user = await self._mine(ref, exam_id)
        if exam.finished_at is None and not confirmed and not self._expired(exam):
            items = await self.store.exam_items(exam.id)
            unanswered = sum(i.answered_at is None for i in items)
            if unanswered:
                return ExamConfirm(exam.id, locale, unanswered, self._seconds_left(exam))
        return await self._finish(exam, user, locale)

    async def result(self, ref: UserRef, exam_id: int, locale: str) -> ExamResult:
        """A finished exam's result, shown again."""
        exam, user = await self._mine(ref, exam_id)
        return await self._finish(exam, user, locale)

    # -- steps --------------------------------------------------------------------------------

    async def _mine(self, ref: UserRef, exam_id: int) -> tuple[ExamRow, StoredUser]:
        self.study.check_open()
        user = await self.study.store.user(ref)
        exam = await self.store.exam(exam_id)
        if exam is None:
            raise NotFound("exam.unknown")
        if exam.user_id != user.id:
            raise StudyBotError("error.not_yours")
        return exam, user

    async def _item(
        self, ref: UserRef, exam_id: int, question_id: str
    ) -> tuple[ExamRow, StoredUser, ExamItem]:
        exam, user = await self._mine(ref, exam_id)
        if exam.finished_at is not None:
            raise StudyBotError("exam.finished")
        items = await self.store.exam_items(exam.id)
        item = next((i for i in items if i.question_id == question_id), None)
        if item is None:
            raise NotFound("exam.unknown")
        return exam, user, item

    def _expired(self, exam: ExamRow) -> bool:
        return exam.finished_at is None and self._now() >= parse_stamp(exam.deadline)

    def _seconds_left(self, exam: ExamRow) -> int:
        return max(0, int((parse_stamp(exam.deadline) - self._now()).total_seconds()))

    async def _next(self, exam: ExamRow, user: StoredUser, locale: str) -> ExamView:
        items = await self.store.exam_items(exam.id)
        left = [i for i in items if i.answered_at is None]
        if not left:  # every question answered: the exam ends with its result
            return await self._finish(exam, user, locale)
        question = self.study.question(left[0].question_id)
        card = self.study.card(question, locale, f"x{exam.id}", "exam")
        answered = len(items) - len(left)
        return ExamStep(exam.id, card, answered + 1, len(items), answered, self._seconds_left(exam))

    async def _finish(self, exam: ExamRow, user: StoredUser, locale: str) -> ExamResult:
        # One finish at a time per exam in this process: a double click on "Finish" records once.
        lock = self._finishing.setdefault(exam.id, asyncio.Lock())
        async with lock:
            fresh = await self.store.exam(exam.id)
            exam = fresh or exam
            items = await self.store.exam_items(exam.id)
            graded = [(i, self._right(i)) for i in items]
            if exam.finished_at is None:
                await self._record(exam, user, graded)
                correct = sum(right for _, right in graded)
                finished = stamp(self._now())
                await self.store.finish_exam(
                    exam.id, finished, correct, self._score(correct, len(items))
                )
                exam = await self.store.exam(exam.id) or exam
        self._finishing.pop(exam.id, None)
        return self._result(exam, graded, locale)

    def _right(self, item: ExamItem) -> bool:
        question = self.study.content.questions.get(item.question_id)
        if question is None or item.choice is None:
            return False
        return set(item.choice.split(",")) == question.answer

    async def _record(
        self, exam: ExamRow, user: StoredUser, graded: list[tuple[ExamItem, bool]]
    ) -> None:
        """Every answer given in time becomes an attempt and an FSRS review, at the end of the
        exam (no right or wrong shows before it). Recording twice counts once: the nonce."""
        now = self._now()
        records = []
        for item, _ in graded:
            question = self.study.content.questions.get(item.question_id)
            if question is None or item.choice is None:
                continue
            letters = item.choice.split(",")
            attempt = self.study.attempt(
                user.id, user.community, question, letters, "exam", f"x{exam.id}", now
            )
            records.append(attempt)
        async with self.study.working():
            await asyncio.gather(*(self.study.store.record(r) for r in records))

    def _score(self, correct: int, total: int) -> int:
        return scaled_score(correct, total) if total else 100

    def _result(
        self, exam: ExamRow, graded: list[tuple[ExamItem, bool]], locale: str
    ) -> ExamResult:
        content = self.study.content
        per_domain: dict[int, list[bool]] = {d.id: [] for d in content.domains}
        missed = []
        for item, right in graded:
            question = content.questions.get(item.question_id)
            if question is None:
                continue
            per_domain[question.domain].append(right)
            if not right:
                missed.append((question.id, question.stem.get(locale)))
        correct = sum(right for _, right in graded)
        score = exam.score if exam.score is not None else self._score(correct, len(graded))
        started = parse_stamp(exam.started_at)
        ended = parse_stamp(exam.finished_at) if exam.finished_at else self._now()
        ended = min(ended, parse_stamp(exam.deadline))
        return ExamResult(
            exam_id=exam.id,
            locale=locale,
            total=len(graded),
            correct=correct,
            score=score,
            passed=score >= PASS_MARK,
            domains=tuple(
                ExamDomain(d.id, d.name.get(locale), sum(per_domain[d.id]), len(per_domain[d.id]))
                for d in content.domains
                if per_domain[d.id]
            ),
            seconds_used=max(0, int((ended - started).total_seconds())),
            missed=tuple(missed),
            expired=exam.finished_at is not None
            and parse_stamp(exam.finished_at) >= parse_stamp(exam.deadline),
        )
