"""The terminal's commands: one learner types a line, the session returns the text to print."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from adapters.shared.text import (
    render_card,
    render_daily_card,
    render_feedback,
    render_leaderboard,
    render_lesson,
    render_lessons,
    render_progress,
)
from bot.daily import DailyService
from bot.errors import StudyBotError
from bot.i18n import t
from bot.views import QuestionCard, Scope, UserRef

__all__ = ["CHANNEL", "COMMUNITY", "PLATFORM", "ConsoleSession"]

log = logging.getLogger(__name__)

PLATFORM = "console"
COMMUNITY = "local"
CHANNEL = "terminal"
LETTERS = re.compile(r"^[A-Za-z](\s*[,;/ ]?\s*[A-Za-z])*$")


class ConsoleSession:
    """One learner at the terminal: turns a typed line into the text to print."""

    def __init__(self, daily: DailyService, ref: UserRef, locale: str) -> None:
        self.service = daily.study
        self.daily = daily
        self.ref = ref
        self.locale = locale
        self.pending: QuestionCard | None = None
        self.pending_post: int | None = None
        self.scope = Scope()
        self.done = False
        self.commands: dict[str, Callable[[list[str]], Awaitable[str]]] = {
            "/quiz": self.quiz,
            "next": self.next,
            "/next": self.next,
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
        except StudyBotError as e:
            return t(self.locale, e.key, **e.params)
        except Exception:
            log.exception("console command failed: %r", line)
            return t(self.locale, "error.generic")

    async def _dispatch(self, line: str) -> str:
        word, *args = line.split()
        command = self.commands.get(word.lower())
        if command is not None:
            return await command(args)
        if self.pending is not None and not line.startswith("/"):
            return await self.answer(line)
        if LETTERS.match(line) and len(line) <= 9:
            raise StudyBotError("error.no_question")
        raise StudyBotError("error.unknown_command", command=word)

    async def quiz(self, args: list[str]) -> str:
        self.scope = self.service.parse_scope(args[0] if args else None)
        return await self.next([])

    async def next(self, args: list[str]) -> str:
        scope = self.scope
        self.pending = await self.service.next_question(
            self.ref, self.locale, scope.domain, task=scope.task
        )
        self.pending_post = None
        return render_card(self.pending)

    async def daily_question(self, args: list[str]) -> str:
        channels = await self.service.daily_channels(PLATFORM, COMMUNITY)
        channel = next((c for c in channels if c.channel == CHANNEL), None)
        if channel is None:
            channel = await self.daily.configure(PLATFORM, COMMUNITY, CHANNEL)
        post = await self.daily.today(channel)
        self.pending = self.daily.card(post, self.locale)
        self.pending_post = post.id
        return render_daily_card(self.pending, post.local_date)

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
        return render_feedback(feedback)

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
            self.pending = self.service.card(question, self.locale, self.pending.token)
            return f"{t(self.locale, 'lang.set')}\n\n{render_card(self.pending)}"
        return t(self.locale, "lang.set")

    async def help(self, args: list[str]) -> str:
        return f"{t(self.locale, 'help.title')}\n\n{t(self.locale, 'help.body')}"

    async def quit(self, args: list[str]) -> str:
        self.done = True
        return t(self.locale, "console.bye")
