"""Terminal input, read on a daemon thread so that a stop never waits for the next line."""

from __future__ import annotations

import asyncio
import codecs
import io
import os
import threading
from typing import TextIO

__all__ = ["InputLines"]


class InputLines:
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
