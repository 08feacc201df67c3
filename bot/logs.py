"""Logging set-up: one line per event, as text or JSON lines, with every configured token redacted."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TextIO

__all__ = [
    "JsonFormatter",
    "RateLimitedLog",
    "RedactSecrets",
    "TextFormatter",
    "configure_logging",
]

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
# A value this short could match ordinary words; no real token is this short.
MIN_SECRET_LENGTH = 6


class RedactSecrets(logging.Filter):
    """Replace each secret value anywhere in a record (message, arguments, traceback) by REDACTED.

    Tokens are kept out of logs on purpose everywhere; this filter is the second line of defence,
    for a library that logs a URL, a header or an exception that happens to carry one.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        unique = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}
        self.secrets = sorted(unique, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it when it formats the record
            return True
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


def _details(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    """The traceback and stack of a record, if it has any, as one string."""
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    parts = [p for p in (record.exc_text, record.stack_info) if p]
    return "\n".join(parts) if parts else None


class TextFormatter(logging.Formatter):
    """`2026-11-27T12:00:00.000Z INFO bot.cli: message`, newlines escaped: one line per event."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        details = _details(self, record)
        if details:
            line = f"{line} | {details}"
        return line.replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        details = _details(self, record)
        if details:
            entry["exception"] = details
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str,
    fmt: str = "text",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log record to `stream` (stderr) as one line; returns the handler installed.

    Replaces the root logger's handlers, so calling it again reconfigures instead of doubling lines.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return handler


class RateLimitedLog:
    """One warning line per kind of event and interval; the repeats in between are counted and
    told with the next line, so a flood (a crawler, a full disk) cannot fill the log."""

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self._kinds: dict[str, tuple[float, int]] = {}  # kind -> (last line's time, repeats)

    def warning(self, kind: str, message: str, *args: object) -> bool:
        """Log `message` unless `kind` was logged less than `interval` ago; True if it was."""
        now = self.clock()
        last, repeats = self._kinds.get(kind, (float("-inf"), 0))
        if now - last < self.interval:
            self._kinds[kind] = (last, repeats + 1)
            return False
        if repeats:
            message += f" ({repeats} more like it in the last {self.interval:.0f} s)"
        self.logger.warning(message, *args)
        self._kinds[kind] = (now, 0)
        return True
