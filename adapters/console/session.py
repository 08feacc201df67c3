"""The terminal's commands: one learner types a line, the session returns the text to print."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from adapters.shared.text import (
    render_card,
    render_daily_card,
    render_exam,
    render_feedback,
    render_leaderboard,
    render_lesson,
    render_lessons,
    render_progress,
    render_review_wait,
    say,
)
from bot.errors import InvalidAnswer, StorageError, StudyBotError
from bot.i18n import t
from bot.present import report_thanks
from bot.services import Services
from bot.views import (
    REPORT_REASONS,
    ExamConfirm,
    ExamResult,
    ExamStep,
    QuestionCard,
    Scope,
    UserRef,
)

__all__ = ["CHANNEL", "COMMUNITY", "PLATFORM", "ConsoleSession"]

log = logging.getLogger(__name__)

PLATFORM = "console"
COMMUNITY = "local"
CHANNEL = "terminal"
MAX_STORAGE_FAILURES = 3
LETTERS = re.compile(r"^[A-Za-z](\s*[,;/ ]?\s*[A-Za-z])*$")

ExamView = ExamStep | ExamConfirm | ExamResult


def parse_reason(word: str) -> str:
    """A report reason from its name or an unambiguous start of it (`wrong`, `typo`)."""
    found = [r for r in REPORT_REASONS if r.startswith(word.lower())]
    if len(found) != 1:
        raise InvalidAnswer("report.bad_reason", reasons=", ".join(REPORT_REASONS))
    return found[0]


class ConsoleSession:
    """One learner at the terminal: turns a typed line into the text to print."""

    def __init__(self, services: Services, ref: UserRef, locale: str) -> None:
        self.services = services
        self.service = services.study
        self.daily = services.daily
        self.exams = services.exam
        self.ref = ref
        self.locale = locale
        self.pending: QuestionCard | None = None
        self.pending_post: int | None = None
        self.exam: ExamStep | None = None  # the exam question waiting for an answer
        self.confirming = False  # /finish was typed once with questions unanswered
        self.shown: str | None = None  # the last question shown: what /report is about
        self.scope = Scope()
        self.done = False
        self.failed = False  # stopped because the database cannot be written: exit code 1
        self.storage_failures = 0  # answers that could not be written, in a row
        self.commands: dict[str, Callable[[list[str]], Awaitable[str]]] = {
            "/quiz": self.quiz,
            "next": self.next,
            "/next": self.next,
            "/review": self.review,
            "/exam": self.start_exam,
            "/skip": self.skip,
            "/finish": self.finish,
            "/report": self.report,
            "/progress": self.progress,
            "/leaderboard": self.leaderboard,
            "/lesson": self.lesson,
            "/lessons": self.lesson,
            "/lang": self.lang,
            "/daily": self.daily_question,
            "/help": self.help,
            "/quit": self.quit,
            "/exit": self.quit,
        }

    async def handle(self, line: str) -> str:
        """The reply to one input line; errors become a one-line hint, never a traceback."""
        line = line.strip()
        if not line:
            return ""
        try:
            return await self._dispatch(line)
        except StorageError as e:
            return self._storage_failed(e)
        except StudyBotError as e:
            return t(self.locale, e.key, **e.params)
        except Exception:
            log.exception("console command failed: %r", line)
            return t(self.locale, "error.generic")

    def _storage_failed(self, error: StorageError) -> str:
        """One line per failed write; after several in a row, the terminal bot stops (exit 1)."""
        self.storage_failures += 1
        if self.storage_failures < MAX_STORAGE_FAILURES:
            return t(self.locale, error.key)
        self.done = self.failed = True
        return t(self.locale, "console.storage_stop", cause=error.cause)

    async def _dispatch(self, line: str) -> str:
        word, *args = line.split()
        command = self.commands.get(word.lower())
        if command is not None:
            if word.lower() != "/finish":
                self.confirming = False
            return await command(args)
        if self.exam is not None and not line.startswith("/"):
            return await self.exam_answer(line)
        if self.pending is not None and not line.startswith("/"):
            return await self.answer(line)
        if LETTERS.match(line) and len(line) <= 9:
            raise StudyBotError("error.no_question")
        raise StudyBotError("error.unknown_command", command=word)

    def _show(self, card: QuestionCard, post: int | None = None) -> None:
        self.pending, self.pending_post, self.exam = card, post, None
        self.shown = card.question_id

    # -- quiz, review, daily ------------------------------------------------------------------

    async def quiz(self, args: list[str]) -> str:
        self.scope = self.service.parse_scope(args[0] if args else None)
        return await self.next([])

    async def next(self, args: list[str]) -> str:
        scope = self.scope
        card = await self.service.next_question(
            self.ref, self.locale, scope.domain, task=scope.task
        )
        self._show(card)
        return render_card(card)

    async def review(self, args: list[str]) -> str:
        scope = self.service.parse_scope(args[0] if args else None)
        found = await self.service.next_review(self.ref, self.locale, scope.domain, task=scope.task)
        if not isinstance(found, QuestionCard):
            return render_review_wait(found)
        self._show(found)
        return render_card(found)

    async def daily_question(self, args: list[str]) -> str:
        channels = await self.service.daily_channels(PLATFORM, COMMUNITY)
        channel = next((c for c in channels if c.channel == CHANNEL), None)
        if channel is None:
            channel = await self.daily.configure(PLATFORM, COMMUNITY, CHANNEL)
        post = await self.daily.today(channel)
        card = self.daily.card(post, self.locale)
        self._show(card, post.id)
        return render_daily_card(card, post.local_date)

    async def answer(self, text: str) -> str:
        card = self.pending
        assert card is not None
        if self.pending_post is not None:
            feedback = await self.daily.answer(self.ref, self.pending_post, text, self.locale)
        else:
            feedback = await self.service.answer(
                self.ref, card.question_id, card.token, text, self.locale
            )
        self.pending = None
        self.pending_post = None
        self.storage_failures = 0
        return render_feedback(feedback)

    # -- mock exam ----------------------------------------------------------------------------

    async def start_exam(self, args: list[str]) -> str:
        if args and not args[0].isdigit():
            raise InvalidAnswer("exam.bad_size", low=1, high=65)
        size = int(args[0]) if args else 65
        return self._exam_view(await self.exams.start(self.ref, self.locale, size))

    async def exam_answer(self, text: str) -> str:
        step = self.exam
        assert step is not None
        view = await self.exams.answer(
            self.ref, step.exam_id, step.card.question_id, text, self.locale
        )
        return self._exam_view(view)

    async def skip(self, args: list[str]) -> str:
        step = self.exam or await self._current_exam()
        view = await self.exams.skip(self.ref, step.exam_id, step.card.question_id, self.locale)
        return self._exam_view(view)

    async def finish(self, args: list[str]) -> str:
        step = self.exam or await self._current_exam()
        view = await self.exams.finish(self.ref, step.exam_id, self.locale, self.confirming)
        self.confirming = isinstance(view, ExamConfirm)
        return self._exam_view(view)

    async def _current_exam(self) -> ExamStep:
        view = await self.exams.current(self.ref, self.locale)
        if isinstance(view, ExamStep):
            return view
        if isinstance(view, ExamConfirm):  # every question answered: the step to finish from
            raise StudyBotError("exam.console_confirm")
        raise StudyBotError("exam.none")

    def _exam_view(self, view: ExamView) -> str:
        self.exam = view if isinstance(view, ExamStep) else None
        if isinstance(view, ExamStep):
            self.pending, self.pending_post = None, None
            self.shown = view.card.question_id
        return render_exam(view)

    # -- reports, progress, leaderboards, lessons ---------------------------------------------

    async def report(self, args: list[str]) -> str:
        if not args:
            return t(self.locale, "report.usage", reasons=", ".join(REPORT_REASONS))
        if self.shown is None:
            raise StudyBotError("report.nothing")
        reason = parse_reason(args[0])
        await self.service.report(self.ref, self.shown, reason, " ".join(args[1:]))
        return say(self.locale, report_thanks(self.shown))

    async def progress(self, args: list[str]) -> str:
        return render_progress(await self.service.progress(self.ref, self.locale))

    async def leaderboard(self, args: list[str]) -> str:
        domain, period = self.service.parse_board_args(args)
        board = await self.service.leaderboard(self.ref, self.locale, domain, period)
        return render_leaderboard(board)

    async def lesson(self, args: list[str]) -> str:
        if not args:
            return render_lessons(self.service.lessons(self.locale))
        return render_lesson(self.service.lesson(" ".join(args), self.locale))

    async def lang(self, args: list[str]) -> str:
        if not args or args[0].lower() not in ("en", "fr"):
            return t(self.locale, "lang.usage")
        self.locale = await self.service.set_locale(self.ref, args[0].lower())
        if self.pending is not None:
            # Show the waiting question again, now in the new language.
            question = self.service.question(self.pending.question_id)
            self.pending = self.service.card(
                question, self.locale, self.pending.token, self.pending.kind
            )
            return f"{t(self.locale, 'lang.set')}\n\n{render_card(self.pending)}"
        return t(self.locale, "lang.set")

    async def help(self, args: list[str]) -> str:
        return f"{t(self.locale, 'help.title')}\n\n{t(self.locale, 'help.body')}"

    async def quit(self, args: list[str]) -> str:
        self.done = True
        return t(self.locale, "console.bye")
