"""The terminal face: reads lines, prints replies; the runtime owns the store and the stop."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from adapters.console.input import InputLines
from adapters.console.session import COMMUNITY, PLATFORM, ConsoleSession
from adapters.console.shown import Reply, Said
from bot.errors import StorageError
from bot.events import Events
from bot.i18n import t
from bot.services import Services
from bot.views import UserRef

if TYPE_CHECKING:
    from adapters.console.pretty import Pretty

__all__ = ["ConsoleFace", "wants_colour"]

log = logging.getLogger(__name__)


def wants_colour(stdout: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colours and layout (rich) only on a terminal, and not when NO_COLOR is set (no-color.org)
    or the terminal is dumb: a pipe gets plain text with no escape code."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    try:
        return stdout.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: plain text
        return False


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
        self._pretty: Pretty | None = None

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
        if wants_colour(self.stdout):
            from adapters.console.pretty import Pretty  # rich is loaded for a terminal only

            self._pretty = Pretty(self.stdout)
        self.ready.set()
        self._show(Reply((Said(t(session.locale, "console.welcome", name=self.user)),)))
        while not session.done:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await lines.next(self._stop)
            if line is None:
                break
            self._count_command(session, line)
            # Not cancelled by a stop: the answer being recorded is finished and shown.
            self._show(await session.handle(line))
        if self._stop.is_set() and interactive:
            self._show(Reply((Said("\n" + t(session.locale, "console.bye")),)))
        return 1 if session.failed else 0

    def _count_command(self, session: ConsoleSession, line: str) -> None:
        word = line.split()[0].lower() if line.strip() else ""
        if word.startswith("/"):
            # Unknown words share one label, so typos cannot grow the metric without bound.
            self.events.command(PLATFORM, word if word in session.commands else "unknown")

    def _show(self, reply: Reply) -> None:
        if not reply.items:
            return
        if self._pretty is not None:
            self._pretty.show(reply)
            return
        self._write(reply.text)

    def _write(self, text: str) -> None:
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()
