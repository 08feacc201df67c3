"""The terminal face: reads lines, prints replies; the runtime owns the store and the stop."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TextIO

from adapters.console.input import InputLines
from adapters.console.session import COMMUNITY, PLATFORM, ConsoleSession
from bot.errors import StorageError
from bot.events import Events
from bot.i18n import t
from bot.services import Services
from bot.views import UserRef

__all__ = ["ConsoleFace"]

log = logging.getLogger(__name__)


class ConsoleFace:
    """One learner at the terminal until /quit, the end of input, or a stop."""

    platform = PLATFORM
    publisher = None  # the terminal pulls its daily question with /daily

    def __init__(
        self,
        services: Services,
        user: str,
        locale: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.services = services
        self.user = user
        self.locale = locale
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._lines: InputLines | None = None

    @property
    def events(self) -> Events:
        return self.services.study.events

    def healthy(self) -> bool:
        return self._lines is not None and not self._lines.eof

    def stop_taking_commands(self) -> None:
        self._stop.set()

    async def disconnect(self) -> None:
        self._stop.set()

    async def serve(self) -> int:
        study = self.services.study
        self._lines = lines = InputLines(self.stdin)
        ref = UserRef(PLATFORM, COMMUNITY, self.user, self.user)
        try:
            session = ConsoleSession(self.services, ref, await study.locale(ref, self.locale))
            if self.locale:
                session.locale = await study.set_locale(ref, self.locale)
        except StorageError as e:  # the learner cannot even be recorded: nothing to go on with
            self._write(t(self.locale or "en", "console.storage_stop", cause=e.cause))
            return 1
        interactive = self.stdin.isatty()
        self.ready.set()
        self._write(t(session.locale, "console.welcome", name=self.user))
        while not session.done:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await lines.next(self._stop)
            if line is None:
                break
            self._count_command(session, line)
            # Not cancelled by a stop: the answer being recorded is finished and shown.
            self._write(await session.handle(line))
        if self._stop.is_set() and interactive:
            self._write("\n" + t(session.locale, "console.bye"))
        return 1 if session.failed else 0

    def _count_command(self, session: ConsoleSession, line: str) -> None:
        word = line.split()[0].lower() if line.strip() else ""
        if word.startswith("/"):
            # Unknown words share one label, so typos cannot grow the metric without bound.
            self.events.command(PLATFORM, word if word in session.commands else "unknown")

    def _write(self, text: str) -> None:
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()
