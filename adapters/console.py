"""The terminal adapter: the same commands typed in a terminal or piped in from a file."""

from __future__ import annotations

import asyncio
import codecs
import io
import logging
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TextIO

from adapters.lifecycle import install_shutdown
from adapters.text import (
    render_card,
    render_feedback,
    render_leaderboard,
    render_lesson,
    render_lessons,
    render_progress,
)
from bot.config import Settings
from bot.content import Content
from bot.daily import DailyService
from bot.errors import InvalidAnswer, StudyBotError
from bot.events import Events
from bot.i18n import t
from bot.service import StudyService
from bot.store import SqliteStore, open_store
from bot.views import QuestionCard, UserRef

if TYPE_CHECKING:
    from adapters.health import HealthServer

__all__ = ["ConsoleSession", "run_console"]

log = logging.getLogger(__name__)

PLATFORM = "console"
COMMUNITY = "local"
CHANNEL = "terminal"
LETTERS = re.compile(r"^[A-Za-z](\s*[,;/ ]?\s*[A-Za-z])*$")


def parse_domain(arg: str | None) -> int | None:
    if not arg:
        return None
    if arg not in {"1", "2", "3", "4"}:
        raise InvalidAnswer("error.bad_domain")
    return int(arg)


class ConsoleSession:
    """One learner at the terminal: turns a typed line into the text to print."""

    def __init__(self, service: StudyService, ref: UserRef, locale: str) -> None:
        self.service = service
        self.ref = ref
        self.locale = locale
        self.daily = DailyService(service)
        self.pending: QuestionCard | None = None
        self.pending_post: int | None = None
        self.last_domain: int | None = None
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
        self.last_domain = parse_domain(args[0] if args else None)
        return await self.next([])

    async def next(self, args: list[str]) -> str:
        self.pending = await self.service.next_question(self.ref, self.locale, self.last_domain)
        self.pending_post = None
        return render_card(self.pending)

    async def daily_question(self, args: list[str]) -> str:
        channels = await self.service.daily_channels(PLATFORM, COMMUNITY)
        channel = next((c for c in channels if c.channel == CHANNEL), None)
        if channel is None:
            channel = await self.service.configure_daily(PLATFORM, COMMUNITY, CHANNEL)
        post = await self.daily.today(channel)
        self.pending = self.daily.card(post, self.locale)
        self.pending_post = post.id
        title = t(self.locale, "daily.title", date=post.local_date)
        return f"{title}\n\n{render_card(self.pending)}\n{t(self.locale, 'daily.console_hint')}"

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
        period = next((a.lower() for a in args if a.lower() in ("week", "all")), "all")
        others = [a for a in args if a.lower() not in ("week", "all")]
        if any(not a.isdigit() for a in others):
            raise InvalidAnswer("error.bad_period")  # `/leaderboard weekly`: a period, misspelt
        domain = parse_domain(others[0] if others else None)
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


class _Lines:
    """Input lines, read on a daemon thread so that a stop never waits for the next line.

    A blocked read in an ordinary worker thread would keep the process alive after a SIGTERM;
    reading the descriptor with os.read on a daemon thread holds no lock that exit needs.
    """

    def __init__(self, stdin: TextIO) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.eof = False
        try:
            fd: int | None = stdin.fileno()
        except (OSError, ValueError, io.UnsupportedOperation):
            fd = None  # an in-memory stream: its reads never block
        encoding = getattr(stdin, "encoding", None) or "utf-8"
        target = self._pump_fd if fd is not None else self._pump_stream
        args = (fd, encoding) if fd is not None else (stdin,)
        threading.Thread(target=target, args=args, daemon=True, name="console-input").start()

    def _put(self, line: str | None) -> bool:
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, line)
        except RuntimeError:  # the loop is closed: the console has stopped
            return False
        return True

    def _pump_stream(self, stdin: TextIO) -> None:
        for line in iter(stdin.readline, ""):
            if not self._put(line):
                return
        self._put(None)

    def _pump_fd(self, fd: int, encoding: str) -> None:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        pending = ""
        while chunk := os.read(fd, 65536):
            *lines, pending = (pending + decoder.decode(chunk)).split("\n")
            for line in lines:
                if not self._put(line + "\n"):
                    return
        pending += decoder.decode(b"", final=True)
        if pending and not self._put(pending):
            return
        self._put(None)

    async def next(self, stop: asyncio.Event) -> str | None:
        """The next line, or None at end of input or once `stop` is set."""
        if self.eof or stop.is_set():
            return None
        get = asyncio.ensure_future(self.queue.get())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({get, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if stop.is_set():
            get.cancel()  # a line that came with the stop is dropped: input is closed
            return None
        line = get.result()
        self.eof = line is None
        return line


async def run_console(
    content: Content,
    db_path: str,
    user: str,
    locale: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    settings: Settings | None = None,
) -> int:
    """Chat in the terminal until /quit, end of input, SIGTERM or SIGINT; returns the exit code.

    On a signal it stops reading, lets the answer being handled finish, commits queued answers
    and closes the database. With HEALTH_PORT set it also serves /healthz and /metrics.
    """
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    store = await open_store(db_path)
    try:
        return await _chat(content, store, user, locale, stdin, stdout, settings)
    finally:
        await store.close()


async def _chat(
    content: Content,
    store: SqliteStore,
    user: str,
    locale: str | None,
    stdin: TextIO,
    stdout: TextIO,
    settings: Settings | None,
) -> int:
    shutdown = install_shutdown(asyncio.get_running_loop())
    lines = _Lines(stdin)
    events, health = await _start_health(settings, store, lines)
    try:
        service = StudyService(content, store, events=events)
        ref = UserRef(PLATFORM, COMMUNITY, user, user)
        session = ConsoleSession(service, ref, await service.locale(ref, locale))
        if locale:
            session.locale = await service.set_locale(ref, locale)
        interactive = stdin.isatty()
        _write(stdout, t(session.locale, "console.welcome", name=user))
        while not session.done:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await lines.next(shutdown.event)
            if line is None:
                break
            if events is not None:
                _count_command(events, session, line)
            # Not cancelled by a stop: the answer being recorded is finished and shown.
            _write(stdout, await session.handle(line))
        if shutdown.requested and interactive:
            _write(stdout, "\n" + t(session.locale, "console.bye"))
    finally:
        shutdown.remove()
        if health is not None:
            await health.close()
    return 0


def _count_command(events: Events, session: ConsoleSession, line: str) -> None:
    word = line.split()[0].lower() if line.strip() else ""
    if word.startswith("/"):
        # Unknown words share one label, so typos cannot grow the metric without bound.
        events.command(PLATFORM, word if word in session.commands else "unknown")


async def _start_health(
    settings: Settings | None, store: SqliteStore, lines: _Lines
) -> tuple[Events | None, HealthServer | None]:
    if settings is None or settings.health_port is None:
        return None, None
    # Imported here: aiohttp and prometheus_client load only when the endpoint is on.
    from adapters.health import Probes, PrometheusEvents, database_probe, serve_health

    events = PrometheusEvents()
    probes = Probes(database=database_probe(store), platform=lambda: not lines.eof)
    return events, await serve_health(settings, probes, events)


def _write(stdout: TextIO, text: str) -> None:
    if text:
        stdout.write(text + "\n\n")
        stdout.flush()
