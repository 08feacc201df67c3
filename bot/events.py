"""What the core reports about itself, for metrics; the default observer ignores it all."""

from __future__ import annotations

from typing import Protocol

__all__ = ["Events", "NullEvents"]


class Events(Protocol):
    """Observer of what happens; the health module implements it with Prometheus metrics."""

    def command(self, platform: str, name: str) -> None: ...
    def answered(self, source: str, correct: bool, counted: bool, seconds: float) -> None: ...
    def error(self, platform: str, kind: str) -> None: ...
    def daily_posted(self, platform: str, ok: bool) -> None: ...


class NullEvents:
    """Reports nothing: the default, so the core needs no metrics library."""

    def command(self, platform: str, name: str) -> None:
        return None

    def answered(self, source: str, correct: bool, counted: bool, seconds: float) -> None:
        return None

    def error(self, platform: str, kind: str) -> None:
        return None

    def daily_posted(self, platform: str, ok: bool) -> None:
        return None
