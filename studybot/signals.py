"""Process lifecycle for every entry point: stop cleanly on SIGTERM (`docker stop`) and SIGINT (Ctrl-C).

The first signal asks the bot to stop (stop taking commands, finish in-flight answers, close the
database); the handlers are then removed, so a second signal stops the process the default way.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import signal
from collections.abc import Callable

__all__ = ["Shutdown", "install_shutdown"]

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Shutdown:
    """What `install_shutdown` returns: whether a stop was asked for, and by which signal."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        stop_callback: Callable[[], object] | None,
        signals: tuple[signal.Signals, ...],
    ) -> None:
        self.loop = loop
        self.stop_callback = stop_callback
        self.signals = signals
        self.event = asyncio.Event()
        self.signal: signal.Signals | None = None
        self.installed: list[signal.Signals] = []
        self._tasks: set[asyncio.Future[object]] = set()

    @property
    def requested(self) -> bool:
        return self.event.is_set()

    async def wait(self) -> None:
        await self.event.wait()

    def trigger(self, sig: signal.Signals | None = None) -> None:
        """Ask for a stop, as a signal would (also usable without one, e.g. from a test)."""
        if self.event.is_set():
            return
        self.signal = sig
        self.event.set()
        self.remove()
        name = sig.name if sig else "a request"
        log.info("stopping on %s: finishing in-flight work (send it again to force)", name)
        if self.stop_callback is not None:
            self._run(self.stop_callback)

    def _run(self, callback: Callable[[], object]) -> None:
        result = callback()
        if inspect.isawaitable(result):
            # Keep a reference: the loop holds tasks weakly.
            task = asyncio.ensure_future(result, loop=self.loop)
            self._tasks.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("stopping failed", exc_info=task.exception())

    def remove(self) -> None:
        """Give the signals back their default action."""
        for sig in self.installed:
            self.loop.remove_signal_handler(sig)
        self.installed.clear()


def install_shutdown(
    loop: asyncio.AbstractEventLoop,
    stop_callback: Callable[[], object] | None = None,
    *,
    signals: tuple[signal.Signals, ...] = SIGNALS,
) -> Shutdown:
    """On the first SIGTERM or SIGINT, set `Shutdown.event` and call `stop_callback` once.

    `stop_callback` may be a plain function (`stop.set`) or return an awaitable (`bot.close`),
    which is then run as a task. Outside the main thread, or where the loop cannot handle
    signals, nothing is installed and `trigger()` is the only way to stop.
    """
    shutdown = Shutdown(loop, stop_callback, signals)
    for sig in signals:
        try:
            loop.add_signal_handler(sig, shutdown.trigger, sig)
        except (NotImplementedError, RuntimeError, ValueError):
            log.debug("no handler for %s here (not the main thread, or not supported)", sig.name)
            continue
        shutdown.installed.append(sig)
    return shutdown
