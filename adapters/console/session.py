"""The terminal's commands: one learner types a line, the session returns what to show."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from adapters.console.shown import DailyCard, Reply, Said, Shown
from adapters.shared.picture import ProgressPictures
from adapters.shared.text import say
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
Out = Shown | list[Shown]
THEMES = ("dark", "light")


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
        self.pictures = ProgressPictures(size=4)
        self.commands: dict[str, Callable[[list[str]], Awaitable[Out]]] = {
            "/quiz": self.quiz,
            "next": self.next,
            "/next": self.next,
            "/review": self.review,
            "/exam": self.start_exam,
            "/skip": self.skip,
            "/finish": self.finish,
            "/report": self.report,
            "/progress": self.progress,
            "/stats": self.stats,
            "/leaderboard": self.leaderboard,
            "/lesson": self.lesson,
            "/lessons": self.lesson,
            "/lang": self.lang,
            "/daily": self.daily_question,
            "/help": self.help,
            "/quit": self.quit,
            "/exit": self.quit,
        }

    async def handle(self, line: str) -> Reply:
        """What one input line shows; errors become a one-line hint, never a traceback."""
        line = line.strip()
        if not line:
            return Reply()
        try:
            shown = await self._dispatch(line)
        except StorageError as e:
            return Reply((Said(self._storage_failed(e), "error"),))
        except StudyBotError as e:
            return Reply((Said(t(self.locale, e.key, **e.params), "error"),))
        except Exception:
            log.exception("console command failed: %r", line)
            return Reply((Said(t(self.locale, "error.generic"), "error"),))
        return Reply(tuple(shown) if isinstance(shown, list) else (shown,))

    def _say(self, key: str, tone: str = "", **params: object) -> Said:
        return Said(t(self.locale, key, **params), tone)

    def _storage_failed(self, error: StorageError) -> str:
        """One line per failed write; after several in a row, the terminal bot stops (exit 1)."""
        self.storage_failures += 1
        if self.storage_failures < MAX_STORAGE_FAILURES:
            return t(self.locale, error.key)
        self.done = self.failed = True
        return t(self.locale, "console.storage_stop", cause=error.cause)

    async def _dispatch(self, line: str) -> Out:
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

    async def quiz(self, args: list[str]) -> Out:
        self.scope = self.service.parse_scope(args[0] if args else None)
        return await self.next([])

    async def next(self, args: list[str]) -> Out:
        scope = self.scope
        card = await self.service.next_question(
            self.ref, self.locale, scope.domain, task=scope.task
        )
        self._show(card)
        return card

    async def review(self, args: list[str]) -> Out:
        scope = self.service.parse_scope(args[0] if args else None)
        found = await self.service.next_review(self.ref, self.locale, scope.domain, task=scope.task)
        if not isinstance(found, QuestionCard):
            return found
        self._show(found)
        return found

    async def daily_question(self, args: list[str]) -> Out:
        channels = await self.service.daily_channels(PLATFORM, COMMUNITY)
        channel = next((c for c in channels if c.channel == CHANNEL), None)
        if channel is None:
            channel = await self.daily.configure(PLATFORM, COMMUNITY, CHANNEL)
        post = await self.daily.today(channel)
        card = self.daily.card(post, self.locale)
        self._show(card, post.id)
        return DailyCard(card, post.local_date)

    async def answer(self, text: str) -> Out:
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
        return feedback

    # -- mock exam ----------------------------------------------------------------------------

    async def start_exam(self, args: list[str]) -> Out:
        if args and not args[0].isdigit():
            raise InvalidAnswer("exam.bad_size", low=1, high=65)
        size = int(args[0]) if args else 65
        return self._exam_view(await self.exams.start(self.ref, self.locale, size))

    async def exam_answer(self, text: str) -> Out:
        step = self.exam
        assert step is not None
        view = await self.exams.answer(
            self.ref, step.exam_id, step.card.question_id, text, self.locale
        )
        return self._exam_view(view)

    async def skip(self, args: list[str]) -> Out:
        step = self.exam or await self._current_exam()
        view = await self.exams.skip(self.ref, step.exam_id, step.card.question_id, self.locale)
        return self._exam_view(view)

    async def finish(self, args: list[str]) -> Out:
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

    def _exam_view(self, view: ExamView) -> Out:
        self.exam = view if isinstance(view, ExamStep) else None
        if isinstance(view, ExamStep):
            self.pending, self.pending_post = None, None
            self.shown = view.card.question_id
        return view

    # -- reports, progress, leaderboards, lessons ---------------------------------------------

    async def report(self, args: list[str]) -> Out:
        if not args:
            return self._say("report.usage", reasons=", ".join(REPORT_REASONS))
        if self.shown is None:
            raise StudyBotError("report.nothing")
        reason = parse_reason(args[0])
        await self.service.report(self.ref, self.shown, reason, " ".join(args[1:]))
        return Said(say(self.locale, report_thanks(self.shown)), "done")

    async def progress(self, args: list[str]) -> Out:
        """`/progress`, or `/progress png [light|dark] [file.png]`: the card written to a file."""
        if args and args[0].lower() != "png":
            return self._say("picture.usage", "error")
        report = await self.service.progress(self.ref, self.locale)
        if not args:
            return report
        theme = next((a.lower() for a in args[1:] if a.lower() in THEMES), THEMES[0])
        paths = [a for a in args[1:] if a.lower() not in THEMES]
        if len(paths) > 1 or (paths and not paths[0].lower().endswith(".png")):
            return self._say("picture.usage", "error")
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.ref.user)[:40] or "learner"
        path = Path(paths[0] if paths else f"studybot-progress-{safe}.png").expanduser()
        try:
            png = await self.pictures.png(report, theme)
            await asyncio.to_thread(path.write_bytes, png)
        except Exception as error:  # no picture (Pillow, a full disk...): the text still shows
            log.warning("progress picture not written to %s: %s", path, error)
            return [self._say("picture.failed", "error"), report]
        return self._say("picture.saved", "done", path=str(path.resolve()))

    async def stats(self, args: list[str]) -> Out:
        """`/stats [last]`: this terminal community's week (or the week before)."""
        words = [a.lower() for a in args]
        if words not in ([], ["this"], ["last"]):
            return self._say("stats.usage", "error")
        weeks_ago = int(words == ["last"])
        return await self.service.community_week(PLATFORM, COMMUNITY, self.locale, weeks_ago)

    async def leaderboard(self, args: list[str]) -> Out:
        domain, period = self.service.parse_board_args(args)
        return await self.service.leaderboard(self.ref, self.locale, domain, period)

    async def lesson(self, args: list[str]) -> Out:
        if not args:
            return self.service.lessons(self.locale)
        return self.service.lesson(" ".join(args), self.locale)

    async def lang(self, args: list[str]) -> Out:
        if not args or args[0].lower() not in ("en", "fr"):
            return self._say("lang.usage", "error")
        self.locale = await self.service.set_locale(self.ref, args[0].lower())
        if self.pending is not None:
            # Show the waiting question again, now in the new language.
            question = self.service.question(self.pending.question_id)
            self.pending = self.service.card(
                question, self.locale, self.pending.token, self.pending.kind
            )
            return [self._say("lang.set", "done"), self.pending]
        return self._say("lang.set", "done")

    async def help(self, args: list[str]) -> Out:
        return [self._say("help.title"), self._say("help.body")]

    async def quit(self, args: list[str]) -> Out:
        self.done = True
        return self._say("console.bye")
